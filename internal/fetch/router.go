package fetch

import (
	"context"
	"strings"

	"govlake/internal/govlake"
)

// Source gets one pipeline source. prev, when not nil, holds the validators
// of the bytes the latest version was made from.
type Source interface {
	Fetch(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error)
}

var (
	_ Source = (*Fetcher)(nil)
	_ Source = (*Router)(nil)
)

// Router sends a source to the fetcher for its kind: CKAN portals and
// http(s) URLs to Web, everything else (paths, file://) to Local.
type Router struct {
	Web   Source
	Local Source
}

// Fetch gets src from the fetcher for its kind.
func (r *Router) Fetch(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	if Remote(src) {
		return r.Web.Fetch(ctx, src, prev)
	}
	return r.Local.Fetch(ctx, src, prev)
}

// Remote reports whether src is fetched over the network.
func Remote(src govlake.Source) bool {
	return src.CKAN != "" || strings.HasPrefix(src.URL, "http://") || strings.HasPrefix(src.URL, "https://")
}
