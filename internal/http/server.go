// Package http serves the catalogue: the JSON API of DESIGN.md, SQL results
// as JSON or CSV, and server-rendered pages for people.
package http

import (
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// Catalog is what the server reads about datasets.
type Catalog interface {
	Refresh(ctx context.Context) error
	Runs(ctx context.Context, dataset string, limit int) ([]*govlake.Run, error)
	Datasets(ctx context.Context) ([]govlake.Summary, error)
	Dataset(ctx context.Context, id string) (*govlake.Detail, error)
	Version(ctx context.Context, id string, n int) (*govlake.Manifest, error)
}

// Querier runs SQL.
type Querier interface {
	Query(ctx context.Context, sql string, limit int) (*govlake.Result, error)
	Stream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error) error
}

// Server is the catalogue's HTTP handler.
type Server struct {
	catalog Catalog
	query   Querier
	logger  *slog.Logger
	pages   *template.Template
	mux     *http.ServeMux

	// MaxRows caps rows returned as JSON; larger results say truncated.
	MaxRows int
	// QueryTimeout stops a query that runs longer.
	QueryTimeout time.Duration
	// MaxBody bounds a request body.
	MaxBody int64

	slots chan struct{} // one per query allowed to run
	queue chan struct{} // one per query allowed to wait
	// QueueWait bounds how long a query waits for a slot.
	QueueWait time.Duration
}

// SetConcurrency allows running queries at once and queued more to wait;
// beyond that a query is turned away with 429.
func (s *Server) SetConcurrency(running, queued int) {
	s.slots = make(chan struct{}, max(running, 1))
	s.queue = make(chan struct{}, max(queued, 0)+max(running, 1))
}

// acquire waits for a query slot; release gives it back.
func (s *Server) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.queue <- struct{}{}:
	default:
		return nil, govlake.Errorf(govlake.EBUSY, "too many queries at once; try again in a moment")
	}
	t := time.NewTimer(s.QueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots; <-s.queue }, nil
	case <-t.C:
		<-s.queue
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "the server is busy: no query slot came free within %s", s.QueueWait)
	case <-ctx.Done():
		<-s.queue
		return nil, govlake.Errorf(govlake.ETIMEOUT, "the request ended while waiting for a query slot")
	}
}

//go:embed templates/*.html
var templateFS embed.FS

// NewServer returns the handler with its routes.
func NewServer(catalog Catalog, query Querier, logger *slog.Logger) *Server {
	s := &Server{catalog: catalog, query: query, logger: logger,
		MaxRows: 10000, QueryTimeout: 30 * time.Second, MaxBody: 1 << 20, QueueWait: 10 * time.Second}
	s.SetConcurrency(4, 16)
	s.pages = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	m := http.NewServeMux()
	m.HandleFunc("GET /api/v1/datasets", s.apiDatasets)
	m.HandleFunc("GET /api/v1/datasets/{id}", s.apiDataset)
	m.HandleFunc("GET /api/v1/datasets/{id}/versions/{n}", s.apiVersion)
	m.HandleFunc("GET /api/v1/runs", s.apiRuns)
	m.HandleFunc("GET /api/v1/query", s.apiQuery)
	m.HandleFunc("POST /api/v1/query", s.apiQuery)
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	m.HandleFunc("GET /{$}", s.pageIndex)
	m.HandleFunc("GET /datasets/{id}", s.pageDataset)
	m.HandleFunc("GET /datasets/{id}/versions/{n}", s.pageVersion)
	m.HandleFunc("GET /query", s.pageQuery)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "no page at %s", r.URL.Path))
	})
	s.mux = m
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// status is the one place where error codes become HTTP statuses.
func status(code string) int {
	switch code {
	case govlake.EINVALID:
		return http.StatusBadRequest
	case govlake.ENOTFOUND:
		return http.StatusNotFound
	case govlake.ECONFLICT:
		return http.StatusConflict
	case govlake.ETIMEOUT:
		return http.StatusGatewayTimeout
	case govlake.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case govlake.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case govlake.EBUSY:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// fail answers with the error: JSON for the API, a page for people.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := govlake.ErrorCode(err)
	st := status(code)
	if st >= 500 {
		s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := govlake.ErrorMessage(err)
	if st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		var b errorBody
		b.Error.Code, b.Error.Message = code, msg
		writeJSON(w, st, b)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(st)
	s.pages.ExecuteTemplate(w, "error.html", map[string]any{"Status": st, "Code": code, "Message": msg})
}

func writeJSON(w http.ResponseWriter, st int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(st)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *Server) apiDatasets(w http.ResponseWriter, r *http.Request) {
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"datasets": ds})
}

func (s *Server) apiDataset(w http.ResponseWriter, r *http.Request) {
	d, err := s.catalog.Dataset(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// apiRuns lists runs, newest first: ?dataset=ID for one dataset, ?limit=N.
func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.fail(w, r, govlake.Errorf(govlake.EINVALID, "limit %q must be a whole number from 1 to 1000", v))
			return
		}
		limit = n
	}
	id := r.URL.Query().Get("dataset")
	if id != "" && !govlake.DatasetIDPattern.MatchString(id) {
		s.fail(w, r, govlake.Errorf(govlake.EINVALID, "dataset %q is not a dataset id", id))
		return
	}
	runs, err := s.catalog.Runs(r.Context(), id, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": runs})
}

// versionReport is a version's manifest with its validation report.
type versionReport struct {
	*govlake.Manifest
	Report report `json:"report"`
}

type report struct {
	Table    string              `json:"rejected_table"`
	Sample   []govlake.Rejection `json:"rejections"`
	Complete bool                `json:"complete"` // false when more rejections are in the table than listed
}

const reportRows = 100

func (s *Server) version(r *http.Request) (*versionReport, error) {
	id := r.PathValue("id")
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return nil, govlake.Errorf(govlake.EINVALID, "version %q must be a positive whole number", r.PathValue("n"))
	}
	m, err := s.catalog.Version(r.Context(), id, n)
	if err != nil {
		return nil, err
	}
	v := &versionReport{Manifest: m, Report: report{Table: govlake.VersionRejectedTable(id, n), Sample: []govlake.Rejection{}, Complete: true}}
	if m.Rejected == nil {
		return v, nil
	}
	res, err := s.query.Query(r.Context(), fmt.Sprintf(`SELECT "row", "column", keyword, value, message FROM %s ORDER BY "row" LIMIT %d`, v.Report.Table, reportRows+1), reportRows+1)
	if err != nil {
		return nil, err
	}
	for i, row := range res.Rows {
		if i == reportRows {
			v.Report.Complete = false
			break
		}
		rj := govlake.Rejection{}
		rj.Row, _ = row[0].(int64)
		rj.Column, _ = row[1].(string)
		rj.Keyword, _ = row[2].(string)
		rj.Value, _ = row[3].(string)
		rj.Message, _ = row[4].(string)
		v.Report.Sample = append(v.Report.Sample, rj)
	}
	return v, nil
}

func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) {
	v, err := s.version(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// queryRequest is the body of POST /api/v1/query.
type queryRequest struct {
	SQL   string `json:"sql"`
	Limit int    `json:"limit"`
}

func (s *Server) readQuery(r *http.Request) (queryRequest, string, error) {
	q := queryRequest{SQL: r.URL.Query().Get("sql")}
	format := r.URL.Query().Get("format")
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(io.LimitReader(r.Body, s.MaxBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return q, "", govlake.Errorf(govlake.EINVALID, "the body must be JSON like {\"sql\": \"SELECT ...\"}: %v", err)
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return q, "", govlake.Errorf(govlake.EINVALID, "limit %q must be a positive whole number", v)
		}
		q.Limit = n
	}
	if q.Limit <= 0 || q.Limit > s.MaxRows {
		q.Limit = s.MaxRows
	}
	if strings.TrimSpace(q.SQL) == "" {
		return q, "", govlake.Errorf(govlake.EINVALID, "no SQL given: send {\"sql\": \"SELECT ...\"} or ?sql=")
	}
	switch format {
	case "", "json":
		format = "json"
	case "csv":
	default:
		return q, "", govlake.Errorf(govlake.EINVALID, "format %q is not supported: use json or csv", format)
	}
	return q, format, nil
}

func (s *Server) apiQuery(w http.ResponseWriter, r *http.Request) {
	q, format, err := s.readQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.catalog.Refresh(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	release, err := s.acquire(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), s.QueryTimeout)
	defer cancel()
	if format == "csv" {
		s.streamCSV(ctx, w, r, q.SQL)
		return
	}
	res, err := s.query.Query(ctx, q.SQL, q.Limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// streamCSV writes rows as they come, so a whole dataset can be downloaded
// without being held in memory.
func (s *Server) streamCSV(ctx context.Context, w http.ResponseWriter, r *http.Request, sql string) {
	cw := csv.NewWriter(w)
	started := false
	var rec []string
	err := s.query.Stream(ctx, sql, func(cols []govlake.ResultColumn) error {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="result.csv"`)
		started = true
		rec = make([]string, len(cols))
		for i, c := range cols {
			rec[i] = c.Name
		}
		return cw.Write(rec)
	}, func(row []any) error {
		for i, v := range row {
			rec[i] = csvCell(v)
		}
		return cw.Write(rec)
	})
	if err != nil && !started {
		s.fail(w, r, err)
		return
	}
	cw.Flush()
	if err != nil {
		// Too late for a status: cut the response so the client cannot take
		// a partial file for a whole one.
		s.logger.Warn("query stream failed", "err", err)
		panic(http.ErrAbortHandler)
	}
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []any, map[string]any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

// Pages.

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"num": func(n int64) string {
		s := strconv.FormatInt(n, 10)
		for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	},
	"cell": func(v any) string { return csvCell(v) },
	"dur":  func(r *govlake.Run) string { return r.Duration().Round(time.Millisecond).String() },
	"pct":  func(c govlake.RowCounts) string { return fmt.Sprintf("%.2f%%", 100*c.InvalidRatio()) },
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	var b strings.Builder
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		s.fail(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, b.String())
}

func (s *Server) pageIndex(w http.ResponseWriter, r *http.Request) {
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "index.html", map[string]any{"Datasets": ds})
}

// PreviewRows is how many rows a dataset page shows.
const PreviewRows = 20

func (s *Server) pageDataset(w http.ResponseWriter, r *http.Request) {
	d, err := s.catalog.Dataset(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	preview, err := s.query.Query(r.Context(), fmt.Sprintf("SELECT * FROM %s LIMIT %d", d.ID, PreviewRows), PreviewRows)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	schema, _ := json.MarshalIndent(d.Schema, "", "  ")
	s.render(w, r, "dataset.html", map[string]any{"D": d, "Preview": preview, "Schema": string(schema)})
}

func (s *Server) pageVersion(w http.ResponseWriter, r *http.Request) {
	v, err := s.version(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "version.html", map[string]any{"V": v})
}

func (s *Server) pageQuery(w http.ResponseWriter, r *http.Request) {
	sql := r.URL.Query().Get("sql")
	data := map[string]any{"SQL": sql}
	if strings.TrimSpace(sql) != "" {
		ctx, cancel := context.WithTimeout(r.Context(), s.QueryTimeout)
		defer cancel()
		release, err := s.acquire(ctx)
		if err == nil {
			defer release()
			err = s.catalog.Refresh(ctx)
		}
		var res *govlake.Result
		if err == nil {
			res, err = s.query.Query(ctx, sql, 1000)
		}
		if err != nil {
			data["Error"] = govlake.ErrorMessage(err)
		}
		data["Result"] = res
	}
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data["Datasets"] = ds
	s.render(w, r, "query.html", data)
}
