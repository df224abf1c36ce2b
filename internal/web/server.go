// Package web serves the catalogue over HTTP: the JSON API, CKAN's action
// API, SQL results in every format, and pages for people. It renders what
// the catalogue computes: every route is in one table (routes.go), which
// also makes the OpenAPI document; handlers encode typed values; one
// function maps error codes to HTTP statuses (errors.go). It holds no SQL.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// Catalog is what the server reads about datasets.
type Catalog interface {
	Datasets(ctx context.Context) ([]govlake.Summary, error)
	DatasetsPage(ctx context.Context, p catalog.Page) (*catalog.DatasetPage, error)
	VersionsPage(ctx context.Context, id string, p catalog.Page) (*catalog.VersionPage, error)
	TableNames(ctx context.Context, p catalog.Page) ([]string, int, error)
	OpenTable(ctx context.Context, id string) (*catalog.OpenTable, error)
	Dataset(ctx context.Context, id string) (*govlake.Detail, error)
	Version(ctx context.Context, id string, n int) (*govlake.Manifest, error)
	Runs(ctx context.Context, dataset string, limit int) ([]*govlake.Run, error)
	RunsPage(ctx context.Context, dataset string, p catalog.Page) ([]*govlake.Run, bool, error)
	Search(ctx context.Context, req catalog.SearchRequest) (*catalog.SearchResult, error)
	Organizations(ctx context.Context) ([]*catalog.OrgSummary, error)
	Organization(ctx context.Context, id string) (*catalog.OrgSummary, error)
	DefinedOrganizations() map[string]*govlake.Organization
	OpenFile(ctx context.Context, id string, n, k int) (*catalog.VersionFile, error)
	State(ctx context.Context) (string, time.Time, error)
	Tags(ctx context.Context) ([]string, error)
}

// Queries runs every SQL the server needs, within the query limits.
type Queries interface {
	Run(ctx context.Context, sql string, page catalog.Page, args ...any) (*govlake.Result, error)
	Stream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error
	Preview(ctx context.Context, id string, cols []govlake.Column, opt catalog.PreviewOptions) (*govlake.Result, error)
	Rejections(ctx context.Context, id string, n, limit int) ([]govlake.Rejection, bool, error)
	Datastore(ctx context.Context, req catalog.DatastoreRequest) (*catalog.DatastoreResult, error)
	Limits() catalog.Limits
	Ping(ctx context.Context) error
}

// TableWriter writes result rows in a binary format (Parquet, Arrow).
type TableWriter interface {
	Write(row []any) error
	Close() error
}

// Observer records requests (metrics).
type Observer interface {
	ObserveRequest(route, method string, status int, d time.Duration)
	ObserveLimited(class string)
}

// Server is the catalogue's HTTP handler.
type Server struct {
	catalog Catalog
	queries Queries
	logger  *slog.Logger
	now     func() time.Time
	pages   *template.Template
	locales *locales
	mux     *http.ServeMux

	// MaxBody bounds a request body.
	MaxBody int64
	// Saved are the saved queries served at /api/v1/queries/{name}.
	Saved []*govlake.SavedQuery
	// NewTableWriter makes writers for the parquet and arrow formats;
	// without it those formats are refused.
	NewTableWriter func(w io.Writer, format string, cols []govlake.Column) (TableWriter, error)
	// KPIs, when set, computes the KPI reports.
	KPIs KPIReports
	// Authorize, when set, is asked before every route; an error is the
	// answer (with its code's status) instead of the route's.
	Authorize func(r *http.Request) error
	// Tokens checks API tokens; without it, every write is refused.
	Tokens TokenVerifier
	// Audit records every write and refused attempt.
	Audit Auditor
	// Publisher makes datasets and versions from the API; without it the
	// publishing routes answer 404.
	Publisher Publisher
	// MaxUpload bounds an uploaded file.
	MaxUpload int64
	// Sessions signs people in on the web; without it /signin answers 404.
	Sessions Sessions
	// OIDC, when set, signs people in with a ministry's identity provider.
	OIDC OIDC
	// PublicURL is where people reach the server (for the code snippets);
	// without it, the request's host.
	PublicURL string
	// Portal names the catalogue and who runs it (DCAT, CKAN's status_show).
	Portal govlake.Portal
	// DCATPageSize is how many datasets a page of /catalog.* holds (0: 100).
	DCATPageSize int
	// Encoders are the Content-Encodings offered besides gzip (zstd).
	Encoders map[string]Encoder
	// CORSOrigins may read the API from their pages ("*": any);
	// CORSWriteOrigins may also write (none by default).
	CORSOrigins, CORSWriteOrigins []string

	// MaxDownload bounds the bytes of one streamed result (CSV, NDJSON,
	// Parquet, Arrow); 0 is no bound. SpoolDir is where results wait for
	// slow clients (the system's temporary folder if empty); SpoolLimit
	// bounds the disk they take together.
	MaxDownload int64
	SpoolDir    string
	// WriteIdle is the longest one write to a client may wait (64 KB at
	// most are written at once, so it sets a minimum read rate); ReadIdle
	// is the same for reading a request body. 0 is no bound.
	WriteIdle, ReadIdle time.Duration

	// Observer, when set, hears of every answered request and every
	// refusal by a rate limit (metrics); Metrics serves /metrics.
	Observer Observer
	Metrics  http.Handler

	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (for the per-address limits of IPRate).
	TrustedProxies []netip.Prefix

	spool    *spoolSpace             // see SpoolLimit
	limits   *rateLimiter            // per token; see TokenRate
	ipLimits map[string]*rateLimiter // per client address and class; see IPRate
	policy   string                  // the Content-Security-Policy header
}

//go:embed templates/*.html
var templateFS embed.FS

// NewServer returns the handler with every route of the route table.
func NewServer(cat Catalog, queries Queries, logger *slog.Logger, now func() time.Time) *Server {
	s := &Server{catalog: cat, queries: queries, logger: logger, now: now, MaxBody: 1 << 20, spool: &spoolSpace{}, CORSOrigins: []string{"*"}, Portal: govlake.DefaultPortal}
	s.pages = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	var style strings.Builder
	if err := s.pages.ExecuteTemplate(&style, "style", nil); err != nil {
		panic(err) // the templates are embedded: a broken one fails every test
	}
	s.policy = csp(styleDigest(style.String()))
	ls, err := loadLocales()
	if err != nil {
		panic(err) // the message files are embedded: a bad one fails every test
	}
	s.locales = ls
	m := http.NewServeMux()
	for _, rt := range routes() {
		m.HandleFunc(rt.pattern(), s.bounded(rt, rt.handle(s)))
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(m, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.fail(w, r, govlake.Errorf(govlake.EMETHOD, "%s does not take %s: use %s", r.URL.Path, r.Method, strings.Join(allow, " or ")))
			return
		}
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "no page at %s", r.URL.Path))
	})
	s.mux = m
	return s
}

// allowed lists the methods some route takes at r's path (the catch-all
// "/" would otherwise answer 404 to a wrong method).
func allowed(m *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := m.Handler(probe); pattern != "/" && pattern != "" {
			out = append(out, method)
		}
	}
	return out
}

// ServeHTTP logs each request and asks Authorize before routing it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK, idle: s.WriteIdle}
	if s.WriteIdle > 0 || s.ReadIdle > 0 {
		rc := http.NewResponseController(w)
		rec.rc = rc
		defer rc.SetReadDeadline(time.Time{})
		if s.ReadIdle > 0 && r.Body != nil && r.Body != http.NoBody {
			r.Body = &idleReader{ReadCloser: r.Body, rc: rc, idle: s.ReadIdle, header: w.Header()}
		}
	}
	id := requestID(r)
	w.Header().Set("X-Request-Id", id)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	routed := r // the request the router saw: it names the route's pattern
	defer func() {
		took := s.now().Sub(start)
		route := routed.Pattern
		if route == "" { // refused before routing: still counted by its route
			_, route = s.mux.Handler(routed)
		}
		if route == "" || route == "/" {
			route = "other" // 404s and refusals before routing: one label, not one per path
		}
		s.logger.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status, "bytes", rec.bytes, "took_ms", took.Milliseconds(), "client", s.clientAddr(r))
		if s.Observer != nil {
			s.Observer.ObserveRequest(route, r.Method, rec.status, took)
		}
	}()
	s.secure(w, r)
	coding := acceptedCoding(r, s.encoders())
	cw := &compressWriter{ResponseWriter: rec, coding: coding, make: s.encoder(coding)}
	defer cw.close()
	if s.cors(cw, r) {
		return
	}
	if err := s.limitClient(r); err != nil {
		s.fail(cw, r, err)
		return
	}
	r, err := s.authenticate(r)
	if err != nil {
		s.fail(cw, r, err)
		return
	}
	if s.Authorize != nil {
		if err := s.Authorize(r); err != nil {
			s.fail(cw, r, err)
			return
		}
	}
	if s.conditional(cw, r) {
		return
	}
	routed = r
	if r.Method == http.MethodHead {
		s.mux.ServeHTTP(&headWriter{ResponseWriter: cw}, r)
		return
	}
	s.mux.ServeHTTP(cw, r)
}

// headWriter answers HEAD with the headers a GET would have and stops the
// body at its first write: a streamed result (a query's CSV, Parquet ...)
// ends there instead of being computed to its last row.
type headWriter struct {
	http.ResponseWriter
	wrote bool
}

// errHead stops a handler that writes a HEAD answer's body.
var errHead = errors.New("HEAD: no body is sent")

func (h *headWriter) WriteHeader(code int) {
	if !h.wrote {
		h.wrote = true
		h.ResponseWriter.WriteHeader(code)
	}
}

func (h *headWriter) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return 0, errHead
}

// statusRecorder notes the status and size of an answer, for the log, and
// gives every write at most idle to reach the client.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	rc     *http.ResponseController
	idle   time.Duration
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.idle <= 0 || r.rc == nil {
		n, err := r.ResponseWriter.Write(b)
		r.bytes += int64(n)
		return n, err
	}
	// A piece at a time, each with its own deadline: a client that reads
	// less than 64 KB in idle is cut off, a slow but steady one is not.
	written := 0
	for len(b) > 0 {
		piece := b[:min(len(b), 64<<10)]
		r.rc.SetWriteDeadline(time.Now().Add(r.idle))
		n, err := r.ResponseWriter.Write(piece)
		written += n
		r.bytes += int64(n)
		if err != nil {
			return written, err
		}
		b = b[n:]
	}
	return written, nil
}

// idleReader gives every read of a request body at most idle, and lifts
// the deadline at the body's end: a deadline left on the connection would
// cancel the request while its handler still works.
type idleReader struct {
	io.ReadCloser
	rc     *http.ResponseController
	idle   time.Duration
	header http.Header
}

func (r *idleReader) Read(p []byte) (int, error) {
	r.rc.SetReadDeadline(time.Now().Add(r.idle))
	n, err := r.ReadCloser.Read(p)
	if err != nil {
		r.rc.SetReadDeadline(time.Time{})
	}
	if isTimeout(err) {
		// The rest of the body will not be read: close the connection
		// after the answer instead of waiting for it (net/http would).
		r.header.Set("Connection", "close")
		err = govlake.Errorf(govlake.EINVALID, "the request body stopped arriving: nothing came for %s (-read-idle)", r.idle)
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) health(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") }

// ready says whether the server can answer queries: the store can be read
// and DuckDB runs a statement. A load balancer sends traffic only then.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := s.queries.Ping(ctx); err != nil {
		s.logger.Warn("not ready", "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "not ready: "+govlake.ErrorMessage(err)+"\n")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, "ready\n")
}

// metrics serves the Metrics handler, or 404 when there is none.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.Metrics == nil {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "this server keeps no metrics"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Metrics.ServeHTTP(w, r)
}
