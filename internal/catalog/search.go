package catalog

import (
	"context"
	"slices"
	"sort"
	"strings"

	"govlake/internal/govlake"
)

// SearchRequest finds datasets: every word in the id, title, description,
// organization or tags, every filter matched, in an order, one page.
type SearchRequest struct {
	Words   []string
	Prefix  bool                // the last word may be the start of one (a search box's suggestions)
	Filters map[string][]string // organization, tags or license: all must match
	Sort    string              // id, title or modified
	Desc    bool
	Start   int
	Rows    int
	// Lang picks the language of the title and description whose matched
	// words are marked in Marked; without it nothing is marked.
	Lang string
	// NoFacets skips counting the facets (a list that shows none).
	NoFacets bool
	// Clauses must all hold too (CKAN's fq); the facets then count the
	// datasets that meet them.
	Clauses []Clause
	// CountMatches counts the facets over the matching datasets themselves,
	// which gives the groups (themes) facet the index does not keep.
	CountMatches bool
	// Namespace is the portal's address, from which package ids (the
	// "id" clause field and sort) are made.
	Namespace string
}

// SearchResult is one page of matching datasets and how many match.
type SearchResult struct {
	Count    int
	Datasets []*govlake.Detail
	Facets   map[string][]govlake.FacetCount // with the full-text index only
	// Marked are each dataset's title and description in the request's
	// language (or English) with the matched words marked.
	Marked map[string]Marked
}

// Marked is a dataset's title and description cut into pieces, the words
// a search matched marked, and the language they are in.
type Marked struct {
	Title, Description         []govlake.TextPiece
	TitleLang, DescriptionLang string
}

// Search finds datasets by words and filters.
func (c *Catalog) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	for k, vs := range req.Filters {
		if !slices.Contains(govlake.SearchFacets, k) {
			return nil, govlake.Errorf(govlake.EINVALID, "filter %q is not supported (%s)", k, strings.Join(govlake.SearchFacets, ", "))
		}
		for _, v := range vs {
			if k == "recency" && !slices.ContainsFunc(govlake.RecencyBuckets, func(b govlake.RecencyBucket) bool { return b.Name == v }) {
				return nil, govlake.Errorf(govlake.EINVALID, "recency %q must be week, month, year or older", v)
			}
		}
	}
	less, ok := searchOrders[req.Sort]
	if req.Sort == "package_id" {
		less, ok = func(a, b *govlake.Detail) bool {
			return govlake.PackageUUID(req.Namespace, a.ID) < govlake.PackageUUID(req.Namespace, b.ID)
		}, true
	}
	if !ok {
		return nil, govlake.Errorf(govlake.EINVALID, "sort %q is not supported (id, title, modified, created, package_id)", req.Sort)
	}
	for _, cl := range req.Clauses {
		if !slices.Contains(ClauseFields, cl.Field) {
			return nil, govlake.Errorf(govlake.EINVALID, "field %q is not supported (%s)", cl.Field, strings.Join(ClauseFields, ", "))
		}
	}
	if c.search != nil && len(req.Clauses) == 0 && !req.CountMatches && (req.Sort == "" || (req.Sort == "modified" && req.Desc)) {
		return c.ranked(ctx, req)
	}
	found, facets, err := c.find(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(req.Clauses) > 0 || req.CountMatches {
		kept := found[:0]
		for _, d := range found {
			if holds(d, req.Clauses, req.Namespace) {
				kept = append(kept, d)
			}
		}
		found, facets = kept, facetsOf(kept, req.Namespace)
	}
	sort.SliceStable(found, func(i, j int) bool {
		if req.Desc {
			return less(found[j], found[i])
		}
		return less(found[i], found[j])
	})
	res := &SearchResult{Count: len(found), Datasets: []*govlake.Detail{}, Facets: facets}
	if req.Start < len(found) {
		res.Datasets = found[req.Start:min(req.Start+max(req.Rows, 0), len(found))]
	}
	return res, nil
}

// ranked answers a search in the index's order (relevance, title matches
// first): the index pages the hits, so only the page's datasets are read.
func (c *Catalog) ranked(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	if err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	words := c.search.words(strings.Join(req.Words, " "))
	hits, err := c.search.index.Search(govlake.SearchQuery{Words: words, Prefix: req.Prefix,
		Filters: req.Filters, From: req.Start, Size: max(req.Rows, 1), Now: c.now(), Newest: req.Sort == "modified", Bare: req.NoFacets})
	if err != nil {
		return nil, govlake.Errorf(govlake.EINTERNAL, "search the index: %w", err)
	}
	if req.Rows <= 0 {
		hits.IDs = nil // rows=0 asks for the count and the facets only
	}
	res := &SearchResult{Count: hits.Total, Datasets: []*govlake.Detail{}, Facets: hits.Facets, Marked: map[string]Marked{}}
	for _, id := range hits.IDs {
		if d, err := c.detail(ctx, id, false); err == nil {
			res.Datasets = append(res.Datasets, d)
			if req.Lang != "" { // only a page for people shows the marks
				res.Marked[id] = c.search.marked(d, words, req.Prefix, req.Lang)
			}
		}
	}
	return res, nil
}

// find returns every dataset that matches: through the full-text index
// when there is one, else by scanning the catalogue.
func (c *Catalog) find(ctx context.Context, req SearchRequest) ([]*govlake.Detail, map[string][]govlake.FacetCount, error) {
	if err := c.Refresh(ctx); err != nil {
		return nil, nil, err
	}
	var found []*govlake.Detail
	if c.search != nil {
		hits, err := c.search.index.Search(govlake.SearchQuery{Words: c.search.words(strings.Join(req.Words, " ")), Prefix: req.Prefix,
			Filters: req.Filters, Size: 10000, Now: c.now()})
		if err != nil {
			return nil, nil, govlake.Errorf(govlake.EINTERNAL, "search the index: %w", err)
		}
		for _, id := range hits.IDs {
			if d, err := c.detail(ctx, id, false); err == nil {
				found = append(found, d)
			}
		}
		return found, hits.Facets, nil
	}
	sums, err := c.Datasets(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range sums {
		d, err := c.detail(ctx, s.ID, false)
		if err != nil {
			return nil, nil, err
		}
		if matches(d, req) {
			found = append(found, d)
		}
	}
	return found, nil, nil
}

var searchOrders = map[string]func(a, b *govlake.Detail) bool{
	"":         func(a, b *govlake.Detail) bool { return a.ID < b.ID },
	"id":       func(a, b *govlake.Detail) bool { return a.ID < b.ID },
	"title":    func(a, b *govlake.Detail) bool { return a.Title < b.Title },
	"modified": func(a, b *govlake.Detail) bool { return a.Updated.Before(b.Updated) },
	"created":  func(a, b *govlake.Detail) bool { return created(a).Before(created(b)) },
}

func matches(d *govlake.Detail, req SearchRequest) bool {
	text := strings.ToLower(strings.Join(append([]string{d.ID, d.Title, d.Description, d.Organization}, d.Tags...), " "))
	for _, w := range req.Words {
		if !strings.Contains(text, strings.ToLower(w)) {
			return false
		}
	}
	for k, vs := range req.Filters {
		for _, v := range vs {
			switch k {
			case "organization":
				if d.Organization != v {
					return false
				}
			case "tags":
				if !slices.Contains(d.Tags, v) {
					return false
				}
			case "license":
				if d.License != v {
					return false
				}
			}
		}
	}
	return true
}

// marked is d's title and description in lang (or English), matches marked.
func (s *searcher) marked(d *govlake.Detail, words []string, prefix bool, lang string) Marked {
	var m Marked
	title, titleLang := d.TitleTranslated.Local(lang, d.Title)
	desc, descLang := d.DescriptionTranslated.Local(lang, d.Description)
	m.Title, m.TitleLang = s.mark(title, words, prefix), titleLang
	m.Description, m.DescriptionLang = s.mark(desc, words, prefix), descLang
	return m
}
