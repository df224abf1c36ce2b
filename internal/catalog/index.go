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
	c.search = &searcher{index: index, words: words, pieces: pieces, keys: map[string]string{}}
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
	for _, l := range meta.DescriptionTranslated.Languages() {
		text = append(text, meta.DescriptionTranslated[l])
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
