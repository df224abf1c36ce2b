package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/dcat"
	"govlake/internal/govlake"
)

// datasetView is a dataset's page: what it is, its data dictionary and
// column profiles, a preview to filter and sort, downloads, code to use
// it, its versions with what changed, and its runs.
type datasetView struct {
	D          *govlake.Detail
	OrgName    string
	License    govlake.License
	Dictionary []govlake.ColumnDoc
	Preview    *govlake.Result // nil before the first version
	Filter     catalog.PreviewOptions
	Columns    []string // to filter and sort by
	Downloads  []download
	Snippets   []snippet
	Schema     string
	// The last run's rejections, when it had any.
	LastRejected    int64
	LastRejectedSQL string
	// Machine is the page's schema.org JSON-LD and its DCAT documents.
	Machine Head
	// The versions shown (1 is the newest) and the links to the pages of
	// newer and older ones.
	VersionsFrom, VersionsTo int
	NewerHref, OlderHref     string
}

func (v datasetView) head() Head { return v.Machine }

// download is one way to get the latest version: a stored file with its
// exact size, or a format made from the rows on request (Size 0).
type download struct {
	Label, Href string
	Size        int64
	Rows        int64
}

// snippet is code that reads the dataset, with its real SQL name.
type snippet struct {
	Lang, Label, Code string
}

func (s *Server) pageDataset(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if base, ext, ok := strings.Cut(id, "."); ok {
		if x, known := syntaxByExt(ext); known {
			s.dcatDataset(w, r, base, x)
			return
		}
	}
	if x, ok := negotiated(r); ok {
		s.dcatDataset(w, r, id, x)
		return
	}
	d, err := s.catalog.Dataset(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := datasetView{D: d, License: govlake.LicenseOf(d.License), OrgName: d.Organization,
		Dictionary: govlake.Dictionary(d.Schema, d.Columns, d.Profile),
		Filter:     catalog.PreviewOptions{Column: q.Get("column"), Contains: q.Get("contains"), Sort: q.Get("sort"), Desc: q.Get("desc") == "1"}}
	if o, err := s.catalog.Organization(r.Context(), d.Organization); err == nil && d.Organization != "" {
		v.OrgName = o.Name.In(s.lang(r))
	}
	for _, c := range d.Columns {
		v.Columns = append(v.Columns, c.Name)
	}
	if d.Version > 0 {
		if v.Preview, err = s.queries.Preview(r.Context(), d.ID, d.Columns, v.Filter); err != nil {
			s.fail(w, r, err)
			return
		}
		schema, _ := json.MarshalIndent(d.Schema, "", "  ")
		v.Schema = string(schema)
		v.Downloads, v.Snippets = downloads(d), snippets(d, s.baseURL(r))
	}
	if err := s.versionsPage(r, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(d.Runs) > 0 && d.Runs[0].Rows.Rejected > 0 {
		v.LastRejected, v.LastRejectedSQL = d.Runs[0].Rows.Rejected, catalog.SelectAll(d.Tables.LastRunRejected)
	}
	v.Machine, err = s.datasetHead(r, d, v.Dictionary)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "dataset.html", v)
}

// versionsPage pages the version table: ?versions=N skips the N newest.
func (s *Server) versionsPage(r *http.Request, v *datasetView) error {
	d, off := v.D, 0
	if raw := r.URL.Query().Get("versions"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			return govlake.Errorf(govlake.EINVALID, "versions=%s: give how many of the newest versions to skip, a whole number from 0", raw)
		}
		off = n
	}
	if off > 0 {
		p, err := s.catalog.VersionsPage(r.Context(), d.ID, catalog.Page{Limit: catalog.VersionsShown, Offset: off})
		if err != nil {
			return err
		}
		page := *d
		page.Versions = p.Versions
		v.D = &page
	}
	v.VersionsFrom, v.VersionsTo = off+1, off+len(v.D.Versions)
	if off > 0 {
		v.NewerHref = "?versions=" + strconv.Itoa(max(0, off-catalog.VersionsShown)) + "#versions-heading"
	}
	if v.VersionsTo < d.VersionCount {
		v.OlderHref = "?versions=" + strconv.Itoa(v.VersionsTo) + "#versions-heading"
	}
	return nil
}

// downloads lists the latest version's stored files with their sizes,
// then every result format of the query that reads it all.
func downloads(d *govlake.Detail) []download {
	var out []download
	base := dcat.VersionURL("", d.ID, d.Version)
	if d.Source != nil && d.Source.Size > 0 {
		out = append(out, download{Label: "source:" + d.Source.Format, Href: base + "/source", Size: d.Source.Size})
	}
	for k, f := range d.Files {
		out = append(out, download{Label: "parquet", Href: base + "/files/" + strconv.Itoa(k), Size: f.Size, Rows: f.Rows})
	}
	sql := url.QueryEscape(catalog.SelectAll(d.ID))
	for _, f := range formats {
		out = append(out, download{Label: f.Name, Href: "/api/v1/query?format=" + f.Name + "&sql=" + sql, Rows: d.Rows})
	}
	return out
}

// snippets read the dataset from curl, Python (pandas and duckdb) and R.
func snippets(d *govlake.Detail, base string) []snippet {
	// Programs read the cells as they are (raw=true): no spreadsheet guard.
	csv := base + "/api/v1/query?format=csv&raw=true&sql=" + url.QueryEscape(catalog.SelectAll(d.ID))
	parquet := base + "/api/v1/query?format=parquet&sql=" + url.QueryEscape(catalog.SelectAll(d.ID))
	return []snippet{
		{"shell", "curl", fmt.Sprintf("curl -o %s.csv '%s'", d.ID, csv)},
		{"python", "Python (pandas)", fmt.Sprintf("import pandas as pd\n\n%s = pd.read_csv(%q)", d.ID, csv)},
		{"python", "Python (duckdb)", fmt.Sprintf("import duckdb\n\nduckdb.sql(\"CREATE TABLE %s AS SELECT * FROM read_parquet('%s')\")\nprint(duckdb.sql(\"SELECT count(*) FROM %s\"))", d.ID, parquet, d.ID)},
		{"r", "R", fmt.Sprintf("%s <- read.csv(%q)", d.ID, csv)},
	}
}

// baseURL is where visitors reach this server: -public-url, else what a
// proxy in front says (X-Forwarded-Proto and -Host), else the request's
// own host.
func (s *Server) baseURL(r *http.Request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]); p == "http" || p == "https" {
		scheme = p
	}
	if h := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Host"), ",")[0]); h != "" && !strings.ContainsAny(h, "/\\ \"'<>") {
		host = h
	}
	return scheme + "://" + host
}

// apiVersionFile serves a version's stored file (a Parquet part, or the
// source as it was received) as it is kept, with its exact length.
func (s *Server) apiVersionFile(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	k := catalog.SourcePart
	if err == nil && r.PathValue("k") != "" {
		k, err = strconv.Atoi(r.PathValue("k"))
	}
	if err != nil {
		s.fail(w, r, govlake.Errorf(govlake.EINVALID, "the version and the file are numbers"))
		return
	}
	f, err := s.catalog.OpenFile(r.Context(), r.PathValue("id"), n, k)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Body.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	if k != catalog.SourcePart {
		w.Header().Set("Content-Type", "application/vnd.apache.parquet")
	}
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable") // a version's files never change
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	io.Copy(w, f.Body)
}

// bar is one bar of a histogram drawn as SVG, 100 by 30 units.
type bar struct {
	X, Y, W, H float64
	Title      string
}

// bars scales a histogram's counts to the tallest bin.
func bars(bins []govlake.Bin) []bar {
	var most int64
	for _, b := range bins {
		most = max(most, b.Count)
	}
	if most == 0 {
		return nil
	}
	w := 100 / float64(len(bins))
	out := make([]bar, len(bins))
	for i, b := range bins {
		h := 30 * float64(b.Count) / float64(most)
		out[i] = bar{X: float64(i) * w, Y: 30 - h, W: w * 0.9, H: h, Title: fmt.Sprintf("%s – %s: %d", b.From, b.To, b.Count)}
	}
	return out
}

// binSpan says what a histogram covers, for those who cannot see it.
func binSpan(bins []govlake.Bin) string {
	if len(bins) == 0 {
		return ""
	}
	parts := make([]string, 0, len(bins))
	for _, b := range bins {
		parts = append(parts, fmt.Sprintf("%s–%s: %d", b.From, b.To, b.Count))
	}
	return strings.Join(parts, "; ")
}
