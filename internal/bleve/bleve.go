// Package bleve is the catalogue's search index (blevesearch/bleve v2):
// documents whose text fields were already cut into words and folded by
// the caller (ICU's word breaks for Burmese, Lao, Thai and Khmer; Latin
// letters without diacritics), so that the index splits on spaces only
// and a query is cut and folded the same way. Keyword fields give facets.
package bleve

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // the custom analyzer type, by name
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace" // the whitespace tokenizer, by name
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"govlake/internal/govlake"
)

// Index is an in-memory index, rebuilt from the store when the catalogue
// starts and updated as datasets change.
type Index struct {
	idx bleve.Index
}

// New makes an empty index.
func New() (*Index, error) {
	m := bleve.NewIndexMapping()
	doc := bleve.NewDocumentMapping()
	words := bleve.NewTextFieldMapping()
	words.Analyzer = simpleWhitespace
	kw := bleve.NewTextFieldMapping()
	kw.Analyzer = keyword.Name
	doc.AddFieldMappingsAt("title", words)
	doc.AddFieldMappingsAt("text", words)
	for _, f := range govlake.SearchFacets {
		if f != recency {
			doc.AddFieldMappingsAt(f, kw)
		}
	}
	doc.AddFieldMappingsAt("updated", bleve.NewDateTimeFieldMapping())
	m.DefaultMapping = doc
	if err := m.AddCustomAnalyzer(simpleWhitespace, map[string]any{"type": "custom", "tokenizer": "whitespace"}); err != nil {
		return nil, fmt.Errorf("make the search analyzer: %w", err)
	}
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("make the search index: %w", err)
	}
	return &Index{idx: idx}, nil
}

// simpleWhitespace splits on spaces only: the words were cut before.
const simpleWhitespace = "govlake_words"

// Put adds or replaces a document.
func (x *Index) Put(d govlake.SearchDoc) error { return x.idx.Index(d.ID, d) }

// Delete removes a document.
func (x *Index) Delete(id string) error { return x.idx.Delete(id) }

// Search runs q: every word must match the title or the text (title
// matches weigh three times more).
func (x *Index) Search(q govlake.SearchQuery) (*govlake.SearchHits, error) {
	var must []query.Query
	for i, w := range q.Words {
		var title, text query.Query
		if q.Prefix && i == len(q.Words)-1 {
			tp, xp := bleve.NewPrefixQuery(w), bleve.NewPrefixQuery(w)
			tp.SetField("title")
			tp.SetBoost(3)
			xp.SetField("text")
			title, text = tp, xp
		} else {
			tt, xt := bleve.NewTermQuery(w), bleve.NewTermQuery(w)
			tt.SetField("title")
			tt.SetBoost(3)
			xt.SetField("text")
			title, text = tt, xt
		}
		must = append(must, bleve.NewDisjunctionQuery(title, text))
	}
	keys := make([]string, 0, len(q.Filters))
	for k := range q.Filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range q.Filters[k] {
			if k == recency {
				from, to, ok := recencySpan(v, q.Now)
				if !ok {
					return nil, govlake.Errorf(govlake.EINVALID, "recency %q must be week, month, year or older", v)
				}
				must = append(must, dateRange(from, to))
				continue
			}
			t := bleve.NewTermQuery(v)
			t.SetField(k)
			must = append(must, t)
		}
	}
	var all query.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
		all = bleve.NewConjunctionQuery(must...)
	}
	size := q.Size
	if size <= 0 {
		size = 20
	}
	req := bleve.NewSearchRequestOptions(all, size, q.From, false)
	if q.Newest {
		req.SortBy([]string{"-updated", "_id"})
	}
	for _, f := range govlake.SearchFacets {
		if f != recency {
			req.AddFacet(f, bleve.NewFacetRequest(f, 50))
		}
	}
	rf := bleve.NewFacetRequest("updated", len(govlake.RecencyBuckets))
	for _, b := range govlake.RecencyBuckets {
		from, to, _ := recencySpan(b.Name, q.Now)
		rf.AddDateTimeRange(b.Name, from, to)
	}
	req.AddFacet(recency, rf)
	res, err := x.idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &govlake.SearchHits{Total: int(res.Total), IDs: []string{}, Facets: map[string][]govlake.FacetCount{}}
	for _, h := range res.Hits {
		out.IDs = append(out.IDs, h.ID)
	}
	for name, f := range res.Facets {
		counts := []govlake.FacetCount{}
		if f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				if t.Term == "" {
					continue // a field left empty (no frequency declared) is no value
				}
				counts = append(counts, govlake.FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		if name == recency {
			out.Facets[name] = recencyCounts(f.DateRanges)
			continue
		}
		sort.SliceStable(counts, func(i, j int) bool {
			if counts[i].Count != counts[j].Count {
				return counts[i].Count > counts[j].Count
			}
			return strings.Compare(counts[i].Value, counts[j].Value) < 0
		})
		out.Facets[name] = counts
	}
	return out, nil
}

// recency is the facet counted over the updated field's date ranges.
const recency = "recency"

// recencySpan is a recency bucket's date range back from now: a zero
// time is open (the newest bucket also takes times a little ahead of
// now; the oldest has no start).
func recencySpan(name string, now time.Time) (from, to time.Time, ok bool) {
	var shorter time.Duration
	for _, b := range govlake.RecencyBuckets {
		if b.Name == name {
			if shorter > 0 {
				to = now.Add(-shorter)
			}
			if b.Span > 0 {
				from = now.Add(-b.Span)
			}
			return from, to, true
		}
		shorter = b.Span
	}
	return time.Time{}, time.Time{}, false
}

// dateRange matches documents updated in [from, to).
func dateRange(from, to time.Time) query.Query {
	yes, no := true, false
	q := bleve.NewDateRangeInclusiveQuery(from, to, &yes, &no)
	q.SetField("updated")
	return q
}

// recencyCounts lists the buckets in their order, empty ones left out.
func recencyCounts(ranges search.DateRangeFacets) []govlake.FacetCount {
	got := map[string]int{}
	for _, r := range ranges {
		got[r.Name] = r.Count
	}
	out := []govlake.FacetCount{}
	for _, b := range govlake.RecencyBuckets {
		if got[b.Name] > 0 {
			out = append(out, govlake.FacetCount{Value: b.Name, Count: got[b.Name]})
		}
	}
	return out
}

// Close releases the index.
func (x *Index) Close() error { return x.idx.Close() }
