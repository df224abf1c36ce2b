package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"sort"
	"time"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// KPIReports computes the KPI reports.
type KPIReports interface {
	Reports(ctx context.Context, lang string, asof catalog.AsOf) []*catalog.KPIReport
	Report(ctx context.Context, id, lang string, asof catalog.AsOf) (*catalog.KPIReport, error)
}

// KPIList is GET /api/v1/kpis: each KPI's latest figure, without series.
type KPIList struct {
	KPIs []*catalog.KPIReport `json:"kpis"`
}

func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return l
	}
	return "en"
}

// asof reads ?asof=YYYY-MM-DD: figures as they stood at the end of that day.
func asof(r *http.Request) (catalog.AsOf, error) {
	v := r.URL.Query().Get("asof")
	if v == "" {
		return catalog.AsOf{}, nil
	}
	day, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return catalog.AsOf{}, govlake.Errorf(govlake.EINVALID, "asof %q must be a date, YYYY-MM-DD", v)
	}
	return day, nil
}

func (s *Server) reports(r *http.Request) ([]*catalog.KPIReport, error) {
	if s.KPIs == nil {
		return []*catalog.KPIReport{}, nil
	}
	day, err := asof(r)
	if err != nil {
		return nil, err
	}
	out := s.KPIs.Reports(r.Context(), lang(r), day)
	for i, k := range out {
		out[i] = k.Brief()
	}
	return out, nil
}

func (s *Server) report(r *http.Request) (*catalog.KPIReport, error) {
	if s.KPIs == nil {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "no KPI %q; GET /api/v1/kpis lists them", r.PathValue("id"))
	}
	day, err := asof(r)
	if err != nil {
		return nil, err
	}
	return s.KPIs.Report(r.Context(), r.PathValue("id"), lang(r), day)
}

func (s *Server) apiKPIs(w http.ResponseWriter, r *http.Request) {
	list, err := s.reports(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, KPIList{list})
}

// apiKPI answers one KPI with its series; format=csv gives the series.
func (s *Server) apiKPI(w http.ResponseWriter, r *http.Request) {
	k, err := s.report(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") != "csv" {
		writeJSON(w, http.StatusOK, k)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+k.ID+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"kpi", "period", "dimension", "value"})
	for _, p := range k.Series {
		cw.Write([]string{k.ID, p.Period, p.Dimension, textCell(p.Value)})
	}
	cw.Flush()
}

// kpiCard is one KPI on the KPI page.
type kpiCard struct {
	*catalog.KPIReport
	Value, Change, TargetValue string
}

func card(k *catalog.KPIReport) kpiCard {
	c := kpiCard{KPIReport: k}
	if k.KPI == nil {
		return c
	}
	f := k.KPI.Format
	if k.Latest != nil {
		c.Value = f.Write(k.Latest.Value)
		if k.Previous != nil {
			d := k.Latest.Value - k.Previous.Value
			sign := "+"
			if d < 0 {
				sign, d = "−", -d
			}
			c.Change = sign + f.Write(d) + " since " + k.Previous.Period
		}
	}
	if k.Target != nil {
		c.TargetValue = f.Write(k.Target.Value)
	}
	return c
}

// kpisView is the KPI page.
type kpisView struct {
	Cards []kpiCard
	AsOf  string
}

func (s *Server) pageKPIs(w http.ResponseWriter, r *http.Request) {
	list, err := s.reports(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := kpisView{AsOf: r.URL.Query().Get("asof")}
	for _, k := range list {
		v.Cards = append(v.Cards, card(k))
	}
	s.render(w, r, "kpis.html", v)
}

// kpiView is one KPI's page: its card, and its figures as a table.
type kpiView struct {
	kpiCard
	Rows    []kpiRow
	Caveats string
	CSV     string
	Chart   chartData // drawn by the page's script; the table shows the same figures
}

// chartData is what the chart draws: a line per dimension, and the target.
type chartData struct {
	Periods []string     `json:"periods"`
	Lines   []chartLine  `json:"lines"`
	Target  *chartTarget `json:"target,omitempty"`
	Unit    string       `json:"unit,omitempty"`
}

type chartLine struct {
	Name   string     `json:"name"`
	Values []*float64 `json:"values"` // by period; null where there is none
}

type chartTarget struct {
	Period string  `json:"period"`
	Value  float64 `json:"value"`
}

// chart lays a series out for the chart: periods in order, one line per
// dimension.
func chart(k *catalog.KPIReport) chartData {
	c := chartData{Unit: k.Unit, Periods: []string{}, Lines: []chartLine{}}
	index := map[string]int{}
	for _, p := range k.Series {
		if _, ok := index[p.Period]; !ok {
			index[p.Period] = len(c.Periods)
			c.Periods = append(c.Periods, p.Period)
		}
	}
	sort.SliceStable(c.Periods, func(i, j int) bool {
		a, _ := govlake.ParsePeriod(c.Periods[i])
		b, _ := govlake.ParsePeriod(c.Periods[j])
		return a < b
	})
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
	if k.Target != nil {
		c.Target = &chartTarget{k.Target.Period, k.Target.Value}
	}
	return c
}

type kpiRow struct {
	Period, Dimension, Value string
	Revised                  string // "revised on 2026-03-02: was 0.561"
}

func (s *Server) pageKPI(w http.ResponseWriter, r *http.Request) {
	k, err := s.report(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := kpiView{kpiCard: card(k), CSV: "/api/v1/kpis/" + k.ID + "?format=csv", Chart: chart(k)}
	if k.KPI != nil {
		v.Caveats = k.KPI.Caveats.In(lang(r))
		revised := map[[2]string]string{}
		for _, rv := range k.Revisions {
			revised[[2]string{rv.Period, rv.Dimension}] = "revised on " + rv.RevisedOn + ": was " + k.KPI.Format.Write(rv.Was)
		}
		for _, p := range k.Series {
			v.Rows = append(v.Rows, kpiRow{p.Period, p.Dimension, k.KPI.Format.Write(p.Value), revised[[2]string{p.Period, p.Dimension}]})
		}
	}
	s.render(w, r, "kpi.html", v)
}
