// Package catalog is the read side, and it owns queries. The read model
// builds, from the store alone, the list of datasets, their versions and
// runs, and the SQL tables the query engine offers (manifests are immutable,
// so each is read once and kept). The query layer (Queries) is every SQL
// that a page, the API or the CKAN layer runs: previews, rejections, CKAN's
// datastore filters, saved queries and users' own SQL, each with values
// bound as arguments, through one concurrency limiter and one timeout.
// Besides the DuckDB adapter, no other package holds SQL text.
package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// Catalog reads datasets from a store.
type Catalog struct {
	store  govlake.Store
	local  govlake.Localizer
	logger *slog.Logger
	now    func() time.Time
	// TTL is how long a snapshot of the store serves before it is read again.
	TTL time.Duration

	runMu sync.Mutex
	runs  map[string]*govlake.Run // by key; a run record is written once

	mu        sync.Mutex
	snap      *snapshot
	loadedAt  time.Time
	manifests map[string]*govlake.Manifest // by manifest key; immutable
	orgs      []*govlake.Organization      // from the organisation files
	search    *searcher                    // the full-text index, when set
}

type snapshot struct {
	ids      []string
	datasets map[string]*entry
	state    string    // digest of what it holds
	modified time.Time // when that last changed
}

type entry struct {
	meta      govlake.Metadata
	versions  []*govlake.Manifest         // oldest first
	withdrawn map[int]*govlake.Withdrawal // tombstones, by version
	published map[int]bool                // drafts a publisher published
}

// New returns a catalogue over store. local gives the query engine readable
// paths for stored files.
func New(store govlake.Store, local govlake.Localizer, logger *slog.Logger, now func() time.Time) *Catalog {
	return &Catalog{store: store, local: local, logger: logger, now: now,
		TTL: 2 * time.Second, manifests: map[string]*govlake.Manifest{}, runs: map[string]*govlake.Run{}}
}

// Refresh reads the store again if the snapshot is older than TTL.
func (c *Catalog) Refresh(ctx context.Context) error {
	_, err := c.current(ctx)
	return err
}

func (c *Catalog) current(ctx context.Context) (*snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil && c.now().Sub(c.loadedAt) < c.TTL {
		return c.snap, nil
	}
	snap, err := c.load(ctx)
	if err != nil {
		if c.snap != nil {
			// Serve what was last read rather than nothing; say so in the log.
			c.logger.Warn("catalogue refresh failed; serving the previous snapshot", "err", err)
			return c.snap, nil
		}
		return nil, err
	}
	c.snap, c.loadedAt = snap, c.now()
	if c.search != nil {
		c.search.sync(snap)
	}
	return snap, nil
}

func (c *Catalog) load(ctx context.Context) (*snapshot, error) {
	objs, err := c.store.List(ctx, "datasets/")
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "list datasets in the store: %w", err)
	}
	snap := &snapshot{datasets: map[string]*entry{}}
	for _, o := range objs {
		rest := strings.TrimPrefix(o.Key, "datasets/")
		id, file, ok := strings.Cut(rest, "/")
		if !ok {
			continue
		}
		n, isManifest, ok := govlake.ParseVersionKey(id, o.Key)
		tomb := ok && strings.HasSuffix(o.Key, "/withdrawn.json")
		pub := ok && strings.HasSuffix(o.Key, "/published.json")
		if file != "dataset.json" && !(ok && isManifest) && !tomb && !pub {
			continue
		}
		e := snap.datasets[id]
		if e == nil {
			e = &entry{withdrawn: map[int]*govlake.Withdrawal{}, published: map[int]bool{}}
			snap.datasets[id] = e
		}
		if pub {
			e.published[n] = true
			continue
		}
		if tomb {
			var w govlake.Withdrawal
			if err := govlake.ReadJSON(ctx, c.store, o.Key, &w); err != nil {
				return nil, err
			}
			e.withdrawn[n] = &w
			c.forget(ctx, id, n)
			continue
		}
		if file == "dataset.json" {
			if err := govlake.ReadJSON(ctx, c.store, o.Key, &e.meta); err != nil {
				return nil, err
			}
			continue
		}
		m, ok := c.manifests[o.Key]
		if !ok {
			if m, err = govlake.ReadManifest(ctx, c.store, id, n); err != nil {
				return nil, err
			}
			c.manifests[o.Key] = m
		}
		e.versions = append(e.versions, m)
	}
	for id, e := range snap.datasets {
		sort.Slice(e.versions, func(i, j int) bool { return e.versions[i].Version < e.versions[j].Version })
		if e.meta.ID == "" && len(e.versions) > 0 {
			e.meta = e.versions[len(e.versions)-1].Metadata
		}
		if e.meta.ID == "" {
			delete(snap.datasets, id) // neither metadata nor a version: stray files
			continue
		}
		// A dataset with metadata and no version yet is listed: its runs
		// failed, and people must see why.
		snap.ids = append(snap.ids, id)
	}
	sort.Strings(snap.ids)
	snap.state, snap.modified = snap.digest()
	return snap, nil
}

// digest sums up everything a read of the catalogue can show (metadata,
// versions, tombstones, publications), and says when it last changed.
func (snap *snapshot) digest() (string, time.Time) {
	h := sha256.New()
	var last time.Time
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, id := range snap.ids {
		e := snap.datasets[id]
		fmt.Fprintf(h, "%s %s\n", id, e.meta.UpdatedAt.UTC().Format(time.RFC3339Nano))
		later(e.meta.UpdatedAt)
		for _, m := range e.versions {
			fmt.Fprintf(h, " v%d %s %v %v\n", m.Version, m.RunID, e.withdrawn[m.Version] != nil, e.published[m.Version])
			later(m.CreatedAt)
			if w := e.withdrawn[m.Version]; w != nil {
				later(w.At)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), last.UTC().Truncate(time.Second)
}

// State says what the catalogue holds now, as a digest that changes with
// any dataset, version, withdrawal or publication, and when that last
// happened: for ETag and Last-Modified.
func (c *Catalog) State(ctx context.Context) (string, time.Time, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	return snap.state, snap.modified, nil
}

// latest returns the newest public version (neither withdrawn nor an
// unpublished draft), or nil before the first.
func (e *entry) latest() *govlake.Manifest {
	for i := len(e.versions) - 1; i >= 0; i-- {
		if m := e.versions[i]; e.withdrawn[m.Version] == nil && !e.draft(m) {
			return m
		}
	}
	return nil
}

// draft says whether m is a draft nobody has published yet.
func (e *entry) draft(m *govlake.Manifest) bool { return m.Draft && !e.published[m.Version] }

// sees says whether the request's principal may see m: anyone a public
// version, only its organisation (and admins) a draft.
func (e *entry) sees(ctx context.Context, m *govlake.Manifest) bool {
	return !e.draft(m) || govlake.PrincipalFrom(ctx).Can(govlake.RoleEditor, e.meta.Organization)
}

// Datasets lists every dataset: those with versions, and those whose runs
// have made none yet (Version 0).
func (c *Catalog) Datasets(ctx context.Context) ([]govlake.Summary, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]govlake.Summary, 0, len(snap.ids))
	for _, id := range snap.ids {
		e := snap.datasets[id]
		if e.hidden(ctx) {
			continue
		}
		sum := govlake.Summary{ID: id, Title: e.meta.Title, TitleTranslated: e.meta.TitleTranslated, Organization: e.meta.Organization, Updated: e.meta.UpdatedAt}
		if m := e.latest(); m != nil {
			sum.Version, sum.Rows, sum.Updated = m.Version, m.Rows.Valid, m.CreatedAt
		}
		out = append(out, sum)
	}
	return out, nil
}

// Tags lists every tag of the datasets the caller may see, sorted, once.
func (c *Catalog) Tags(ctx context.Context) ([]string, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := []string{}
	for _, id := range snap.ids {
		e := snap.datasets[id]
		if e.hidden(ctx) {
			continue
		}
		for _, t := range e.meta.Tags {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func (c *Catalog) entry(ctx context.Context, id string) (*entry, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	e, ok := snap.datasets[id]
	if !ok || e.hidden(ctx) {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "no dataset %q", id)
	}
	return e, nil
}

// hidden says whether the dataset is restricted to an organisation the
// request's principal is not of: then it does not exist for them.
func (e *entry) hidden(ctx context.Context) bool {
	return e.meta.Access == govlake.AccessRestricted && !govlake.PrincipalFrom(ctx).Can(govlake.RoleEditor, e.meta.Organization)
}

// RunsShown is how many recent runs a dataset's detail lists.
const RunsShown = 20

// Dataset returns one dataset's metadata, schema, versions (newest first)
// and recent runs (newest first).
func (c *Catalog) Dataset(ctx context.Context, id string) (*govlake.Detail, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &govlake.Detail{Metadata: e.meta, Updated: e.meta.UpdatedAt, Columns: []govlake.Column{},
		Tables: govlake.Tables{LastRunRejected: govlake.LastRunRejectedTable(id)}}
	if m := e.latest(); m != nil {
		d.Version, d.Rows, d.Updated, d.Schema, d.Columns = m.Version, m.Rows.Valid, m.CreatedAt, m.Schema, m.Columns
		d.Profile, d.Files = m.Profile, m.Files
		src := m.Source
		src.RawKey = "" // where the raw bytes are kept is the store's business
		d.Source = &src
		d.Tables = govlake.Tables{Latest: id, Version: id + "__vN", Rejected: govlake.RejectedTable(id), LastRunRejected: d.Tables.LastRunRejected,
			SelectAll: SelectAll(id), Sample: SampleSQL(id)}
	}
	for i := len(e.versions) - 1; i >= 0; i-- {
		v := e.versions[i]
		if !e.sees(ctx, v) {
			continue
		}
		vs := govlake.VersionSummary{Version: v.Version, Created: v.CreatedAt, Rows: v.Rows,
			SHA256: v.Source.SHA256, Table: govlake.VersionTable(id, v.Version), RunID: v.RunID, Withdrawn: e.withdrawn[v.Version], Diff: v.Diff}
		if e.draft(v) {
			vs.Draft, vs.DraftReasons = true, v.DraftReasons
		}
		d.Versions = append(d.Versions, vs)
	}
	recent, err := c.runKeys(ctx, govlake.RunsPrefix(id))
	if err != nil {
		return nil, err
	}
	for i, key := range recent {
		if i >= RunsSearched || (i >= RunsShown && d.LastSuccess != nil && d.LastFailure != nil) {
			break
		}
		r, err := c.run(ctx, key)
		if err != nil {
			return nil, err
		}
		if i < RunsShown {
			d.Runs = append(d.Runs, r)
		}
		if r.Status == govlake.RunSucceeded && d.LastSuccess == nil {
			d.LastSuccess = r
		}
		if r.Failed() && d.LastFailure == nil {
			d.LastFailure = r
		}
	}
	if d.Runs == nil {
		d.Runs = []*govlake.Run{}
	}
	d.Freshness = govlake.FreshnessAt(d.Frequency, d.Updated, c.now())
	return d, nil
}

// Version returns one version's manifest.
func (c *Catalog) Version(ctx context.Context, id string, n int) (*govlake.Manifest, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if w := e.withdrawn[n]; w != nil {
		return nil, govlake.Errorf(govlake.EGONE, "version %d of %s was %s", n, id, w.Text())
	}
	if m := e.find(n); m != nil && e.sees(ctx, m) {
		return m, nil
	}
	return nil, govlake.Errorf(govlake.ENOTFOUND, "dataset %q has no version %d", id, n)
}

// Forgetter drops local copies of stored objects; the cache of a remote
// store is one.
type Forgetter interface {
	Forget(prefix string)
}

// forget drops the local copies of a withdrawn version's files, and the
// run records kept in memory from before their rejections were purged.
func (c *Catalog) forget(ctx context.Context, id string, n int) {
	if f, ok := c.local.(Forgetter); ok {
		f.Forget(govlake.VersionPrefix(id, n))
	}
	c.runMu.Lock()
	defer c.runMu.Unlock()
	for key, r := range c.runs {
		if r.Dataset == id && r.Version == n && (len(r.Rejections) > 0 || r.RejectedKey != "") {
			delete(c.runs, key)
		}
	}
}

// versionName finds id__vN in SQL text (lower case), with or without
// __rejected after it.
var versionName = regexp.MustCompile(`([a-z][a-z0-9_]*?)__v([0-9]+)`)

// CheckDrafts refuses a statement that names a draft version the
// request's principal may not see, as if it did not exist. The engine
// resolves names without the request, so the check is on the text, before
// the statement runs.
func (c *Catalog) CheckDrafts(ctx context.Context, sql string) error {
	lower := strings.ToLower(sql)
	snap, err := c.current(ctx)
	if err != nil {
		return err
	}
	for _, id := range snap.ids {
		// A restricted dataset's name anywhere in the text, as a word or
		// before __, is refused for outsiders as if it did not exist.
		if e := snap.datasets[id]; e.hidden(ctx) && mentions(lower, id) {
			return govlake.Errorf(govlake.ENOTFOUND, "no dataset or table named %s; GET /api/v1/datasets lists them", id)
		}
	}
	for _, m := range versionName.FindAllStringSubmatch(lower, -1) {
		e, err := c.entry(ctx, m[1])
		if err != nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if v := e.find(n); v != nil && !e.sees(ctx, v) {
			return govlake.Errorf(govlake.ENOTFOUND, "dataset %s has no version %d", m[1], n)
		}
	}
	return nil
}

// mentions says whether id stands in sql as a name: not inside a longer
// word, though it may be followed by __ (id__v2, id__rejected).
func mentions(sql, id string) bool {
	for i := 0; ; {
		j := strings.Index(sql[i:], id)
		if j < 0 {
			return false
		}
		at, end := i+j, i+j+len(id)
		before := at == 0 || !isWord(sql[at-1])
		after := end == len(sql) || !isWord(sql[end]) || strings.HasPrefix(sql[end:], "__")
		if before && after {
			return true
		}
		i = at + 1
	}
}

func isWord(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}
