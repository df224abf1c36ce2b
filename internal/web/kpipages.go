package web

import (
	"net/http"
	"net/url"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// kpiCard is one KPI on the KPI pages: its figures written for people.
type kpiCard struct {
	*catalog.KPIReport
	Value, Change, TargetText, StatusLabel, Mark string
	Spark                                        *spark
}

func card(k *catalog.KPIReport, l *locale) kpiCard {
	c := kpiCard{KPIReport: k, StatusLabel: l.T("status." + k.Status), Mark: statusMarks[k.Status]}
	if k.KPI == nil {
		return c
	}
	f := localFormat{k.KPI.Format, l}
	if k.Latest != nil {
		c.Value = f.Write(k.Latest.Value)
		if k.Previous != nil {
			d := k.Latest.Value - k.Previous.Value
			sign := "+"
			if d < 0 {
				sign, d = "−", -d
			}
			c.Change = l.T("kpi.since", sign+f.Write(d), k.Previous.Period)
		}
	}
	if t := k.Target; t != nil {
		c.TargetText = l.T("kpi.targetby", f.Write(t.Value), t.Period)
	}
	c.Spark = sparkline(k.Trend)
	return c
}

// kpisView is /kpis: the KPIs grouped by owner, and the filter form.
type kpisView struct {
	PageTitle string
	Groups    []kpiGroup
	AsOf      string
	Filter    catalog.KPIFilter
	Owners    []option
	Statuses  []option
	Lang      string
}

type kpiGroup struct {
	Owner string
	Cards []kpiCard
}

type option struct {
	Value, Label string
	Selected     bool
}

func (s *Server) pageKPIs(w http.ResponseWriter, r *http.Request) {
	list, err := s.reports(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locales.pick(r)
	f := kpiFilter(r)
	v := kpisView{PageTitle: l.T("kpi.kpis"), AsOf: r.URL.Query().Get("asof"), Filter: f, Lang: l.Code}
	for _, g := range catalog.ByOwner(list) {
		kg := kpiGroup{Owner: g.Owner}
		if kg.Owner == "" {
			kg.Owner = l.T("kpi.other")
		}
		for _, k := range g.KPIs {
			kg.Cards = append(kg.Cards, card(k, l))
		}
		v.Groups = append(v.Groups, kg)
	}
	// The owners to pick from are every KPI's, not only those shown.
	all := list
	if s.KPIs != nil && f != (catalog.KPIFilter{}) {
		day, _ := asof(r)
		all = s.KPIs.Reports(r.Context(), s.lang(r), day)
	}
	for _, o := range catalog.Owners(all) {
		if o != "" {
			v.Owners = append(v.Owners, option{o, o, o == f.Owner})
		}
	}
	for _, st := range []string{"achieved", "on_track", "needs_acceleration", "regressing", "insufficient_data", "no_target", "error"} {
		v.Statuses = append(v.Statuses, option{st, l.T("status." + st), st == f.Status})
	}
	s.render(w, r, "kpis.html", v)
}

// kpiView is one KPI's page: its card, each dimension against its target,
// the chart and the same figures as a table.
type kpiView struct {
	PageTitle string
	kpiCard
	Description, Caveats string
	Dimensions           []dimensionRow
	Figures              figureTable
	RevisionNotes        []string // "2016, VNM: revised on 2026-03-02: was 0.561, now 0.566"
	CSV, Back            string
	Chart                chartData // drawn by the page's script; the table shows the same figures
}

type dimensionRow struct {
	Dimension, Latest, Period, Target, StatusLabel, Mark, Status, Text string
}

// figureTable is a KPI's series as a table: a row per period, a column
// per dimension, as the chart draws it.
type figureTable struct {
	Dimensions []string
	Rows       []figureRow
}

type figureRow struct {
	Period string
	Cells  []figureCell
}

type figureCell struct {
	Value   string
	Revised string // "revised on 2026-03-02: was 0.561"
}

func (s *Server) pageKPI(w http.ResponseWriter, r *http.Request) {
	k, err := s.report(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locales.pick(r)
	q := url.Values{"format": {"csv"}}
	back := url.Values{"lang": {l.Code}}
	if a := r.URL.Query().Get("asof"); a != "" {
		q.Set("asof", a)
		back.Set("asof", a)
	}
	v := kpiView{PageTitle: k.Title, kpiCard: card(k, l), CSV: "/api/v1/kpis/" + k.ID + "?" + q.Encode(), Back: "/kpis?" + back.Encode(), Chart: chart(k)}
	if k.KPI == nil {
		s.render(w, r, "kpi.html", v)
		return
	}
	f := localFormat{k.KPI.Format, l}
	v.Description, v.Caveats = k.KPI.Description.In(l.Code), k.KPI.Caveats.In(l.Code)
	for _, d := range k.Dimensions {
		row := dimensionRow{Dimension: d.Dimension, StatusLabel: l.T("status." + d.Status), Mark: statusMarks[d.Status], Status: d.Status, Text: d.Text}
		if d.Latest != nil {
			row.Latest, row.Period = f.Write(d.Latest.Value), d.Latest.Period
		}
		if d.Target != nil {
			row.Target = l.T("kpi.targetby", f.Write(d.Target.Value), d.Target.Period)
		}
		v.Dimensions = append(v.Dimensions, row)
	}
	revised := map[[2]string]string{}
	for _, rv := range k.Revisions {
		note := l.T("kpi.revisedon", rv.RevisedOn, f.Write(rv.Was))
		revised[[2]string{rv.Period, rv.Dimension}] = note
		where := rv.Period
		if rv.Dimension != "" {
			where += ", " + rv.Dimension
		}
		v.RevisionNotes = append(v.RevisionNotes, where+": "+note+" → "+f.Write(rv.Now))
	}
	lines := v.Chart
	for _, l := range lines.Lines {
		v.Figures.Dimensions = append(v.Figures.Dimensions, l.Name)
	}
	dims := make([]string, 0, len(k.Dimensions))
	for _, d := range k.Dimensions {
		dims = append(dims, d.Dimension)
	}
	for i, p := range lines.Periods {
		row := figureRow{Period: p}
		for li, l := range lines.Lines {
			cell := figureCell{}
			if l.Values[i] != nil {
				cell.Value = f.Write(*l.Values[i])
				if li < len(dims) {
					cell.Revised = revised[[2]string{p, dims[li]}]
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		if hasValue(row) {
			v.Figures.Rows = append(v.Figures.Rows, row)
		}
	}
	s.render(w, r, "kpi.html", v)
}

func hasValue(r figureRow) bool {
	for _, c := range r.Cells {
		if c.Value != "" {
			return true
		}
	}
	return false
}

// localFormat writes a KPI's values as its format says, in the page
// language's digits and marks.
type localFormat struct {
	govlake.ValueFormat
	l *locale
}

func (f localFormat) Write(v float64) string { return f.l.localize(f.ValueFormat.Write(v)) }
