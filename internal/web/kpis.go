package web

import (
	"context"
	"encoding/csv"
	"net/http"
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

// kpiFilter reads ?owner=&status=&q=, which pick KPIs for a list.
func kpiFilter(r *http.Request) catalog.KPIFilter {
	q := r.URL.Query()
	return catalog.KPIFilter{Owner: q.Get("owner"), Status: q.Get("status"), Text: q.Get("q")}
}

func (s *Server) reports(r *http.Request) ([]*catalog.KPIReport, error) {
	if s.KPIs == nil {
		return []*catalog.KPIReport{}, nil
	}
	day, err := asof(r)
	if err != nil {
		return nil, err
	}
	out := kpiFilter(r).Filter(s.KPIs.Reports(r.Context(), s.lang(r), day))
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
	return s.KPIs.Report(r.Context(), r.PathValue("id"), s.lang(r), day)
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
