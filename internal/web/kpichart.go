package web

import (
	"sort"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// chartData is what a KPI's chart draws: a line per dimension, each
// target, and the path from the baseline to each target.
type chartData struct {
	Periods []string      `json:"periods"`
	Lines   []chartLine   `json:"lines"`
	Targets []chartTarget `json:"targets"`
	Paths   []chartPath   `json:"paths"`
	Unit    string        `json:"unit,omitempty"`
	File    string        `json:"file"` // the PNG download's name
}

type chartLine struct {
	Name   string     `json:"name"`
	Values []*float64 `json:"values"` // by period; null where there is none
}

type chartTarget struct {
	Name   string  `json:"name"`
	Period string  `json:"period"`
	Value  float64 `json:"value"`
}

// chartPath is the straight way from the baseline value to the target: a
// value above it (for increase) is ahead of the required pace.
type chartPath struct {
	Name string     `json:"name"`
	From chartPoint `json:"from"`
	To   chartPoint `json:"to"`
}

type chartPoint struct {
	Period string  `json:"period"`
	Value  float64 `json:"value"`
}

// chart lays a series out for the chart: periods in order (with the target
// periods), one line per dimension.
func chart(k *catalog.KPIReport) chartData {
	c := chartData{Unit: k.Unit, Periods: []string{}, Lines: []chartLine{}, Targets: []chartTarget{}, Paths: []chartPath{}, File: k.ID + ".png"}
	seen := map[string]bool{}
	addPeriod := func(p string) {
		if !seen[p] {
			seen[p] = true
			c.Periods = append(c.Periods, p)
		}
	}
	for _, p := range k.Series {
		addPeriod(p.Period)
	}
	for _, d := range k.Dimensions {
		if d.Target != nil {
			addPeriod(d.Target.Period)
		}
	}
	sort.SliceStable(c.Periods, func(i, j int) bool {
		a, _ := govlake.ParsePeriod(c.Periods[i])
		b, _ := govlake.ParsePeriod(c.Periods[j])
		return a < b
	})
	index := map[string]int{}
	for i, p := range c.Periods {
		index[p] = i
	}
	lines := map[string]int{}
	for _, p := range k.Series {
		li, ok := lines[p.Dimension]
		if !ok {
			li = len(c.Lines)
			lines[p.Dimension] = li
			name := p.Dimension
			if name == "" {
				name = k.Title
			}
			c.Lines = append(c.Lines, chartLine{Name: name, Values: make([]*float64, len(c.Periods))})
		}
		v := p.Value
		c.Lines[li].Values[index[p.Period]] = &v
	}
	base := map[string]govlake.Point{}
	if k.Baseline != nil {
		for _, p := range k.Baseline.Values {
			base[p.Dimension] = p
		}
	}
	for _, d := range k.Dimensions {
		if d.Target == nil {
			continue
		}
		name := d.Dimension
		if name == "" {
			name = k.Title
		}
		c.Targets = append(c.Targets, chartTarget{name, d.Target.Period, d.Target.Value})
		if b, ok := base[d.Dimension]; ok {
			c.Paths = append(c.Paths, chartPath{name, chartPoint{b.Period, b.Value}, chartPoint{d.Target.Period, d.Target.Value}})
		}
	}
	return c
}

// spark is a small line of a KPI's headline series on its card, drawn as
// an SVG polyline in a 120 by 32 box (the card's text carries the figures).
type spark struct {
	Points       string
	LastX, LastY string
}

func sparkline(series []govlake.Point) *spark {
	if len(series) < 2 {
		return nil
	}
	lo, hi := series[0].Value, series[0].Value
	for _, p := range series {
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	const w, h, pad = 120.0, 32.0, 3.0
	var pts []string
	var x, y float64
	for i, p := range series {
		x = pad + (w-2*pad)*float64(i)/float64(len(series)-1)
		y = h / 2
		if hi > lo {
			y = h - pad - (h-2*pad)*(p.Value-lo)/(hi-lo)
		}
		pts = append(pts, coord(x)+","+coord(y))
	}
	return &spark{Points: strings.Join(pts, " "), LastX: coord(x), LastY: coord(y)}
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
