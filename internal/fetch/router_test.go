package fetch

import (
	"context"
	"testing"

	"govlake/internal/govlake"
)

type named string

func (n named) Fetch(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	return &govlake.Fetched{URL: string(n)}, nil
}

func TestRouter(t *testing.T) {
	r := &Router{Web: named("web"), Local: named("local")}
	for _, tc := range []struct {
		src  govlake.Source
		want string
	}{
		{govlake.Source{URL: "http://example.org/a.csv"}, "web"},
		{govlake.Source{URL: "https://example.org/a.csv"}, "web"},
		{govlake.Source{CKAN: "https://portal.example", URL: ""}, "web"},
		{govlake.Source{URL: "../datasets/a.csv"}, "local"},
		{govlake.Source{URL: "file:///tmp/a.csv"}, "local"},
		{govlake.Source{URL: "httpfoo/a.csv"}, "local"},
	} {
		got, err := r.Fetch(context.Background(), tc.src, nil)
		if err != nil || got.URL != tc.want {
			t.Errorf("%+v: went to %v (%v), want %s", tc.src, got, err, tc.want)
		}
	}
}
