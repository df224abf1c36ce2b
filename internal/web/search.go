package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// SearchAnswer is GET /api/v1/search: how many datasets match, one page
// of them, and the facets' counts over all matches.
type SearchAnswer struct {
	Count   int                             `json:"count"`
	Page    int                             `json:"page"`
	Results []govlake.Summary               `json:"results"`
	Facets  map[string][]govlake.FacetCount `json:"facets"`
}

// searchPage is how many results a page of search shows.
const searchPage = 20

// searchRequest reads ?q=&organization=&tag=&license=&sort=&page=.
func searchRequest(r *http.Request) (catalog.SearchRequest, int, error) {
	q := r.URL.Query()
	req := catalog.SearchRequest{Words: strings.Fields(q.Get("q")), Prefix: true, Filters: map[string][]string{}, Rows: searchPage}
	for param, field := range map[string]string{"organization": "organization", "tag": "tags", "license": "license"} {
		if v := q[param]; len(v) > 0 {
			req.Filters[field] = v
		}
	}
	switch sort := q.Get("sort"); sort {
	case "", "relevance":
	case "id", "title":
		req.Sort = sort
	case "modified":
		req.Sort, req.Desc = "modified", true
	default:
		return req, 0, govlake.Errorf(govlake.EINVALID, "sort %q must be relevance, id, title or modified", sort)
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return req, 0, govlake.Errorf(govlake.EINVALID, "page %q must be a number from 1", v)
		}
		page = n
	}
	req.Start = (page - 1) * searchPage
	return req, page, nil
}

// search runs the request's search, for the API and the page alike.
func (s *Server) search(r *http.Request) (*catalog.SearchResult, int, error) {
	req, page, err := searchRequest(r)
	if err != nil {
		return nil, 0, err
	}
	found, err := s.catalog.Search(r.Context(), req)
	return found, page, err
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	found, page, err := s.search(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := SearchAnswer{Count: found.Count, Page: page, Results: []govlake.Summary{}, Facets: found.Facets}
	if out.Facets == nil {
		out.Facets = map[string][]govlake.FacetCount{}
	}
	for _, d := range found.Datasets {
		out.Results = append(out.Results, govlake.Summary{ID: d.ID, Title: d.Title, Organization: d.Organization, Version: d.Version, Rows: d.Rows, Updated: d.Updated})
	}
	writeJSON(w, http.StatusOK, out)
}

// searchView is the search page: the box, the results, and the facets
// as links that add a filter (no JavaScript needed).
type searchView struct {
	Q      string
	Count  int
	Page   int
	Result []*govlake.Detail
	Facets []facetView
	Prev   string
	Next   string
}

type facetView struct {
	Title string
	Items []facetLink
}

type facetLink struct {
	Value, Href string
	Count       int
	On          bool
}

var facetParams = []struct{ field, param, title string }{
	{"organization", "organization", "Organization"}, {"tags", "tag", "Tag"}, {"license", "license", "Licence"},
}

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	found, page, err := s.search(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := searchView{Q: q.Get("q"), Count: found.Count, Page: page, Result: found.Datasets}
	for _, f := range facetParams {
		fv := facetView{Title: f.title}
		for _, c := range found.Facets[f.field] {
			link := cloneValues(q)
			link.Del("page")
			on := false
			for _, have := range q[f.param] {
				on = on || have == c.Value
			}
			if on {
				link.Del(f.param)
			} else {
				link.Add(f.param, c.Value)
			}
			fv.Items = append(fv.Items, facetLink{Value: c.Value, Count: c.Count, On: on, Href: "/search?" + link.Encode()})
		}
		if len(fv.Items) > 0 {
			v.Facets = append(v.Facets, fv)
		}
	}
	if page > 1 {
		p := cloneValues(q)
		p.Set("page", strconv.Itoa(page-1))
		v.Prev = "/search?" + p.Encode()
	}
	if page*searchPage < found.Count {
		p := cloneValues(q)
		p.Set("page", strconv.Itoa(page+1))
		v.Next = "/search?" + p.Encode()
	}
	s.render(w, r, "search.html", v)
}

func cloneValues(v map[string][]string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
