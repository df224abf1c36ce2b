package govlake

import (
	"fmt"
	"math"
)

// Point is one value of a KPI's series.
type Point struct {
	Period    string  `json:"period"`
	Dimension string  `json:"dimension,omitempty"`
	Value     float64 `json:"value"`
}

// Statuses of a KPI against its target.
const (
	StatusAchieved          = "achieved"
	StatusOnTrack           = "on_track"
	StatusNeedsAcceleration = "needs_acceleration"
	StatusRegressing        = "regressing"
	StatusNoTarget          = "no_target"
	StatusInsufficientData  = "insufficient_data"
)

// OnTrackRatio is the share of the required pace at which a KPI is on
// track, as in UNSD's SDG Progress Chart.
const OnTrackRatio = 0.95

// Assessment says where a KPI stands against its target, and why.
type Assessment struct {
	Status    string   `json:"status"`
	Text      string   `json:"status_text"`
	Ratio     *float64 `json:"ratio,omitempty"`     // actual pace over required pace
	Projected *float64 `json:"projected,omitempty"` // the value at the target period, at the actual pace
}

// Assess measures a series (one dimension, in period order) against its
// target, by the method of UNSD's SDG Progress Chart, which ESCAP's
// Asia-Pacific SDG Progress Report follows: the ratio of the actual
// compound annual growth rate since the baseline to the rate required to
// reach the target by its period. A value already at the target is
// achieved; a ratio of at least 0.95 is on track; from 0 to 0.95 needs
// acceleration; below 0 (moving away from the target) is regressing.
// Where a value is zero or negative, growth rates do not exist, and
// linear paces (change per year) are compared instead. write formats
// values for the sentence.
func Assess(series []Point, base *Baseline, target *Target, direction string, write func(float64) string) Assessment {
	if target == nil {
		return Assessment{Status: StatusNoTarget, Text: "No target is set."}
	}
	if len(series) == 0 {
		return Assessment{Status: StatusInsufficientData, Text: "There are no values yet."}
	}
	latest := series[len(series)-1]
	better := func(a, b float64) bool { // a at least as good as b
		if direction == DirectionDecrease {
			return a <= b
		}
		return a >= b
	}
	if better(latest.Value, target.Value) {
		return Assessment{Status: StatusAchieved, Text: fmt.Sprintf("Achieved: %s in %s meets the target of %s for %s.",
			write(latest.Value), latest.Period, write(target.Value), target.Period)}
	}
	first := series[0]
	if base != nil {
		for _, p := range series {
			if p.Period == base.Period {
				first = p
			}
		}
	}
	t0, err0 := ParsePeriod(first.Period)
	t1, err1 := ParsePeriod(latest.Period)
	tT, errT := ParsePeriod(target.Period)
	if err0 != nil || err1 != nil || errT != nil || t1 <= t0 || tT <= t0 {
		return Assessment{Status: StatusInsufficientData,
			Text: fmt.Sprintf("Not enough data: progress needs values in two periods from the baseline on; the target is %s by %s.", write(target.Value), target.Period)}
	}
	var actual, required, projected float64
	if first.Value > 0 && latest.Value > 0 && target.Value > 0 {
		actual = math.Pow(latest.Value/first.Value, 1/(t1-t0)) - 1
		required = math.Pow(target.Value/first.Value, 1/(tT-t0)) - 1
		projected = first.Value * math.Pow(1+actual, tT-t0)
	} else {
		actual = (latest.Value - first.Value) / (t1 - t0)
		required = (target.Value - first.Value) / (tT - t0)
		projected = first.Value + actual*(tT-t0)
	}
	a := Assessment{Projected: &projected}
	ratio := math.Inf(-1) // the target was the baseline, and the value left it
	if required != 0 {
		ratio = actual / required
		a.Ratio = &ratio
	}
	pace := fmt.Sprintf("at the pace since %s the value reaches %s by %s; the target is %s.", first.Period, write(projected), target.Period, write(target.Value))
	switch {
	case ratio >= OnTrackRatio:
		a.Status, a.Text = StatusOnTrack, "On track: "+pace
	case ratio >= 0:
		a.Status, a.Text = StatusNeedsAcceleration, "Needs acceleration: "+pace
	default:
		a.Status = StatusRegressing
		a.Text = fmt.Sprintf("Regressing: the value has moved away from the target since %s (%s then, %s in %s); the target is %s by %s.",
			first.Period, write(first.Value), write(latest.Value), latest.Period, write(target.Value), target.Period)
	}
	return a
}
