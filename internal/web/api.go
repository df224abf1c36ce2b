package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// DatasetList is GET /api/v1/datasets: a page of datasets in id order.
type DatasetList struct {
	Datasets []govlake.Summary `json:"datasets"`
	Total    int               `json:"total"`
	Offset   int               `json:"offset"`
	// Next is the next page's address, when there is one.
	Next string `json:"next,omitempty"`
}

func (s *Server) apiDatasets(w http.ResponseWriter, r *http.Request) {
	page, err := listPage(r, catalog.DefaultPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.catalog.DatasetsPage(r.Context(), page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := DatasetList{Datasets: p.Datasets, Total: p.Total, Offset: p.Offset}
	if end := p.Offset + len(p.Datasets); end < p.Total {
		out.Next = nextPage("/api/v1/datasets", nil, page.Limit, end)
	}
	writeJSON(w, http.StatusOK, out)
}

// VersionList is GET /api/v1/datasets/{id}/versions: a page of a
// dataset's versions, newest first.
type VersionList struct {
	Versions []govlake.VersionSummary `json:"versions"`
	Total    int                      `json:"total"`
	Offset   int                      `json:"offset"`
	// Next is the next page's address, when there is one.
	Next string `json:"next,omitempty"`
}

func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) {
	page, err := listPage(r, catalog.DefaultPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	p, err := s.catalog.VersionsPage(r.Context(), id, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := VersionList{Versions: p.Versions, Total: p.Total, Offset: p.Offset}
	if end := p.Offset + len(p.Versions); end < p.Total {
		out.Next = nextPage("/api/v1/datasets/"+id+"/versions", nil, page.Limit, end)
	}
	writeJSON(w, http.StatusOK, out)
}

// listPage reads ?limit= (def when absent) and ?offset= of a list.
func listPage(r *http.Request, def int) (catalog.Page, error) {
	n := [2]int{def, 0}
	for i, name := range []string{"limit", "offset"} {
		if v := r.URL.Query().Get(name); v != "" {
			x, err := strconv.Atoi(v)
			if err != nil {
				return catalog.Page{}, govlake.Errorf(govlake.EINVALID, "%s %q must be a whole number", name, v)
			}
			n[i] = x
		}
	}
	return catalog.ListPage(n[0], n[1])
}

// nextPage is the address of a list's page that starts at offset, with
// the list's other parameters.
func nextPage(path string, params url.Values, limit, offset int) string {
	v := url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}
	for k, vs := range params {
		v[k] = vs
	}
	return path + "?" + v.Encode()
}

func (s *Server) apiDataset(w http.ResponseWriter, r *http.Request) {
	d, err := s.catalog.Dataset(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// RunList is GET /api/v1/runs: a page of runs, newest first.
type RunList struct {
	Runs   []*govlake.Run `json:"runs"`
	Offset int            `json:"offset"`
	// Next is the next page's address, when more runs follow.
	Next string `json:"next,omitempty"`
}

// apiRuns lists runs, newest first: ?dataset=ID for one dataset, ?limit=N
// (50 by default) and ?offset=N.
func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	page, err := listPage(r, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.URL.Query().Get("dataset")
	if id != "" && !govlake.DatasetIDPattern.MatchString(id) {
		s.fail(w, r, govlake.Errorf(govlake.EINVALID, "dataset %q is not a dataset id", id))
		return
	}
	runs, more, err := s.catalog.RunsPage(r.Context(), id, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := RunList{Runs: runs, Offset: page.Offset}
	if more {
		var params url.Values
		if id != "" {
			params = url.Values{"dataset": {id}}
		}
		out.Next = nextPage("/api/v1/runs", params, page.Limit, page.Offset+len(runs))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) {
	v, err := s.version(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// QueryRequest is the body of POST /api/v1/query.
type QueryRequest struct {
	SQL    string `json:"sql"`
	Limit  int    `json:"limit,omitempty"`
	Offset int    `json:"offset,omitempty"`
	Format string `json:"format,omitempty" enum:"json,ndjson,csv,parquet,arrow"`
}

// QueryResult is a JSON query result: one page of rows, with a link to the
// next page when there is one.
type QueryResult struct {
	*govlake.Result
	Offset int    `json:"offset"`
	Next   string `json:"next,omitempty"`
}

func (s *Server) readQuery(r *http.Request) (QueryRequest, error) {
	q := QueryRequest{SQL: r.URL.Query().Get("sql"), Format: r.URL.Query().Get("format")}
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return q, bodyError(err, "the body must be JSON like {\"sql\": \"SELECT ...\"}: %s", jsonProblem(err))
		}
		if f := r.URL.Query().Get("format"); f != "" {
			q.Format = f
		}
	}
	for name, dst := range map[string]*int{"limit": &q.Limit, "offset": &q.Offset} {
		if v := r.URL.Query().Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return q, govlake.Errorf(govlake.EINVALID, "%s %q must be a whole number, 0 or more", name, v)
			}
			*dst = n
		}
	}
	if q.Offset < 0 {
		return q, govlake.Errorf(govlake.EINVALID, "offset must not be negative")
	}
	if strings.TrimSpace(q.SQL) == "" {
		return q, govlake.Errorf(govlake.EINVALID, "no SQL given: send {\"sql\": \"SELECT ...\"} or ?sql=")
	}
	var err error
	q.Format, err = s.format(q.Format)
	return q, err
}

// jsonProblem says what is wrong with a JSON body in words, not Go's.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == io.EOF:
		return "the body is empty"
	case errors.As(err, &syn):
		return fmt.Sprintf("it is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s must be a %s", typ.Field, typ.Type.Kind())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + " (sql, limit, offset and format are known)"
	}
	return "it could not be read"
}

func (s *Server) apiQuery(w http.ResponseWriter, r *http.Request) {
	q, err := s.readQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if q.Format != "json" {
		s.stream(w, r, q.SQL, q.Format)
		return
	}
	limit := q.Limit
	if max := s.queries.Limits().MaxRows; limit <= 0 || limit > max {
		limit = max
	}
	res, err := s.queries.Run(r.Context(), q.SQL, catalog.Page{Limit: limit, Offset: q.Offset})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := QueryResult{Result: res, Offset: q.Offset}
	if res.Truncated {
		v := url.Values{"sql": {q.SQL}, "limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(q.Offset + len(res.Rows))}}
		out.Next = "/api/v1/query?" + v.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// SavedList is GET /api/v1/queries.
type SavedList struct {
	Queries []*govlake.SavedQuery `json:"queries"`
}

func (s *Server) apiQueries(w http.ResponseWriter, r *http.Request) {
	qs := append([]*govlake.SavedQuery{}, s.Saved...)
	sort.Slice(qs, func(i, j int) bool { return qs[i].Name < qs[j].Name })
	writeJSON(w, http.StatusOK, SavedList{qs})
}

// apiSavedQuery runs a saved query with its parameters from the query
// string, bound as values; format and limit work as for /api/v1/query.
func (s *Server) apiSavedQuery(w http.ResponseWriter, r *http.Request) {
	var q *govlake.SavedQuery
	for _, sq := range s.Saved {
		if sq.Name == r.PathValue("name") {
			q = sq
		}
	}
	if q == nil {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "no saved query %q; GET /api/v1/queries lists them", r.PathValue("name")))
		return
	}
	args, err := catalog.BindSaved(q, r.URL.Query(), "format", "limit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := s.format(r.URL.Query().Get("format"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format != "json" {
		s.stream(w, r, q.SQL, format, args...)
		return
	}
	res, err := s.queries.Run(r.Context(), q.SQL, catalog.Page{}, args...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
