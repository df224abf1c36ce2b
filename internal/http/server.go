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
	"net/url"
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
	Query(ctx context.Context, sql string, limit int, args ...any) (*govlake.Result, error)
	Stream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error
}

// TableWriter writes result rows in a binary format (Parquet, Arrow).
type TableWriter interface {
	Write(row []any) error
	Close() error
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

	// Queries are the saved queries served at /api/v1/queries/{name}.
	Queries []*govlake.SavedQuery

	// NewTableWriter makes writers for the parquet and arrow formats; without
	// it those formats are refused.
	NewTableWriter func(w io.Writer, format string, cols []govlake.Column) (TableWriter, error)

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
	for _, rt := range apiRoutes() {
		if rt.handler != nil {
			m.HandleFunc(rt.method+" "+rt.path, rt.handler(s))
		}
	}
	s.ckanRoutes(m)
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
	// Errors are the same rejections in Frictionless' report terms, for
	// tools that read Frictionless validation reports.
	Errors []frictionlessError `json:"errors"`
}

// frictionlessError names a rejection with Frictionless' field names.
type frictionlessError struct {
	Type       string `json:"type"`
	RowNumber  int64  `json:"rowNumber"`
	FieldName  string `json:"fieldName,omitempty"`
	Cell       string `json:"cell,omitempty"`
	Note       string `json:"note"`
	Message    string `json:"message"`
	Constraint string `json:"constraint,omitempty"` // the JSON Schema keyword
}

// frictionless maps a rejection to Frictionless' error types: cell
// conversion failures are type-error, other keywords constraint-error, and
// structure problems keep their own names (blank-row, extra-cell).
func frictionless(r govlake.Rejection) frictionlessError {
	e := frictionlessError{RowNumber: r.Row, FieldName: r.Column, Cell: r.Value, Note: r.Message, Constraint: r.Keyword}
	switch r.Keyword {
	case "type", "format":
		e.Type = "type-error"
	case govlake.KeywordBlankRow, govlake.KeywordExtraCell:
		e.Type, e.Constraint = r.Keyword, ""
	default:
		e.Type = "constraint-error"
	}
	where := fmt.Sprintf("row %d", r.Row)
	if r.Column != "" {
		where += fmt.Sprintf(", field %q", r.Column)
	}
	e.Message = fmt.Sprintf("%s: %s", where, r.Message)
	return e
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
	v := &versionReport{Manifest: m, Report: report{Table: govlake.VersionRejectedTable(id, n), Sample: []govlake.Rejection{}, Errors: []frictionlessError{}, Complete: true}}
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
		v.Report.Errors = append(v.Report.Errors, frictionless(rj))
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
	SQL    string `json:"sql"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Format string `json:"format"`
}

// formats are the result formats, with their content types and file names.
var formats = map[string]struct{ contentType, ext string }{
	"json":    {"application/json", ""},
	"ndjson":  {"application/x-ndjson", "ndjson"},
	"csv":     {"text/csv; charset=utf-8", "csv"},
	"parquet": {"application/vnd.apache.parquet", "parquet"},
	"arrow":   {"application/vnd.apache.arrow.stream", "arrows"},
}

func (s *Server) readQuery(r *http.Request) (queryRequest, string, error) {
	q := queryRequest{SQL: r.URL.Query().Get("sql"), Format: r.URL.Query().Get("format")}
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(io.LimitReader(r.Body, s.MaxBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return q, "", govlake.Errorf(govlake.EINVALID, "the body must be JSON like {\"sql\": \"SELECT ...\"}: %v", err)
		}
		if f := r.URL.Query().Get("format"); f != "" {
			q.Format = f
		}
	}
	for name, dst := range map[string]*int{"limit": &q.Limit, "offset": &q.Offset} {
		if v := r.URL.Query().Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return q, "", govlake.Errorf(govlake.EINVALID, "%s %q must be a whole number, 0 or more", name, v)
			}
			*dst = n
		}
	}
	if q.Limit <= 0 || q.Limit > s.MaxRows {
		q.Limit = s.MaxRows
	}
	if q.Offset < 0 {
		return q, "", govlake.Errorf(govlake.EINVALID, "offset must not be negative")
	}
	if strings.TrimSpace(q.SQL) == "" {
		return q, "", govlake.Errorf(govlake.EINVALID, "no SQL given: send {\"sql\": \"SELECT ...\"} or ?sql=")
	}
	format := q.Format
	if format == "" {
		format = "json"
	}
	if _, ok := formats[format]; !ok {
		return q, "", govlake.Errorf(govlake.EINVALID, "format %q is not supported: use json, ndjson, csv, parquet or arrow", format)
	}
	if (format == "parquet" || format == "arrow") && s.NewTableWriter == nil {
		return q, "", govlake.Errorf(govlake.EINVALID, "format %q is not available on this server", format)
	}
	return q, format, nil
}

func (s *Server) apiQuery(w http.ResponseWriter, r *http.Request) {
	q, format, err := s.readQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, done, err := s.begin(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	if format != "json" {
		s.stream(ctx, w, r, q.SQL, format)
		return
	}
	sql := q.SQL
	if q.Offset > 0 {
		// A page of the result: the query stays one SELECT, inside another.
		sql = fmt.Sprintf("SELECT * FROM (%s\n) AS page OFFSET %d", strings.TrimRight(strings.TrimSpace(q.SQL), ";"), q.Offset)
	}
	res, err := s.query.Query(ctx, sql, q.Limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := struct {
		*govlake.Result
		Offset int    `json:"offset"`
		Next   string `json:"next,omitempty"`
	}{Result: res, Offset: q.Offset}
	if res.Truncated {
		v := url.Values{"sql": {q.SQL}, "limit": {strconv.Itoa(q.Limit)}, "offset": {strconv.Itoa(q.Offset + len(res.Rows))}}
		out.Next = "/api/v1/query?" + v.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// begin readies a query: fresh tables, a slot within the concurrency limit,
// and the query timeout. done gives them back.
func (s *Server) begin(r *http.Request) (ctx context.Context, done func(), err error) {
	if err := s.catalog.Refresh(r.Context()); err != nil {
		return nil, nil, err
	}
	release, err := s.acquire(r.Context())
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.QueryTimeout)
	return ctx, func() { cancel(); release() }, nil
}

// columnType maps a DuckDB result type to a stored column type.
func columnType(db string) string {
	switch {
	case db == "BIGINT" || db == "INTEGER" || db == "SMALLINT" || db == "TINYINT" || db == "UINTEGER" || db == "USMALLINT" || db == "UTINYINT":
		return govlake.TypeInt64
	case db == "DOUBLE" || db == "FLOAT" || db == "HUGEINT" || db == "UBIGINT" || strings.HasPrefix(db, "DECIMAL"):
		return govlake.TypeFloat64
	case db == "BOOLEAN":
		return govlake.TypeBool
	case db == "DATE":
		return govlake.TypeDate
	case strings.HasPrefix(db, "TIMESTAMP"):
		return govlake.TypeTimestamp
	}
	return govlake.TypeString
}

// stream writes rows as they come, so a whole dataset can be downloaded
// without being held in memory.
func (s *Server) stream(ctx context.Context, w http.ResponseWriter, r *http.Request, sql, format string, args ...any) {
	started := false
	var write func(row []any) error
	var finish func() error
	err := s.query.Stream(ctx, sql, func(cols []govlake.ResultColumn) error {
		f := formats[format]
		w.Header().Set("Content-Type", f.contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="result.`+f.ext+`"`)
		started = true
		switch format {
		case "csv":
			cw := csv.NewWriter(w)
			rec := make([]string, len(cols))
			for i, c := range cols {
				rec[i] = c.Name
			}
			write = func(row []any) error {
				for i, v := range row {
					rec[i] = csvCell(v)
				}
				return cw.Write(rec)
			}
			finish = func() error { cw.Flush(); return cw.Error() }
			return cw.Write(rec)
		case "ndjson":
			enc := json.NewEncoder(w)
			obj := make(map[string]any, len(cols))
			write = func(row []any) error {
				for i, c := range cols {
					obj[c.Name] = row[i]
				}
				return enc.Encode(obj)
			}
			finish = func() error { return nil }
			return nil
		}
		tcols := make([]govlake.Column, len(cols))
		for i, c := range cols {
			tcols[i] = govlake.Column{Name: c.Name, Type: columnType(c.Type), Nullable: true}
		}
		tw, err := s.NewTableWriter(w, format, tcols)
		if err != nil {
			return err
		}
		write = func(row []any) error {
			for i, v := range row {
				if v != nil && tcols[i].Type == govlake.TypeString {
					if _, ok := v.(string); !ok {
						row[i] = csvCell(v)
					}
				}
			}
			return tw.Write(row)
		}
		finish = tw.Close
		return nil
	}, func(row []any) error { return write(row) }, args...)
	if err != nil && !started {
		s.fail(w, r, err)
		return
	}
	if err == nil {
		err = finish()
	}
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
		var res *govlake.Result
		ctx, done, err := s.begin(r)
		if err == nil {
			defer done()
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
