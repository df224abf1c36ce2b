package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"num":  func(n int64) string { return govlake.GroupThousands(strconv.FormatInt(n, 10)) },
	"cell": pageCell,
	"dur":  func(r *govlake.Run) string { return r.Duration().Round(time.Millisecond).String() },
	"pct":  func(c govlake.RowCounts) string { return fmt.Sprintf("%.2f%%", 100*c.InvalidRatio()) },
	// The pages other than the KPI pages are in English, without a switch.
	"englishChrome": func(title string) Chrome { return Chrome{Title: title, W: english} },
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, view any) {
	var b strings.Builder
	if err := s.pages.ExecuteTemplate(&b, name, view); err != nil {
		s.fail(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, b.String())
}

// indexView is the home page: every dataset.
type indexView struct {
	Datasets []govlake.Summary
}

func (s *Server) pageIndex(w http.ResponseWriter, r *http.Request) {
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "index.html", indexView{ds})
}

// datasetView is a dataset's page.
type datasetView struct {
	D       *govlake.Detail
	Preview *govlake.Result // nil before the first version
	Schema  string
	// The last run's rejections, when it had any.
	LastRejected    int64
	LastRejectedSQL string
}

func (s *Server) pageDataset(w http.ResponseWriter, r *http.Request) {
	d, err := s.catalog.Dataset(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := datasetView{D: d}
	if d.Version > 0 {
		if v.Preview, err = s.queries.Preview(r.Context(), d.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		schema, _ := json.MarshalIndent(d.Schema, "", "  ")
		v.Schema = string(schema)
	}
	if len(d.Runs) > 0 && d.Runs[0].Rows.Rejected > 0 {
		v.LastRejected, v.LastRejectedSQL = d.Runs[0].Rows.Rejected, catalog.SelectAll(d.Tables.LastRunRejected)
	}
	s.render(w, r, "dataset.html", v)
}

// versionView is a version's page.
type versionView struct {
	V *VersionReport
}

func (s *Server) pageVersion(w http.ResponseWriter, r *http.Request) {
	v, err := s.version(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "version.html", versionView{v})
}

// queryView is the SQL console.
type queryView struct {
	SQL      string
	Error    string
	Result   *govlake.Result
	Datasets []govlake.Summary
	Example  string // a statement to start from
}

// consoleRows is how many rows the SQL console shows.
const consoleRows = 1000

func (s *Server) pageQuery(w http.ResponseWriter, r *http.Request) {
	v := queryView{SQL: r.URL.Query().Get("sql")}
	if strings.TrimSpace(v.SQL) != "" {
		res, err := s.queries.Run(r.Context(), v.SQL, catalog.Page{Limit: consoleRows})
		if err != nil {
			v.Error = govlake.ErrorMessage(err)
		}
		v.Result = res
	}
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Datasets = ds
	if len(ds) > 0 {
		v.Example = catalog.SampleSQL(ds[0].ID)
	}
	s.render(w, r, "query.html", v)
}

// pageCell writes a value for people: numbers with their thousands grouped
// and never with an exponent (3,520,000,000, not 3.52e+09), every digit
// kept; anything else as in a CSV file.
func pageCell(v any) string {
	switch x := v.(type) {
	case int64:
		return govlake.GroupThousands(strconv.FormatInt(x, 10))
	case uint64:
		return govlake.GroupThousands(strconv.FormatUint(x, 10))
	case float64:
		return govlake.GroupThousands(strconv.FormatFloat(x, 'f', -1, 64))
	case json.Number:
		return govlake.GroupThousands(string(x))
	}
	return textCell(v)
}
