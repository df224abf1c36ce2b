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

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // the custom analyzer type, by name
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace" // the whitespace tokenizer, by name
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
		doc.AddFieldMappingsAt(f, kw)
	}
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
	for _, f := range govlake.SearchFacets {
		req.AddFacet(f, bleve.NewFacetRequest(f, 50))
	}
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
		for _, t := range f.Terms.Terms() {
			counts = append(counts, govlake.FacetCount{Value: t.Term, Count: t.Count})
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

// Close releases the index.
func (x *Index) Close() error { return x.idx.Close() }
