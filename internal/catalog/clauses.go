package catalog

import (
	"slices"
	"sort"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// Clause is one condition of a structured search, such as CKAN's fq sends:
// the dataset's Field holds one of Values (none of them, with Not), or,
// for the dates, lies between From and To (zero: open).
type Clause struct {
	Field    string // one of ClauseFields; groups are the EU data themes, lower-case
	Values   []string
	Not      bool
	From, To time.Time
}

// ClauseFields are the fields a clause may name.
var ClauseFields = []string{"organization", "owner_org", "tags", "groups", "license", "format", "frequency", "language", "name", "id", "modified", "created"}

// created is when a dataset's first version was made.
func created(d *govlake.Detail) time.Time {
	if n := len(d.Versions); n > 0 {
		return d.Versions[n-1].Created
	}
	return d.Updated
}

// fieldValues are the values a dataset has in a clause's field.
func fieldValues(d *govlake.Detail, field, namespace string) []string {
	switch field {
	case "organization":
		return []string{d.Organization}
	case "owner_org":
		return []string{govlake.PackageUUID(namespace, "organization/"+d.Organization)}
	case "tags":
		return d.Tags
	case "groups":
		var out []string
		for _, t := range d.Themes {
			out = append(out, strings.ToLower(t))
		}
		return out
	case "license":
		return []string{d.License}
	case "format":
		if d.Source != nil {
			return []string{strings.ToLower(d.Source.Format)}
		}
	case "frequency":
		if d.Frequency != "" {
			return []string{d.Frequency}
		}
	case "language":
		if langs := d.TitleTranslated.Languages(); len(langs) > 0 {
			return langs
		}
		return []string{govlake.ScriptLanguage(d.Title)}
	case "name":
		return []string{d.ID}
	case "id":
		return []string{govlake.PackageUUID(namespace, d.ID)}
	}
	return nil
}

// holds reports whether d meets every clause.
func holds(d *govlake.Detail, clauses []Clause, namespace string) bool {
	for _, c := range clauses {
		var ok bool
		switch c.Field {
		case "modified", "created":
			t := d.Updated
			if c.Field == "created" {
				t = created(d)
			}
			ok = (c.From.IsZero() || !t.Before(c.From)) && (c.To.IsZero() || !t.After(c.To))
		default:
			have := fieldValues(d, c.Field, namespace)
			ok = slices.ContainsFunc(c.Values, func(v string) bool {
				if c.Field == "format" {
					v = strings.ToLower(v) // CKAN writes formats upper-case
				}
				return slices.Contains(have, v)
			})
		}
		if ok == c.Not {
			return false
		}
	}
	return true
}

// facetsOf counts the facets of the datasets a structured search found.
func facetsOf(found []*govlake.Detail, namespace string) map[string][]govlake.FacetCount {
	out := map[string][]govlake.FacetCount{}
	for _, f := range []string{"organization", "tags", "groups", "license", "format", "frequency", "language"} {
		counts := map[string]int{}
		for _, d := range found {
			vals := fieldValues(d, f, namespace)
			for _, v := range vals {
				if v != "" {
					counts[v]++
				}
			}
		}
		list := []govlake.FacetCount{}
		for v, n := range counts {
			list = append(list, govlake.FacetCount{Value: v, Count: n})
		}
		sort.Slice(list, func(i, j int) bool {
			return list[i].Count > list[j].Count || (list[i].Count == list[j].Count && list[i].Value < list[j].Value)
		})
		out[f] = list
	}
	return out
}
