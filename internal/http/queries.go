package http

import (
	"database/sql"
	"net/http"
	"sort"
	"strings"

	"govlake/internal/govlake"
)

func (s *Server) savedQuery(name string) *govlake.SavedQuery {
	for _, q := range s.Queries {
		if q.Name == name {
			return q
		}
	}
	return nil
}

func (s *Server) apiQueries(w http.ResponseWriter, r *http.Request) {
	qs := append([]*govlake.SavedQuery{}, s.Queries...)
	sort.Slice(qs, func(i, j int) bool { return qs[i].Name < qs[j].Name })
	writeJSON(w, http.StatusOK, map[string]any{"queries": qs})
}

// apiSavedQuery runs a saved query with its parameters from the query
// string, bound as values; format and limit work as for /api/v1/query.
func (s *Server) apiSavedQuery(w http.ResponseWriter, r *http.Request) {
	q := s.savedQuery(r.PathValue("name"))
	if q == nil {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "no saved query %q; GET /api/v1/queries lists them", r.PathValue("name")))
		return
	}
	known := map[string]bool{"format": true, "limit": true}
	var args []any
	var problems []string
	for _, p := range q.Params {
		known[p.Name] = true
		text := r.URL.Query().Get(p.Name)
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
	for k := range r.URL.Query() {
		if !known[k] {
			problems = append(problems, "unknown parameter "+k)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		s.fail(w, r, govlake.Errorf(govlake.EINVALID, "query %s: %s", q.Name, strings.Join(problems, "; ")))
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if _, ok := formats[format]; !ok {
		s.fail(w, r, govlake.Errorf(govlake.EINVALID, "format %q is not supported: use json, ndjson, csv, parquet or arrow", format))
		return
	}
	ctx, done, err := s.begin(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	if format != "json" {
		s.stream(ctx, w, r, q.SQL, format, args...)
		return
	}
	res, err := s.query.Query(ctx, q.SQL, s.MaxRows, args...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
