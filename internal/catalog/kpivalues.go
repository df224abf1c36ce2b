package catalog

import (
	"context"
	"sort"
	"strings"

	"govlake/internal/govlake"
)

// KPIValuesTable is the SQL table of every KPI's computed series, so that
// analysts can query the figures policymakers see.
const KPIValuesTable = "kpi_values"

// kpiValuesColumns are kpi_values' columns: sources names the SQL table of
// each dataset version the figure came from (egdi__v3), which a query can
// read in turn.
var kpiValuesColumns = []govlake.ResultColumn{
	{Name: "kpi", Type: "string"}, {Name: "period", Type: "string"}, {Name: "dimension", Type: "string"},
	{Name: "value", Type: "number"}, {Name: "status", Type: "string"}, {Name: "sources", Type: "strings"},
}

// ValuesRows computes kpi_values: a row per KPI, period and dimension, with
// the status of that dimension against its target. A KPI that fails adds
// no rows; its error is on its page. The key changes when any KPI's source
// versions or outcome do, so the table is rebuilt only then.
func (k *KPIs) ValuesRows(ctx context.Context) (string, []govlake.ResultColumn, [][]any, error) {
	var key strings.Builder
	var rows [][]any
	for _, r := range k.Reports(ctx, "en", AsOf{}) {
		key.WriteString(r.ID)
		for _, s := range r.Sources {
			key.WriteString(" " + govlake.VersionTable(s.Dataset, s.Version))
		}
		key.WriteString(" " + r.Status + ";")
		if r.Error != "" {
			continue
		}
		sources := make([]string, len(r.Sources))
		for i, s := range r.Sources {
			sources[i] = govlake.VersionTable(s.Dataset, s.Version)
		}
		status := map[string]string{}
		for _, d := range r.Dimensions {
			status[d.Dimension] = d.Status
		}
		for _, p := range r.Series {
			rows = append(rows, []any{r.ID, p.Period, nullable(p.Dimension), p.Value, status[p.Dimension], sources})
		}
	}
	return key.String(), kpiValuesColumns, rows, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// KPIFilter picks KPIs for a list: by owner, by status, by words in the
// title or id. Empty fields pick all.
type KPIFilter struct {
	Owner, Status, Text string
}

// Filter returns the reports f picks, in their order.
func (f KPIFilter) Filter(list []*KPIReport) []*KPIReport {
	out := []*KPIReport{}
	words := strings.Fields(strings.ToLower(f.Text))
	for _, r := range list {
		if (f.Owner != "" && r.Owner != f.Owner) || (f.Status != "" && r.Status != f.Status) {
			continue
		}
		hay := strings.ToLower(r.ID + " " + r.Title + " " + r.Owner)
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(hay, w)
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// KPIGroup is the KPIs of one owner.
type KPIGroup struct {
	Owner string
	KPIs  []*KPIReport
}

// ByOwner groups reports by owner, owners in alphabetical order and KPIs
// in theirs; KPIs without an owner come last.
func ByOwner(list []*KPIReport) []KPIGroup {
	var groups []KPIGroup
	index := map[string]int{}
	for _, r := range list {
		i, ok := index[r.Owner]
		if !ok {
			i = len(groups)
			index[r.Owner] = i
			groups = append(groups, KPIGroup{Owner: r.Owner})
		}
		groups[i].KPIs = append(groups[i].KPIs, r)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i].Owner, groups[j].Owner
		if (a == "") != (b == "") {
			return b == ""
		}
		return a < b
	})
	return groups
}

// Owners lists the owners of the reports, each once, in order.
func Owners(list []*KPIReport) []string {
	var out []string
	for _, g := range ByOwner(list) {
		out = append(out, g.Owner)
	}
	return out
}
