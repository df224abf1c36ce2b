package catalog

import (
	"database/sql"
	"net/url"
	"sort"
	"strings"

	"govlake/internal/govlake"
)

// BindSaved turns a saved query's parameters, given as text in values, into
// arguments bound by name. Defaults fill what is missing; a required one
// that is missing, a value that does not convert, or a name the query does
// not have (other than the reserved ones, such as format) is an error that
// names them all.
func BindSaved(q *govlake.SavedQuery, values url.Values, reserved ...string) ([]any, error) {
	known := map[string]bool{}
	for _, r := range reserved {
		known[r] = true
	}
	var args []any
	var problems []string
	for _, p := range q.Params {
		known[p.Name] = true
		text := values.Get(p.Name)
		if text == "" {
			text = p.Default
		}
		if text == "" {
			if p.Required {
				problems = append(problems, p.Name+" is required")
				continue
			}
			args = append(args, sql.Named(p.Name, nil))
			continue
		}
		v, err := p.Value(text)
		if err != nil {
			problems = append(problems, govlake.ErrorMessage(err))
			continue
		}
		args = append(args, sql.Named(p.Name, v))
	}
	for k := range values {
		if !known[k] {
			problems = append(problems, "unknown parameter "+k)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, govlake.Errorf(govlake.EINVALID, "query %s: %s", q.Name, strings.Join(problems, "; "))
	}
	return args, nil
}
