package govlake

// SearchDoc is a dataset as the search index holds it. Title and Text are
// words already cut (ICU's word breaks for scripts without spaces) and
// folded (lower case, Latin letters without diacritics), joined by spaces;
// the facet fields hold values as they are.
type SearchDoc struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Text         string   `json:"text"`
	Organization string   `json:"organization"`
	Tags         []string `json:"tags"`
	License      string   `json:"license"`
}

// SearchFacets are the fields a search counts and filters on.
var SearchFacets = []string{"organization", "tags", "license"}

// SearchQuery asks the index: every word must match the title or the
// text (the last as a prefix when Prefix is set), and every filter.
type SearchQuery struct {
	Words   []string
	Prefix  bool
	Filters map[string][]string // facet field → values, each must match
	From    int
	Size    int
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
