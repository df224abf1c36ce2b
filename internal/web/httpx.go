package web

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Encoder makes a compressing writer for one Content-Encoding.
type Encoder func(w io.Writer) (io.WriteCloser, error)

// encoders are the codings the server offers, best first; gzip is always
// there, others are added by wire (zstd).
func (s *Server) encoders() []string {
	out := []string{}
	if s.Encoders["zstd"] != nil {
		out = append(out, "zstd")
	}
	return append(out, "gzip")
}

func (s *Server) encoder(name string) Encoder {
	if name == "gzip" {
		return func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.DefaultCompression) }
	}
	return s.Encoders[name]
}

// compressible are the media types worth compressing; Parquet, Arrow and
// images are compressed already.
func compressible(ct string) bool {
	for _, p := range []string{"text/", "application/json", "application/x-ndjson", "application/ld+json", "application/xml", "application/rdf+xml", "image/svg+xml"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

// acceptedCoding picks the first of offered that the request accepts.
func acceptedCoding(r *http.Request, offered []string) string {
	accept := r.Header.Get("Accept-Encoding")
	for _, o := range offered {
		for _, part := range strings.Split(accept, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(name), o) && !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") {
				return o
			}
		}
	}
	return ""
}

// compressWriter compresses the answer when its type is worth it and the
// client accepts a coding; it decides at the first header write.
type compressWriter struct {
	http.ResponseWriter
	coding  string
	make    Encoder
	enc     io.WriteCloser
	decided bool
}

func (c *compressWriter) WriteHeader(code int) {
	if !c.decided {
		c.decided = true
		h := c.Header()
		h.Add("Vary", "Accept-Encoding")
		if c.coding != "" && code != http.StatusNoContent && code != http.StatusNotModified && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
			if enc, err := c.make(c.ResponseWriter); err == nil {
				c.enc = enc
				h.Set("Content-Encoding", c.coding)
				h.Del("Content-Length")
			}
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *compressWriter) Write(b []byte) (int, error) {
	if !c.decided {
		if c.Header().Get("Content-Type") == "" {
			c.Header().Set("Content-Type", http.DetectContentType(b))
		}
		c.WriteHeader(http.StatusOK)
	}
	if c.enc != nil {
		return c.enc.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far: streamed answers keep streaming.
func (c *compressWriter) Flush() {
	if f, ok := c.enc.(interface{ Flush() error }); ok {
		f.Flush()
	}
	http.NewResponseController(c.ResponseWriter).Flush()
}

func (c *compressWriter) close() {
	if c.enc != nil {
		c.enc.Close()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// cors answers a preflight, and marks API answers readable from other
// origins: reads from CORSOrigins (any by default), writes from
// CORSWriteOrigins only (none by default). It reports whether the request
// was a preflight, now answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !(strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/catalog.")) {
		return false
	}
	method := r.Method
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if preflight {
		method = r.Header.Get("Access-Control-Request-Method")
	}
	allowed := s.CORSOrigins
	if !readMethod(method, r.URL.Path) {
		allowed = s.CORSWriteOrigins
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	ok := slices.Contains(allowed, "*") || slices.Contains(allowed, origin)
	if ok {
		if slices.Contains(allowed, "*") && readMethod(method, r.URL.Path) {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		h.Set("Access-Control-Expose-Headers", "ETag, Last-Modified, Link, Retry-After, Content-Disposition")
	}
	if !preflight {
		return false
	}
	if ok {
		h.Set("Access-Control-Allow-Methods", method)
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-CKAN-API-Key")
		h.Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}

// readMethod says whether a request only reads: GET, HEAD, and SQL sent
// as a POST body.
func readMethod(method, path string) bool {
	return method == http.MethodGet || method == http.MethodHead || (method == http.MethodPost && path == "/api/v1/query")
}

// conditional sets ETag, Last-Modified and Cache-Control on a public read
// whose answer derives from the catalogue's state, and answers 304 when
// the client's copy is current. The ETag covers the state, the hour (some
// answers say whether a dataset is overdue), the URL and what the answer
// varies on. Signed-in requests and the publishing pages are left alone.
func (s *Server) conditional(w http.ResponseWriter, r *http.Request) bool {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.Header.Get("Authorization") != "" || r.Header.Get("X-CKAN-API-Key") != "" ||
		hasSession(r) || strings.HasPrefix(r.URL.Path, "/my") || strings.HasPrefix(r.URL.Path, "/signin") || strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
		return false
	}
	state, modified, err := s.catalog.State(r.Context())
	if err != nil {
		return false
	}
	lang := ""
	if c, err := r.Cookie("lang"); err == nil {
		lang = c.Value
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{state, s.now().UTC().Format("2006-01-02T15"), r.URL.RequestURI(),
		r.Header.Get("Accept"), r.Header.Get("Accept-Language"), lang}, "\n")))
	etag := `W/"` + hex.EncodeToString(sum[:12]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.Format(http.TimeFormat))
	}
	h.Add("Vary", "Accept, Accept-Language, Cookie")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=60")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			if t := strings.TrimSpace(tag); t == etag || t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
				w.WriteHeader(http.StatusNotModified)
				return true
			}
		}
		return false
	}
	if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.IsZero() && !modified.After(ims) && s.now().Sub(ims) < time.Hour {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// hasSession says whether the request carries a sign-in cookie.
func hasSession(r *http.Request) bool {
	_, err := r.Cookie(sessionCookie)
	return err == nil
}
