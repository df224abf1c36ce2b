package govlake

import (
	"math"
	"strconv"
	"testing"
)

func two(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// Each status on a crafted series, with its figures computed by hand.
func TestAssess(t *testing.T) {
	series := func(vals ...float64) []Point {
		var out []Point
		for i, v := range vals {
			out = append(out, Point{Period: strconv.Itoa(2014 + 2*i), Value: v})
		}
		return out
	}
	target := &Target{Period: "2030", Value: 0.75}
	for _, tc := range []struct {
		name   string
		series []Point
		target *Target
		dir    string
		status string
		text   string
		ratio  float64
	}{
		// 0.50 (2014) to 0.60 (2018): actual CAGR (1.2)^(1/4)-1 = 4.664%;
		// required (1.5)^(1/16)-1 = 2.566%; ratio 1.817; 0.5*1.2^4 = 1.04 by 2030.
		{"on track", series(0.50, 0.55, 0.60), target, DirectionIncrease, StatusOnTrack,
			"On track: at the pace since 2014 the value reaches 1.04 by 2030; the target is 0.75.", 1.8170},
		// 0.50 to 0.52 in 4 years: (1.04)^(1/4)-1 = 0.985%; ratio 0.3839;
		// 0.5*1.04^4 = 0.585 by 2030.
		{"needs acceleration", series(0.50, 0.51, 0.52), target, DirectionIncrease, StatusNeedsAcceleration,
			"Needs acceleration: at the pace since 2014 the value reaches 0.58 by 2030; the target is 0.75.", 0.3839},
		{"regressing", series(0.50, 0.49, 0.48), target, DirectionIncrease, StatusRegressing,
			"Regressing: the value has moved away from the target since 2014 (0.50 then, 0.48 in 2018); the target is 0.75 by 2030.", -0.3956},
		{"achieved", series(0.50, 0.70, 0.80), target, DirectionIncrease, StatusAchieved,
			"Achieved: 0.80 in 2018 meets the target of 0.75 for 2030.", 0},
		// A rank, lower is better: 8th to 7th in 4 years, target 6th by 2030.
		// Actual (7/8)^(1/4)-1 = -3.283%; required (6/8)^(1/16)-1 = -1.782%; ratio 1.842; 8*(7/8)^4 = 4.69 by 2030.
		{"rank, decrease", series(8, 7.5, 7), &Target{Period: "2030", Value: 6}, DirectionDecrease, StatusOnTrack,
			"On track: at the pace since 2014 the value reaches 4.69 by 2030; the target is 6.00.", 1.8425},
		// A value of zero has no growth rate: linear paces, 0.5 a year
		// against 0.625 a year required; ratio 0.8.
		{"linear from zero", series(0, 1, 2), &Target{Period: "2030", Value: 10}, DirectionIncrease, StatusNeedsAcceleration,
			"Needs acceleration: at the pace since 2014 the value reaches 8.00 by 2030; the target is 10.00.", 0.8},
		{"one value", series(0.5), target, DirectionIncrease, StatusInsufficientData,
			"Not enough data: progress needs values in two periods from the baseline on; the target is 0.75 by 2030.", 0},
		{"no target", series(0.5, 0.6), nil, DirectionIncrease, StatusNoTarget, "No target is set.", 0},
	} {
		a := Assess(tc.series, &Baseline{Period: "2014"}, tc.target, tc.dir, two)
		if a.Status != tc.status || a.Text != tc.text {
			t.Errorf("%s: %s %q\nwant %s %q", tc.name, a.Status, a.Text, tc.status, tc.text)
		}
		if tc.ratio != 0 && (a.Ratio == nil || math.Abs(*a.Ratio-tc.ratio) > 1e-4) {
			t.Errorf("%s: ratio %v, want %v", tc.name, a.Ratio, tc.ratio)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]float64{"2018": 2018, "2018-Q3": 2018.5, "2018-07": 2018.5, "2018-01-01": 2018} {
		if got, err := ParsePeriod(in); err != nil || math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "18", "2018-Q5", "2018-13", "2018-02-30", "soon"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q read as a period", bad)
		}
	}
}
