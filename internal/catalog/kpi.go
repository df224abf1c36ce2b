package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// TableLister names the tables a statement reads; the DuckDB adapter is one.
type TableLister interface {
	Tables(ctx context.Context, sql string) ([]string, error)
}

// KPIs computes the reports of KPIs through the query layer, and keeps each
// until a dataset it read gets a new version.
type KPIs struct {
	q      *Queries
	tables TableLister
	defs   []*govlake.KPI
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]cachedKPI // by KPI id and asof day
	names map[string][]string  // the tables each KPI's SQL names, which never change
}

type cachedKPI struct {
	sources string // the versions it was computed from
	report  *KPIReport
}

// NewKPIs returns the KPI reports of defs, computed by q.
func NewKPIs(q *Queries, tables TableLister, defs []*govlake.KPI, now func() time.Time) *KPIs {
	return &KPIs{q: q, tables: tables, defs: defs, now: now, cache: map[string]cachedKPI{}, names: map[string][]string{}}
}

// Source is one dataset version a KPI's figures came from.
type Source struct {
	Dataset string `json:"dataset"`
	Version int    `json:"version"`
}

// KPIReport is a KPI's figures as computed now: the headline series'
// latest value against its target, the status, the whole series, and the
// dataset versions it read.
type KPIReport struct {
	KPI      *govlake.KPI    `json:"-"`
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Owner    string          `json:"owner,omitempty"`
	Unit     string          `json:"unit,omitempty"`
	Headline string          `json:"headline,omitempty"`
	Latest   *govlake.Point  `json:"latest,omitempty"`
	Previous *govlake.Point  `json:"previous,omitempty"`
	Target   *govlake.Target `json:"target,omitempty"`
	govlake.Assessment
	Sources    []Source        `json:"sources"`
	ComputedAt time.Time       `json:"computed_at"`
	AsOf       string          `json:"asof,omitempty"` // the day the figures stood as, when not now
	Error      string          `json:"error,omitempty"`
	Revisions  []Revision      `json:"revisions,omitempty"` // figures the latest versions changed
	Trend      []govlake.Point `json:"trend,omitempty"`     // the headline's series, for a sparkline

	// The whole series and what it is measured against: GET /api/v1/kpis/{id}.
	Series     []govlake.Point  `json:"series,omitempty"`
	Dimensions []DimensionState `json:"dimensions,omitempty"` // each dimension against its own target
	Targets    []govlake.Target `json:"targets,omitempty"`
	Baseline   *BaselineValues  `json:"baseline,omitempty"`
}

// DimensionState is where one dimension of a KPI (a country, say) stands
// against the target that applies to it.
type DimensionState struct {
	Dimension string          `json:"dimension"`
	Latest    *govlake.Point  `json:"latest,omitempty"`
	Target    *govlake.Target `json:"target,omitempty"`
	govlake.Assessment
}

// BaselineValues are the series' values at the baseline period, which
// progress is measured from.
type BaselineValues struct {
	Period string          `json:"period"`
	Values []govlake.Point `json:"values"`
}

// Brief returns the report without its series and what goes with it: what
// a list of KPIs shows.
func (r *KPIReport) Brief() *KPIReport {
	b := *r
	b.Series, b.Dimensions, b.Targets, b.Baseline = nil, nil, nil, nil
	return &b
}

// StatusError is the status of a KPI whose figures could not be computed.
const StatusError = "error"

// AsOf asks for figures as they stood at the end of a day (UTC); the zero
// time means now.
type AsOf = time.Time

// Reports computes every KPI; one that fails says why, and the others are
// not affected.
func (k *KPIs) Reports(ctx context.Context, lang string, asof AsOf) []*KPIReport {
	out := make([]*KPIReport, 0, len(k.defs))
	for _, d := range k.defs {
		out = append(out, k.report(ctx, d, lang, asof))
	}
	return out
}

// Report computes one KPI.
func (k *KPIs) Report(ctx context.Context, id, lang string, asof AsOf) (*KPIReport, error) {
	for _, d := range k.defs {
		if d.ID == id {
			return k.report(ctx, d, lang, asof), nil
		}
	}
	return nil, govlake.Errorf(govlake.ENOTFOUND, "no KPI %q; GET /api/v1/kpis lists them", id)
}

func (k *KPIs) report(ctx context.Context, d *govlake.KPI, lang string, asof AsOf) *KPIReport {
	sources, err := k.sources(ctx, d, asof)
	key := fmt.Sprint(sources)
	cacheKey := d.ID + "@" + asof.Format(time.DateOnly)
	k.mu.Lock()
	c, ok := k.cache[cacheKey]
	k.mu.Unlock()
	var r *KPIReport
	if ok && err == nil && c.sources == key {
		r = c.report
	} else {
		if sources == nil {
			sources = []Source{}
		}
		r = &KPIReport{KPI: d, ID: d.ID, Owner: d.Owner, Unit: d.Unit, Headline: d.Headline, Sources: sources, ComputedAt: k.now().UTC()}
		if !asof.IsZero() {
			r.AsOf = asof.Format(time.DateOnly)
		}
		if err == nil {
			err = k.compute(ctx, d, r, sources, !asof.IsZero())
		}
		if err == nil {
			r.Revisions = k.revisions(ctx, d, r)
		}
		if err != nil {
			r.Assessment = govlake.Assessment{Status: StatusError, Text: govlake.ErrorMessage(err)}
			r.Error = govlake.ErrorMessage(err)
		} else {
			k.mu.Lock()
			k.cache[cacheKey] = cachedKPI{key, r}
			k.mu.Unlock()
		}
	}
	out := *r
	out.Title = d.Title.In(lang)
	return &out
}

// sources names the dataset versions a KPI reads: the latest, or those
// current at the end of the asof day.
func (k *KPIs) sources(ctx context.Context, d *govlake.KPI, asof AsOf) ([]Source, error) {
	k.mu.Lock()
	names, ok := k.names[d.ID]
	k.mu.Unlock()
	if !ok {
		var err error
		if names, err = k.tables.Tables(ctx, d.SQL); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "KPI %s: the SQL does not parse: %s", d.ID, govlake.ErrorMessage(err))
		}
		k.mu.Lock()
		k.names[d.ID] = names
		k.mu.Unlock()
	}
	out := []Source{}
	for _, n := range names {
		if n == KPIValuesTable {
			return nil, govlake.Errorf(govlake.EINVALID, "KPI %s: the SQL reads %s, the table of KPI figures; a KPI reads datasets only", d.ID, KPIValuesTable)
		}
		det, err := k.q.cat.Dataset(ctx, n)
		if err != nil || det.Version == 0 {
			continue // a table that is not a dataset
		}
		v := det.Version
		if !asof.IsZero() {
			if v, err = k.q.cat.VersionAsOf(ctx, n, asof); err != nil {
				return nil, govlake.Errorf(govlake.ENOTFOUND, "KPI %s: %s", d.ID, govlake.ErrorMessage(err))
			}
		}
		out = append(out, Source{n, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dataset < out[j].Dataset })
	return out, nil
}

// compute runs the KPI's SQL and reads its period, value and dimension.
// Pinned, each dataset the SQL names is the version sources give (as of a
// past day, or the one before the latest): a CTE of the dataset's name,
// over that version's table, stands in front.
func (k *KPIs) compute(ctx context.Context, d *govlake.KPI, r *KPIReport, sources []Source, pinned bool) error {
	sql := d.SQL
	if pinned && len(sources) > 0 {
		var ctes []string
		for _, s := range sources {
			ctes = append(ctes, quoteIdent(s.Dataset)+" AS (SELECT * FROM "+quoteIdent(govlake.VersionTable(s.Dataset, s.Version))+")")
		}
		if rest, ok := cutWith(sql); ok {
			sql = "WITH " + strings.Join(ctes, ", ") + ", " + rest
		} else {
			sql = "WITH " + strings.Join(ctes, ", ") + "\n" + sql
		}
	}
	res, err := k.q.Run(ctx, sql, Page{})
	if err != nil {
		return govlake.Errorf(govlake.ErrorCode(err), "KPI %s: the SQL failed: %s", d.ID, govlake.ErrorMessage(err))
	}
	col := map[string]int{"period": -1, "value": -1, "dimension": -1}
	for i, c := range res.Columns {
		if _, ok := col[strings.ToLower(c.Name)]; ok {
			col[strings.ToLower(c.Name)] = i
		}
	}
	if col["period"] < 0 || col["value"] < 0 {
		return govlake.Errorf(govlake.EINVALID, "KPI %s: the SQL must return columns named period and value (and dimension, if any)", d.ID)
	}
	if res.Truncated {
		return govlake.Errorf(govlake.ETOOLARGE, "KPI %s: the SQL returns more than %d rows", d.ID, len(res.Rows))
	}
	seen := map[[2]string]bool{}
	for i, row := range res.Rows {
		p := govlake.Point{Period: govlake.PeriodText(row[col["period"]])}
		if _, err := govlake.ParsePeriod(p.Period); err != nil {
			return govlake.Errorf(govlake.EINVALID, "KPI %s: row %d: %s", d.ID, i+1, govlake.ErrorMessage(err))
		}
		if col["dimension"] >= 0 {
			p.Dimension = fmt.Sprint(row[col["dimension"]])
		}
		v, ok := Number(row[col["value"]])
		if !ok {
			if row[col["value"]] == nil {
				continue // no value for that period
			}
			return govlake.Errorf(govlake.EINVALID, "KPI %s: row %d: the value %v is not a number", d.ID, i+1, row[col["value"]])
		}
		p.Value = v
		key := [2]string{p.Period, p.Dimension}
		if seen[key] {
			return govlake.Errorf(govlake.EINVALID, "KPI %s: two values for period %s%s; the SQL must return one value per period and dimension", d.ID, p.Period, dimText(p.Dimension))
		}
		seen[key] = true
		r.Series = append(r.Series, p)
	}
	sort.SliceStable(r.Series, func(i, j int) bool {
		a, b := r.Series[i], r.Series[j]
		if a.Dimension != b.Dimension {
			return a.Dimension < b.Dimension
		}
		ta, _ := govlake.ParsePeriod(a.Period)
		tb, _ := govlake.ParsePeriod(b.Period)
		return ta < tb
	})
	r.Targets = d.Targets
	byDim := map[string][]govlake.Point{}
	var dims []string
	for _, p := range r.Series {
		if _, ok := byDim[p.Dimension]; !ok {
			dims = append(dims, p.Dimension)
		}
		byDim[p.Dimension] = append(byDim[p.Dimension], p)
	}
	if d.Baseline != nil {
		r.Baseline = &BaselineValues{Period: d.Baseline.Period, Values: []govlake.Point{}}
	}
	for _, dim := range dims {
		s := byDim[dim]
		st := DimensionState{Dimension: dim, Latest: &s[len(s)-1], Target: d.TargetFor(dim)}
		st.Assessment = govlake.Assess(s, d.Baseline, st.Target, d.Direction, d.Format.Write)
		r.Dimensions = append(r.Dimensions, st)
		if r.Baseline != nil {
			for _, p := range s {
				if p.Period == d.Baseline.Period {
					r.Baseline.Values = append(r.Baseline.Values, p)
				}
			}
		}
	}
	head := byDim[d.Headline]
	if col["dimension"] < 0 {
		head = byDim[""]
	}
	r.Trend = head
	if n := len(head); n > 0 {
		r.Latest = &head[n-1]
		if n > 1 {
			r.Previous = &head[n-2]
		}
	}
	r.Target = d.TargetFor(d.Headline)
	r.Assessment = govlake.Assess(head, d.Baseline, r.Target, d.Direction, d.Format.Write)
	return nil
}

// Revision is a figure a newer version of a source changed.
type Revision struct {
	Period    string  `json:"period"`
	Dimension string  `json:"dimension,omitempty"`
	Was       float64 `json:"was"`
	Now       float64 `json:"now"`
	RevisedOn string  `json:"revised_on"` // the day the newer version was published
}

// revisions compares the figures with those of the sources' previous
// versions: a period whose value changed was revised.
func (k *KPIs) revisions(ctx context.Context, d *govlake.KPI, r *KPIReport) []Revision {
	prev := make([]Source, len(r.Sources))
	var on time.Time
	changed := false
	for i, s := range r.Sources {
		prev[i] = s
		if s.Version > 1 {
			prev[i].Version, changed = s.Version-1, true
			if m, err := k.q.cat.Version(ctx, s.Dataset, s.Version); err == nil && m.CreatedAt.After(on) {
				on = m.CreatedAt
			}
		}
	}
	if !changed {
		return nil
	}
	old := &KPIReport{}
	if err := k.compute(ctx, d, old, prev, true); err != nil {
		return nil // the old figures cannot be computed: nothing to compare
	}
	was := map[[2]string]float64{}
	for _, p := range old.Series {
		was[[2]string{p.Period, p.Dimension}] = p.Value
	}
	var out []Revision
	for _, p := range r.Series {
		if w, ok := was[[2]string{p.Period, p.Dimension}]; ok && w != p.Value {
			out = append(out, Revision{p.Period, p.Dimension, w, p.Value, on.UTC().Format(time.DateOnly)})
		}
	}
	return out
}

// cutWith returns what follows a statement's leading WITH, if it has one.
func cutWith(sql string) (string, bool) {
	s := strings.TrimSpace(sql)
	if len(s) > 5 && strings.EqualFold(s[:4], "with") && (s[4] == ' ' || s[4] == '\n' || s[4] == '\t') {
		return s[5:], true
	}
	return "", false
}

func dimText(d string) string {
	if d == "" {
		return ""
	}
	return " and dimension " + d
}

// Number reads a query's value as a float, if it is a number.
func Number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case fmt.Stringer:
		var f float64
		_, err := fmt.Sscan(x.String(), &f)
		return f, err == nil
	}
	if n, ok := v.(interface{ Float64() (float64, error) }); ok {
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
