package catalog

import (
	"encoding/json"
	"strings"
	"sync"

	"govlake/internal/govlake"
)

// SearchIndex is the full-text index of the datasets; the bleve adapter
// is one.
type SearchIndex interface {
	Put(d govlake.SearchDoc) error
	Delete(id string) error
	Search(q govlake.SearchQuery) (*govlake.SearchHits, error)
}

// searcher keeps the index in step with the store's snapshots.
type searcher struct {
	index SearchIndex
	words func(string) []string // cut and fold text into words

	mu   sync.Mutex
	keys map[string]string // what each indexed dataset was indexed from
}

// SetSearch gives the catalogue a full-text index, and the function that
// cuts text into folded words (for documents and queries alike).
func (c *Catalog) SetSearch(index SearchIndex, words func(string) []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.search = &searcher{index: index, words: words, keys: map[string]string{}}
	if c.snap != nil {
		c.search.sync(c.snap)
	}
}

// sync indexes the datasets that changed since the last snapshot and
// drops those gone. Restricted datasets are not indexed: their names and
// counts must not reach outsiders through results or facets.
func (s *searcher) sync(snap *snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, id := range snap.ids {
		e := snap.datasets[id]
		if e.meta.Access == govlake.AccessRestricted {
			continue
		}
		seen[id] = true
		m := e.latest()
		key := e.meta.UpdatedAt.String()
		if m != nil {
			key += " " + m.CreatedAt.String()
		}
		if s.keys[id] == key {
			continue
		}
		if err := s.index.Put(s.doc(id, e.meta, m)); err == nil {
			s.keys[id] = key
		}
	}
	for id := range s.keys {
		if !seen[id] {
			s.index.Delete(id)
			delete(s.keys, id)
		}
	}
}

// doc is what a dataset is found by: its title, and its id, description,
// organisation, tags, licence and its columns' names and descriptions.
func (s *searcher) doc(id string, meta govlake.Metadata, m *govlake.Manifest) govlake.SearchDoc {
	text := []string{id, strings.ReplaceAll(id, "_", " "), meta.Description, meta.Organization, meta.License, strings.Join(meta.Tags, " ")}
	if m != nil {
		var schema struct {
			Properties map[string]struct {
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"properties"`
		}
		json.Unmarshal(m.Schema, &schema)
		for _, c := range m.Columns {
			p := schema.Properties[c.Name]
			text = append(text, c.Name, p.Title, p.Description)
		}
	}
	return govlake.SearchDoc{ID: id, Title: strings.Join(s.words(meta.Title), " "), Text: strings.Join(s.words(strings.Join(text, " ")), " "),
		Organization: meta.Organization, Tags: meta.Tags, License: meta.License}
}
