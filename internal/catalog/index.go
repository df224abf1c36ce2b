package catalog

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// SearchIndex is the full-text index of the datasets; the bleve adapter
// is one.
type SearchIndex interface {
	// Put adds or replaces docs and removes the ids in gone, at once.
	Put(docs []govlake.SearchDoc, gone []string) error
	// Keys are what each document held was made from (SearchDoc.Key).
	Keys() (map[string]string, error)
	Search(q govlake.SearchQuery) (*govlake.SearchHits, error)
}

// searcher keeps the index in step with the store's snapshots.
type searcher struct {
	index  SearchIndex
	words  func(string) []string            // cut and fold text into words
	pieces func(string) []govlake.TextPiece // cut text whole, for marking matches

	mu   sync.Mutex
	keys map[string]string // what each indexed dataset was indexed from
}

// SetSearch gives the catalogue a full-text index, the function that
// cuts text into folded words (for documents and queries alike), and the
// one that cuts it whole (words and what lies between), to mark matches.
func (c *Catalog) SetSearch(index SearchIndex, words func(string) []string, pieces func(string) []govlake.TextPiece) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys, err := index.Keys() // a kept index: only what changed is indexed again
	if err != nil {
		keys = map[string]string{}
	}
	c.search = &searcher{index: index, words: words, pieces: pieces, keys: keys}
	if v := c.view.Load(); v != nil {
		c.searchDue()
	}
}

// searchDue brings the full-text index up to the newest snapshot behind
// the refresh: a fresh index at start reads every dataset's newest
// manifest, which must not hold the catalogue's start or its refreshes.
func (c *Catalog) searchDue() {
	if !c.syncing.CompareAndSwap(false, true) {
		c.syncAgain.Store(true)
		return
	}
	go func() {
		defer c.syncing.Store(false)
		for {
			c.syncAgain.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			c.search.sync(ctx, c, c.view.Load())
			cancel()
			if !c.syncAgain.Load() {
				return
			}
		}
	}()
}

// syncBatch is how many documents go to the index at once: indexing
// holds each batch's analysed text in memory (10,000 datasets at once took
// some 250 MB).
const syncBatch = 256

// sync indexes the datasets that changed since the last snapshot and
// drops those gone. Restricted datasets are not indexed: their names and
// counts must not reach outsiders through results or facets.
func (s *searcher) sync(ctx context.Context, c *Catalog, snap *snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var docs []govlake.SearchDoc
	for _, id := range snap.ids {
		e := snap.datasets[id]
		if e.Meta.Access == govlake.AccessRestricted {
			continue
		}
		seen[id] = true
		v, ok := e.latest()
		key := e.Meta.UpdatedAt.UTC().Format(time.RFC3339Nano)
		if ok {
			key += " " + strconv.Itoa(v.N) + " " + v.Created().Format(time.RFC3339Nano)
		}
		if s.keys[id] == key {
			continue
		}
		var m *govlake.Manifest
		if ok {
			var err error
			if m, err = c.readManifest(ctx, id, v.N); err != nil {
				continue // indexed at the next snapshot
			}
		}
		d := s.doc(id, e.Meta, m)
		d.Key = key
		if docs = append(docs, d); len(docs) == syncBatch {
			if !s.put(docs, nil) {
				return
			}
			docs = docs[:0]
		}
	}
	var gone []string
	for id := range s.keys {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	if len(docs) > 0 || len(gone) > 0 {
		s.put(docs, gone)
	}
}

// put indexes docs and drops gone, and notes what each was made from.
func (s *searcher) put(docs []govlake.SearchDoc, gone []string) bool {
	if err := s.index.Put(docs, gone); err != nil {
		return false // tried again at the next snapshot
	}
	for _, d := range docs {
		s.keys[d.ID] = d.Key
	}
	for _, id := range gone {
		delete(s.keys, id)
	}
	return true
}

// doc is what a dataset is found by: its title, and its id, description,
// organisation, tags, licence and its columns' names and descriptions.
func (s *searcher) doc(id string, meta govlake.Metadata, m *govlake.Manifest) govlake.SearchDoc {
	text := []string{id, strings.ReplaceAll(id, "_", " "), meta.Description, meta.Organization, meta.License, strings.Join(meta.Tags, " ")}
	for _, l := range meta.DescriptionTranslated.Languages() {
		text = append(text, meta.DescriptionTranslated[l])
	}
	for _, words := range meta.Keywords {
		text = append(text, strings.Join(words, " "))
	}
	titles := []string{meta.Title}
	for _, l := range meta.TitleTranslated.Languages() {
		titles = append(titles, meta.TitleTranslated[l])
	}
	doc := govlake.SearchDoc{ID: id, Organization: meta.Organization, Tags: meta.Tags, License: meta.License,
		Frequency: meta.Frequency, Language: meta.TitleTranslated.Languages(), Updated: meta.UpdatedAt}
	if len(doc.Language) == 0 {
		doc.Language = []string{govlake.ScriptLanguage(meta.Title)}
	}
	if m != nil {
		var schema struct {
			Properties map[string]struct {
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"properties"`
		}
		json.Unmarshal(m.Schema, &schema)
		doc.Format, doc.Updated = m.Source.Format, m.CreatedAt
		for _, c := range m.Columns {
			p := schema.Properties[c.Name]
			text = append(text, c.Name, p.Title, p.Description)
		}
	}
	doc.Title = strings.Join(s.words(strings.Join(titles, " ")), " ")
	doc.Text = strings.Join(s.words(strings.Join(text, " ")), " ")
	return doc
}

// mark cuts text whole and marks the words that the query's words match
// (the last as a prefix when prefix is set), as the index matched them.
func (s *searcher) mark(text string, query []string, prefix bool) []govlake.TextPiece {
	pieces := s.pieces(text)
	if len(pieces) == 0 && text != "" {
		return []govlake.TextPiece{{Text: text}}
	}
	for i, p := range pieces {
		if !p.Word {
			continue
		}
		folded := s.words(p.Text)
		if len(folded) == 0 {
			continue
		}
		for j, q := range query {
			if folded[0] == q || (prefix && j == len(query)-1 && strings.HasPrefix(folded[0], q)) {
				pieces[i].Match = true
			}
		}
	}
	return pieces
}
