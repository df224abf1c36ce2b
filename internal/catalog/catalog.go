// Package catalog is the read side, and it owns queries. The read model
// follows the store's catalogue index (govlake.Index) to know the
// datasets, their versions and recent runs, reads manifests and run
// records when a page needs them (through bounded caches), and gives the
// query engine its SQL tables. The query layer (Queries) is every SQL
// that a page, the API or the CKAN layer runs: previews, rejections, CKAN's
// datastore filters, saved queries and users' own SQL, each with values
// bound as arguments, through one concurrency limiter and one timeout.
// Besides the DuckDB adapter, no other package holds SQL text.
package catalog

import (
	"context"
	"log/slog"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"govlake/internal/govlake"
)

// Catalog reads datasets from a store.
type Catalog struct {
	store  govlake.Store
	local  govlake.Localizer
	logger *slog.Logger
	now    func() time.Time
	// TTL is how long a snapshot serves before the store's index is read
	// again; 0 reads it at every request.
	TTL time.Duration
	// Listing (SetListing) makes every refresh list the whole store, as
	// the catalogue did before the index: the benchmarks' baseline.
	Listing bool

	runs      *lru[string, *govlake.Run]          // by key; a finished record is written once
	manifests *lru[manifestID, *govlake.Manifest] // immutable
	tables    *lru[string, loadedTable]           // Iceberg tables loaded lately

	view       atomic.Pointer[snapshot]
	refreshing atomic.Bool
	syncing    atomic.Bool    // the full-text index is being brought up to date
	syncAgain  atomic.Bool    // and a newer snapshot came meanwhile
	refreshMu  sync.Mutex     // one refresh at a time; requests do not take it (TTL > 0)
	idx        *govlake.Index // the index as last read; only refresh touches it
	snapSeq    int64          // the newest snapshot known to be stored

	orgsCache atomic.Pointer[orgsOf]

	mu     sync.Mutex
	orgs   []*govlake.Organization // from the organisation files
	search *searcher               // the full-text index, when set
}

type manifestID struct {
	id string
	n  int
}

// Bounds of what the catalogue keeps in memory: manifests and run records
// are read again when dropped.
const (
	ManifestsKept  = 256
	RunRecordsKept = 20000
	TablesKept     = 1024
)

// SetListing makes the catalogue work as before the index: each refresh
// lists the whole store, inside the request that finds the snapshot
// stale, and every manifest is kept. Benchmarks measure the index
// against it.
func (c *Catalog) SetListing() {
	c.Listing = true
	c.manifests = newLRU[manifestID, *govlake.Manifest](1 << 40)
}

// New returns a catalogue over store. local gives the query engine readable
// paths for stored files.
func New(store govlake.Store, local govlake.Localizer, logger *slog.Logger, now func() time.Time) *Catalog {
	return &Catalog{store: store, local: local, logger: logger, now: now, TTL: 2 * time.Second,
		manifests: newLRU[manifestID, *govlake.Manifest](ManifestsKept), runs: newLRU[string, *govlake.Run](RunRecordsKept),
		tables: newLRU[string, loadedTable](TablesKept)}
}

// readManifest reads a manifest through the bounded cache.
func (c *Catalog) readManifest(ctx context.Context, id string, n int) (*govlake.Manifest, error) {
	if m, ok := c.manifests.get(manifestID{id, n}); ok {
		return m, nil
	}
	m, err := govlake.ReadManifest(ctx, c.store, id, n)
	if err != nil {
		return nil, err
	}
	c.manifests.put(manifestID{id, n}, m)
	return m, nil
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
// unpublished draft), and false before the first.
func (e *entry) latest() (govlake.IndexedVersion, bool) {
	for i := len(e.Versions) - 1; i >= 0; i-- {
		if v := e.Versions[i]; e.Withdrawn[v.N] == nil && !e.draft(v) {
			return v, true
		}
	}
	return govlake.IndexedVersion{}, false
}

// draft says whether v is a draft nobody has published yet.
func (e *entry) draft(v govlake.IndexedVersion) bool { return v.Draft && !e.Published[v.N] }

// sees says whether the request's principal may see v: anyone a public
// version, only its organisation (and admins) a draft.
func (e *entry) sees(ctx context.Context, v govlake.IndexedVersion) bool {
	return !e.draft(v) || govlake.PrincipalFrom(ctx).Can(govlake.RoleEditor, e.Meta.Organization)
}

// Datasets lists every dataset: those with versions, and those whose runs
// have made none yet (Version 0).
func (c *Catalog) Datasets(ctx context.Context) ([]govlake.Summary, error) {
	return c.listed(ctx, nil)
}

// listed lists the datasets the caller may see that keep accepts (nil:
// all), in id order.
func (c *Catalog) listed(ctx context.Context, keep func(*entry) bool) ([]govlake.Summary, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]govlake.Summary, 0, len(snap.ids))
	for _, id := range snap.ids {
		e := snap.datasets[id]
		if e.hidden(ctx) || (keep != nil && !keep(e)) {
			continue
		}
		sum := govlake.Summary{ID: id, Title: e.Meta.Title, TitleTranslated: e.Meta.TitleTranslated, Organization: e.Meta.Organization, Updated: e.Meta.UpdatedAt}
		if v, ok := e.latest(); ok {
			sum.Version, sum.Rows, sum.Updated = v.N, v.Rows, v.Created()
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
		for _, t := range e.Meta.Tags {
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
	return e.Meta.Access == govlake.AccessRestricted && !govlake.PrincipalFrom(ctx).Can(govlake.RoleEditor, e.Meta.Organization)
}

// Version returns one version's manifest.
func (c *Catalog) Version(ctx context.Context, id string, n int) (*govlake.Manifest, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if w := e.Withdrawn[n]; w != nil {
		return nil, govlake.Errorf(govlake.EGONE, "version %d of %s was %s", n, id, w.Text())
	}
	if v, ok := e.Find(n); ok && e.sees(ctx, v) {
		return c.readManifest(ctx, id, n)
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
func (c *Catalog) forget(id string, n int) {
	if f, ok := c.local.(Forgetter); ok {
		f.Forget(govlake.VersionPrefix(id, n))
	}
	c.runs.drop(func(_ string, r *govlake.Run) bool {
		return r.Dataset == id && r.Version == n && (len(r.Rejections) > 0 || r.RejectedKey != "")
	})
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
		if v, ok := e.Find(n); ok && !e.sees(ctx, v) {
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
