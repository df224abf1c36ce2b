package govlake

import "time"

// SearchDoc is a dataset as the search index holds it. Title and Text are
// words already cut (ICU's word breaks for scripts without spaces) and
// folded (lower case, Latin letters without diacritics), joined by spaces;
// the facet fields hold values as they are.
type SearchDoc struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Text         string    `json:"text"`
	Organization string    `json:"organization"`
	Tags         []string  `json:"tags"`
	License      string    `json:"license"`
	Format       string    `json:"format"`    // the latest version's source format
	Frequency    string    `json:"frequency"` // as declared
	Language     []string  `json:"language"`  // the title's languages
	Updated      time.Time `json:"updated"`   // the latest version's, or the metadata's
	// Key says what the document was made from (metadata and version
	// times), so a kept index knows what changed while it was closed.
	Key string `json:"key"`
}

// SearchFacets are the fields a search counts and filters on. Recency
// counts by how long ago a dataset was updated (RecencyBuckets).
var SearchFacets = []string{"organization", "tags", "license", "format", "frequency", "language", "recency"}

// RecencyBuckets are the recency facet's values, newest first: each holds
// datasets updated within its span of the query's time and not within a
// shorter one ("older" holds the rest).
var RecencyBuckets = []RecencyBucket{{"week", 7 * 24 * time.Hour}, {"month", 30 * 24 * time.Hour}, {"year", 365 * 24 * time.Hour}, {"older", 0}}

// RecencyBucket is a span back from now.
type RecencyBucket struct {
	Name string
	Span time.Duration
}

// SearchQuery asks the index: every word must match the title or the
// text (the last as a prefix when Prefix is set), and every filter.
type SearchQuery struct {
	Words   []string
	Prefix  bool
	Filters map[string][]string // facet field → values, each must match
	From    int
	Size    int
	Now     time.Time // what recency is measured from
	Newest  bool      // newest updated first, instead of best match first
	Bare    bool      // the hits only: no facet counted
}

// SearchHits is a page of dataset ids, best first, how many match, and
// each facet's values with their counts, most first.
type SearchHits struct {
	Total  int
	IDs    []string
	Facets map[string][]FacetCount
}

// FacetCount is how many results have a facet value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// TextPiece is a word of a text, or what lies between two words; Match
// marks a word that a search matched.
type TextPiece struct {
	Text  string `json:"text"`
	Word  bool   `json:"-"`
	Match bool   `json:"match,omitempty"`
}
