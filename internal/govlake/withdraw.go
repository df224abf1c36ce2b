package govlake

import (
	"context"
	"strings"
	"time"
)

// Withdrawal is the tombstone of a withdrawn version: its data, rejected
// rows and raw source were purged; this record of why stays.
type Withdrawal struct {
	At     time.Time `json:"withdrawn_at"`
	By     string    `json:"by"`
	Org    string    `json:"organization"`
	Reason string    `json:"reason"`
}

// WithdrawnKey is a withdrawn version's tombstone, beside its manifest.
func WithdrawnKey(id string, n int) string { return VersionPrefix(id, n) + "withdrawn.json" }

// Text says what happened, for pages and errors.
func (w *Withdrawal) Text() string {
	return "withdrawn on " + w.At.UTC().Format(time.DateOnly) + " by " + w.Org + ": " + w.Reason
}

// Withdrawn returns the tombstones of a dataset's withdrawn versions.
func Withdrawn(ctx context.Context, s Store, id string) (map[int]*Withdrawal, error) {
	objs, err := s.List(ctx, VersionsPrefix(id))
	if err != nil {
		return nil, err
	}
	out := map[int]*Withdrawal{}
	for _, o := range objs {
		if n, _, ok := ParseVersionKey(id, o.Key); ok && strings.HasSuffix(o.Key, "/withdrawn.json") {
			var w Withdrawal
			if err := ReadJSON(ctx, s, o.Key, &w); err != nil {
				return nil, err
			}
			out[n] = &w
		}
	}
	return out, nil
}

// Publication records who published a draft version, and when.
type Publication struct {
	At  time.Time `json:"published_at"`
	By  string    `json:"by"`
	Org string    `json:"organization"`
}

// PublishedKey marks a draft version published, beside its manifest.
func PublishedKey(id string, n int) string { return VersionPrefix(id, n) + "published.json" }
