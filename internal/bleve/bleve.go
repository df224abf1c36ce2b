// Package bleve is the catalogue's search index (blevesearch/bleve v2):
// documents whose text fields were already cut into words and folded by
// the caller (ICU's word breaks for Burmese, Lao, Thai and Khmer; Latin
// letters without diacritics), so that the index splits on spaces only
// and a query is cut and folded the same way. Keyword fields give facets.
package bleve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom"      // the custom analyzer type, by name
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace" // the whitespace tokenizer, by name
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bolt "go.etcd.io/bbolt"

	"govlake/internal/govlake"
)

// Index is a scorch index in a folder: kept between starts, rebuilt from
// the store when it is missing, unreadable or of another mapping version,
// and updated as datasets change.
type Index struct {
	idx  bleve.Index
	temp string // a folder of its own, removed on Close
}

// mappingVersion changes whenever the mapping does: an index made with
// another is rebuilt.
const mappingVersion = "govlake-search-2"

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	doc := bleve.NewDocumentMapping()
	words := bleve.NewTextFieldMapping()
	words.Analyzer = simpleWhitespace
	words.Store, words.IncludeTermVectors = false, false
	kw := bleve.NewKeywordFieldMapping()
	kw.Store = false
	for _, f := range []string{"title", "text"} {
		doc.AddFieldMappingsAt(f, words)
	}
	for _, f := range govlake.SearchFacets {
		if f != recency {
			doc.AddFieldMappingsAt(f, kw)
		}
	}
	updated := bleve.NewDateTimeFieldMapping()
	updated.Store = false
	doc.AddFieldMappingsAt("updated", updated)
	key := bleve.NewKeywordFieldMapping()
	key.Index, key.Store = false, true // read back at start, never searched
	doc.AddFieldMappingsAt("key", key)
	m.DefaultMapping = doc
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	if err := m.AddCustomAnalyzer(simpleWhitespace, map[string]any{"type": "custom", "tokenizer": "whitespace"}); err != nil {
		return nil, fmt.Errorf("make the search analyzer: %w", err)
	}
	return m, nil
}

// Open opens the index kept in dir, or makes it anew there. With dir ""
// (or when another process holds dir) the index lives in a folder of its
// own for this process only.
func Open(dir string) (*Index, error) {
	if dir != "" {
		if x, err := open(dir); err == nil {
			return x, nil
		}
	}
	tmp, err := os.MkdirTemp("", "govlake-search-")
	if err != nil {
		return nil, fmt.Errorf("make a folder for the search index: %w", err)
	}
	x, err := open(filepath.Join(tmp, "index"))
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	x.temp = tmp
	return x, nil
}

// New makes an index for this process only.
func New() (*Index, error) { return Open("") }

func open(dir string) (*Index, error) {
	// bbolt waits for another process's lock for ever unless told not to.
	cfg := map[string]any{"bolt_timeout": "500ms"}
	if idx, err := bleve.OpenUsing(dir, cfg); err == nil {
		v, _ := idx.GetInternal([]byte("mapping"))
		if string(v) == mappingVersion {
			return &Index{idx: idx}, nil
		}
		idx.Close()
	} else if errors.Is(err, bolt.ErrTimeout) || strings.Contains(err.Error(), "timeout") {
		return nil, err // another process has it open: leave it be
	}
	os.RemoveAll(dir)
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, cfg)
	if err != nil {
		return nil, fmt.Errorf("make the search index in %s: %w", dir, err)
	}
	if err := idx.SetInternal([]byte("mapping"), []byte(mappingVersion)); err != nil {
		idx.Close()
		return nil, fmt.Errorf("make the search index in %s: %w", dir, err)
	}
	return &Index{idx: idx}, nil
}

// simpleWhitespace splits on spaces only: the words were cut before.
const simpleWhitespace = "govlake_words"

// Put adds or replaces documents, and removes those named in gone, in
// one batch.
func (x *Index) Put(docs []govlake.SearchDoc, gone []string) error {
	b := x.idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.ID, d); err != nil {
			return fmt.Errorf("index %s: %w", d.ID, err)
		}
	}
	for _, id := range gone {
		b.Delete(id)
	}
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("update the search index: %w", err)
	}
	return nil
}

// Keys returns what each indexed document was made from (its Key), so
// that a catalogue starting over a kept index indexes only what changed.
func (x *Index) Keys() (map[string]string, error) {
	n, err := x.idx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("count the search index: %w", err)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), int(n)+1, 0, false)
	req.Fields = []string{"key"}
	res, err := x.idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("read the search index: %w", err)
	}
	out := make(map[string]string, len(res.Hits))
	for _, h := range res.Hits {
		k, _ := h.Fields["key"].(string)
		out[h.ID] = k
	}
	return out, nil
}

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
	if !q.Bare {
		addFacets(req, q.Now)
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

// addFacets asks for every facet's counts: terms, and date ranges back
// from now for recency.
func addFacets(req *bleve.SearchRequest, now time.Time) {
	for _, f := range govlake.SearchFacets {
		if f != recency {
			req.AddFacet(f, bleve.NewFacetRequest(f, 50))
		}
	}
	rf := bleve.NewFacetRequest("updated", len(govlake.RecencyBuckets))
	for _, b := range govlake.RecencyBuckets {
		from, to, _ := recencySpan(b.Name, now)
		rf.AddDateTimeRange(b.Name, from, to)
	}
	req.AddFacet(recency, rf)
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

// Close releases the index, and removes it when it was this process's own.
func (x *Index) Close() error {
	err := x.idx.Close()
	if x.temp != "" {
		os.RemoveAll(x.temp)
	}
	return err
}
