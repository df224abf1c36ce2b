package web

import (
	"embed"
	"net/http"
	"strings"

	"govlake/internal/govlake"
)

// static holds the pages' scripts, served from the binary (no CDN).
//
//go:embed static/echarts.min.js static/kpichart.js static/upload.js static/suggest.js
var static embed.FS

// asset serves an embedded file; browsers keep it for an hour.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := static.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "no file %s", name))
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}
