package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"govlake/internal/govlake"
)

// Withdraw purges version n of dataset id: its data files, rejected rows
// and raw source (unless another live version shares it) are deleted, the
// first rejections kept in its run records are dropped, and a tombstone
// says when, by whom and why. The tombstone is written first, so that a
// crash half-way leaves a version already withdrawn whose purge a second
// call completes. The other versions are untouched.
func (p *Publisher) Withdraw(ctx context.Context, id string, n int, by, org, reason string) (*govlake.Withdrawal, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "say why the version is withdrawn: {\"reason\": \"...\"}; the reason is shown to everyone")
	}
	store := p.runner.Store
	m, err := p.manifest(ctx, id, n)
	if err != nil {
		return nil, err
	}
	w := &govlake.Withdrawal{At: p.runner.Now().UTC(), By: by, Org: org, Reason: reason}
	b, _ := json.MarshalIndent(w, "", "  ")
	if err := store.Create(ctx, govlake.WithdrawnKey(id, n), bytes.NewReader(b)); govlake.ErrorCode(err) == govlake.ECONFLICT {
		// Withdrawn before: finish the purge, keep the first tombstone.
		if err := govlake.ReadJSON(ctx, store, govlake.WithdrawnKey(id, n), w); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("write the tombstone of %s version %d: %w", id, n, err)
	}
	p.runner.logChange(ctx, &govlake.Change{Kind: govlake.ChangeWithdrawn, Dataset: id, Number: n, Withdrawal: w})
	// The table stops naming the version's files before they are purged.
	p.runner.tableSync(ctx, id)
	var keys []string
	for _, f := range m.Files {
		keys = append(keys, f.Key)
	}
	if m.Rejected != nil {
		keys = append(keys, m.Rejected.Key)
	}
	shared, err := p.rawShared(ctx, id, n, m.Source.RawKey)
	if err != nil {
		return nil, err
	}
	if m.Source.RawKey != "" && !shared {
		keys = append(keys, m.Source.RawKey)
	}
	more, err := p.scrubRuns(ctx, id, m)
	if err != nil {
		return nil, err
	}
	for _, k := range append(keys, more...) {
		if err := store.Delete(ctx, k); err != nil {
			return nil, fmt.Errorf("delete %s: %w", k, err)
		}
	}
	return w, nil
}

// rawShared says whether a live version other than n keeps the same raw
// source (the same bytes loaded twice).
func (p *Publisher) rawShared(ctx context.Context, id string, n int, raw string) (bool, error) {
	if raw == "" {
		return false, nil
	}
	vs, err := govlake.Versions(ctx, p.runner.Store, id)
	if err != nil {
		return false, err
	}
	gone, err := govlake.Withdrawn(ctx, p.runner.Store, id)
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		if v == n || gone[v] != nil {
			continue
		}
		other, err := govlake.ReadManifest(ctx, p.runner.Store, id, v)
		if err != nil {
			return false, err
		}
		if other.Source.RawKey == raw {
			return true, nil
		}
	}
	return false, nil
}

// scrubRuns drops the rejected rows that the runs of version m's run
// kept (their first rejections, and a rejected file outside the version),
// and returns the files to delete.
func (p *Publisher) scrubRuns(ctx context.Context, id string, m *govlake.Manifest) ([]string, error) {
	store := p.runner.Store
	objs, err := store.List(ctx, govlake.RunsPrefix(id))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, o := range objs {
		if !strings.HasSuffix(o.Key, ".json") || !strings.Contains(o.Key, m.RunID) {
			continue
		}
		var run govlake.Run
		if err := govlake.ReadJSON(ctx, store, o.Key, &run); err != nil {
			return nil, err
		}
		if run.ID != m.RunID {
			continue
		}
		if run.RejectedKey != "" && !strings.HasPrefix(run.RejectedKey, govlake.VersionsPrefix(id)) {
			files = append(files, run.RejectedKey)
		}
		run.Rejections, run.RejectedKey = nil, ""
		b, _ := json.MarshalIndent(run, "", "  ")
		if err := store.Put(ctx, o.Key, bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("scrub run %s: %w", o.Key, err)
		}
	}
	return files, nil
}

// WithdrawAll withdraws every live version of dataset id, and says how
// many there were.
func (p *Publisher) WithdrawAll(ctx context.Context, id, by, org, reason string) (int, error) {
	vs, err := govlake.Versions(ctx, p.runner.Store, id)
	if err != nil {
		return 0, err
	}
	gone, err := govlake.Withdrawn(ctx, p.runner.Store, id)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, v := range vs {
		if gone[v] != nil {
			continue
		}
		if _, err := p.Withdraw(ctx, id, v, by, org, reason); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
