package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// queryView is the SQL console: a statement or a saved query with its
// parameters, the result as a table and as a chart, a link to share it,
// downloads, the examples and saved queries, and the tables' columns.
type queryView struct {
	SQL      string
	Saved    *govlake.SavedQuery // the saved query run, if one was
	Error    string
	Result   *govlake.Result
	Chart    *queryChart
	Form     chartForm
	Share    string // this page's address, to pass on
	CSV      string
	Parquet  string
	Examples []example
	Queries  []savedForm
	Tables   []tableDoc
	More     int // tables not listed
}

type example struct{ Title, SQL string }

// savedForm is a saved query as a form: a field per parameter.
type savedForm struct {
	*govlake.SavedQuery
	Fields []savedField
}

type savedField struct {
	govlake.QueryParam
	Value string
}

type tableDoc struct {
	ID      string
	Columns []govlake.Column
}

// chartForm is what the visitor chose to draw: none, line or bar, and
// which columns go across and up.
type chartForm struct {
	Kind, X, Y string
	Columns    []string
}

// consoleRows is how many rows the SQL console shows; consoleTables how
// many tables its browser lists.
const (
	consoleRows   = 1000
	consoleTables = 100
)

func (s *Server) pageQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := queryView{SQL: q.Get("sql"), Form: chartForm{Kind: q.Get("chart"), X: q.Get("x"), Y: q.Get("y")}}
	var args []any
	if name := q.Get("saved"); name != "" {
		i := slices.IndexFunc(s.Saved, func(sq *govlake.SavedQuery) bool { return sq.Name == name })
		if i < 0 {
			s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "no saved query %q", name))
			return
		}
		v.Saved, v.SQL = s.Saved[i], s.Saved[i].SQL
		var err error
		if args, err = catalog.BindSaved(v.Saved, q, "saved", "chart", "x", "y", "lang"); err != nil {
			v.Error = govlake.ErrorMessage(err)
		}
	}
	if strings.TrimSpace(v.SQL) != "" && v.Error == "" {
		res, err := s.queries.Run(r.Context(), v.SQL, catalog.Page{Limit: consoleRows}, args...)
		if err != nil {
			v.Error = govlake.ErrorMessage(err)
		}
		v.Result = res
		v.Share = s.baseURL(r) + r.URL.Path + "?" + r.URL.RawQuery
		v.CSV, v.Parquet = downloadLinks(v.Saved, v.SQL, q)
	}
	if v.Result != nil {
		for _, c := range v.Result.Columns {
			v.Form.Columns = append(v.Form.Columns, c.Name)
		}
		v.Form.defaults(v.Result)
		v.Chart = drawChart(v.Result, v.Form)
	}
	if err := s.consoleGuide(r, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "query.html", v)
}

// downloadLinks are the API addresses of the whole result as CSV and
// Parquet (not capped at the page's rows).
func downloadLinks(saved *govlake.SavedQuery, sql string, q url.Values) (string, string) {
	if saved == nil {
		e := url.QueryEscape(sql)
		return "/api/v1/query?format=csv&sql=" + e, "/api/v1/query?format=parquet&sql=" + e
	}
	p := url.Values{}
	for _, par := range saved.Params {
		if v := q.Get(par.Name); v != "" {
			p.Set(par.Name, v)
		}
	}
	base := "/api/v1/queries/" + saved.Name + "?"
	p.Set("format", "csv")
	csv := base + p.Encode()
	p.Set("format", "parquet")
	return csv, base + p.Encode()
}

// consoleGuide fills what helps write a query: examples, the saved
// queries as forms, and the tables with their columns.
func (s *Server) consoleGuide(r *http.Request, v *queryView) error {
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return err
	}
	for i, d := range ds {
		if i < 3 {
			v.Examples = append(v.Examples, example{d.Title, catalog.SampleSQL(d.ID)})
		}
		if i >= consoleTables {
			v.More = len(ds) - consoleTables
			break
		}
		if det, err := s.catalog.Dataset(r.Context(), d.ID); err == nil && det.Version > 0 {
			v.Tables = append(v.Tables, tableDoc{d.ID, det.Columns})
		}
	}
	q := r.URL.Query()
	for _, sq := range s.Saved {
		f := savedForm{SavedQuery: sq}
		for _, p := range sq.Params {
			val := p.Default
			if v.Saved == sq && q.Has(p.Name) {
				val = q.Get(p.Name)
			}
			f.Fields = append(f.Fields, savedField{p, val})
		}
		v.Queries = append(v.Queries, f)
	}
	return nil
}

// defaults picks the first column across and the first number column
// after it up, where the visitor has not chosen.
func (f *chartForm) defaults(res *govlake.Result) {
	if f.X == "" && len(f.Columns) > 0 {
		f.X = f.Columns[0]
	}
	if f.Y != "" {
		return
	}
	for _, c := range res.Columns {
		if numberType(c.Type) && c.Name != f.X {
			f.Y = c.Name
			return
		}
	}
}

// numberType reports whether a result column's engine type holds numbers.
func numberType(t string) bool {
	t = strings.ToUpper(t)
	for _, p := range []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "INT64", "FLOAT64", "UINT64"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
