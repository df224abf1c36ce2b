package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// queryChart is a query result drawn as an SVG line or bar chart on the
// server, so the console charts without JavaScript; the result's table
// beside it holds the same figures.
type queryChart struct {
	Kind           string
	W, H           float64
	Left, Bottom   float64 // where the axes meet
	Top, Right     float64
	Bars           []chartBar
	Line           string // polyline points
	Dots           []chartBar
	XLabels        []axisLabel
	YLabels        []axisLabel
	Label          string // what it shows, for screen readers
	Shown, Skipped int    // points drawn; rows without a number left out
	Truncated      bool   // more rows than chartPoints
	X, Y           string
}

type chartBar struct {
	X, Y, W, H float64
	Title      string
}

type axisLabel struct {
	X, Y float64
	Text string
}

// chartPoints bounds the points a chart draws.
const chartPoints = 500

// drawChart scales column y against column x (as labels, in row order).
func drawChart(res *govlake.Result, f chartForm) *queryChart {
	if f.Kind != "line" && f.Kind != "bar" {
		return nil
	}
	xi, yi := columnIndex(res, f.X), columnIndex(res, f.Y)
	if xi < 0 || yi < 0 {
		return nil
	}
	c := &queryChart{Kind: f.Kind, W: 640, H: 320, Left: 64, Bottom: 280, Top: 12, Right: 628, X: f.X, Y: f.Y}
	var xs []string
	var ys []float64
	for _, row := range res.Rows {
		y, ok := numeric(row[yi])
		if !ok {
			c.Skipped++
			continue
		}
		if len(ys) == chartPoints {
			c.Truncated = true
			break
		}
		xs, ys = append(xs, textCell(row[xi])), append(ys, y)
	}
	c.Shown = len(ys)
	if len(ys) == 0 {
		return c
	}
	lo, hi := 0.0, 0.0
	for _, y := range ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	if hi == lo {
		hi = lo + 1
	}
	scale := func(y float64) float64 { return c.Bottom - (y-lo)/(hi-lo)*(c.Bottom-c.Top) }
	step := (c.Right - c.Left) / float64(len(ys))
	var pts []string
	for i, y := range ys {
		x := c.Left + step*float64(i) + step/2
		title := xs[i] + ": " + strconv.FormatFloat(y, 'f', -1, 64)
		if c.Kind == "bar" {
			top, zero := scale(math.Max(y, 0)), scale(math.Min(y, 0))
			c.Bars = append(c.Bars, chartBar{X: x - step*0.4, Y: top, W: step * 0.8, H: zero - top, Title: title})
		} else {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, scale(y)))
			c.Dots = append(c.Dots, chartBar{X: x, Y: scale(y), Title: title})
		}
	}
	c.Line = strings.Join(pts, " ")
	every := max(1, len(xs)/8)
	for i := 0; i < len(xs); i += every {
		c.XLabels = append(c.XLabels, axisLabel{X: c.Left + step*float64(i) + step/2, Y: c.Bottom + 16, Text: xs[i]})
	}
	for k := 0; k <= 4; k++ {
		y := lo + (hi-lo)*float64(k)/4
		c.YLabels = append(c.YLabels, axisLabel{X: c.Left - 6, Y: scale(y) + 4, Text: strconv.FormatFloat(y, 'g', 4, 64)})
	}
	c.Label = fmt.Sprintf("%s of %s by %s, %d points from %s to %s", c.Kind, f.Y, f.X, len(ys),
		strconv.FormatFloat(lo, 'g', 6, 64), strconv.FormatFloat(hi, 'g', 6, 64))
	return c
}

func columnIndex(res *govlake.Result, name string) int {
	for i, c := range res.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// numeric reads a result cell as a number to draw, if it is a finite one.
func numeric(v any) (float64, bool) {
	f, ok := catalog.Number(v)
	return f, ok && !math.IsNaN(f) && !math.IsInf(f, 0)
}
