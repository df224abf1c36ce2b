package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"govlake/internal/govlake"
)

// memStore is a store in memory; fail, when set, fails every List, and
// hold, when set, holds every List until it is closed.
type memStore struct {
	mu   sync.Mutex
	objs map[string][]byte
	fail error
	hold chan struct{}
	// gets and lists count the requests made.
	gets, lists int
}

var _ govlake.Store = (*memStore)(nil)

func (m *memStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	b, ok := m.objs[key]
	if !ok {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "no object %s", key)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m *memStore) Put(ctx context.Context, key string, r io.Reader) error {
	b, _ := io.ReadAll(r)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[key] = b
	return nil
}

func (m *memStore) Create(ctx context.Context, key string, r io.Reader) error {
	return m.Put(ctx, key, r)
}
func (m *memStore) Delete(ctx context.Context, key string) error { return nil }

func (m *memStore) List(ctx context.Context, prefix string) ([]govlake.ObjectInfo, error) {
	if m.fail != nil {
		return nil, m.fail
	}
	m.mu.Lock()
	hold := m.hold
	m.mu.Unlock()
	if hold != nil {
		<-hold
	}
	m.mu.Lock()
	m.lists++
	defer m.mu.Unlock()
	var out []govlake.ObjectInfo
	for k, b := range m.objs {
		if strings.HasPrefix(k, prefix) {
			out = append(out, govlake.ObjectInfo{Key: k, Size: int64(len(b))})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// addDataset stores one version of a dataset.
func (m *memStore) addDataset(t *testing.T, meta govlake.Metadata, cols ...string) {
	t.Helper()
	man := govlake.Manifest{Dataset: meta.ID, Version: 1, Metadata: meta, CreatedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		Files: []govlake.FileInfo{{Key: govlake.PartKey(meta.ID, 1, 0)}}}
	for _, c := range cols {
		man.Columns = append(man.Columns, govlake.Column{Name: c, Type: govlake.TypeString})
	}
	b, _ := json.Marshal(man)
	m.Put(context.Background(), govlake.ManifestKey(meta.ID, 1), bytes.NewReader(b))
}

// recorder is an engine that records what it was asked and answers one
// row, or waits until its context ends when block is set.
type recorder struct {
	mu    sync.Mutex
	sql   []string
	args  [][]any
	block chan struct{}
}

var _ Engine = (*recorder)(nil)

func (e *recorder) Stream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error {
	e.mu.Lock()
	e.sql, e.args = append(e.sql, sql), append(e.args, args)
	e.mu.Unlock()
	if e.block != nil {
		select {
		case <-e.block:
		case <-ctx.Done():
			return govlake.Errorf(govlake.ETIMEOUT, "the query took longer than allowed and was stopped")
		}
	}
	if err := header([]govlake.ResultColumn{{Name: "n", Type: "BIGINT"}}); err != nil {
		return err
	}
	return row([]any{int64(7)})
}

// Query answers the one row Stream gives, or nothing past limit.
func (e *recorder) Query(ctx context.Context, sql string, limit int, args ...any) (*govlake.Result, error) {
	res := &govlake.Result{Rows: [][]any{}}
	err := e.Stream(ctx, sql, func(cols []govlake.ResultColumn) error { res.Columns = cols; return nil }, func(row []any) error {
		if len(res.Rows) == limit {
			res.Truncated = true
			return nil
		}
		res.Rows = append(res.Rows, row)
		return nil
	}, args...)
	if err != nil {
		return nil, err
	}
	return res, nil
}

type localPaths struct{}

func (localPaths) LocalPath(ctx context.Context, key string) (string, error) {
	return "/data/" + key, nil
}

func newTestCatalog(t *testing.T) (*Catalog, *memStore) {
	st := &memStore{objs: map[string][]byte{}}
	st.addDataset(t, govlake.Metadata{ID: "people", Title: "People of Yangon", Organization: "moh", License: "CC-BY-4.0", Tags: []string{"health"}}, "id", "name", "township")
	st.addDataset(t, govlake.Metadata{ID: "budget", Title: "Budget", Organization: "mof", Tags: []string{"finance", "health"}}, "year", "amount")
	return New(st, localPaths{}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now), st
}

// CKAN's datastore filters reach the engine as bound values: the text of
// a value never enters the statement, names are checked and quoted.
func TestDatastoreBindsValues(t *testing.T) {
	cat, _ := newTestCatalog(t)
	e := &recorder{}
	q := NewQueries(cat, e, DefaultLimits)
	evil := `x' OR 1=1; DROP TABLE people; --`
	_, err := q.Datastore(context.Background(), DatastoreRequest{Dataset: "people",
		Filters: map[string][]string{"name": {evil, "Aung"}, "township": {"Bahan"}},
		Q:       "50%_off", Fields: []string{"id", "name"}, Sort: []SortKey{{Field: "name", Desc: true}}, Limit: 5, Offset: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantSQL := []string{
		`SELECT "id", "name" FROM (SELECT row_number() OVER () AS _id, * FROM "people") AS stored WHERE "name"::VARCHAR IN (?, ?) AND "township"::VARCHAR IN (?) AND concat_ws(' ', coalesce("id"::VARCHAR, ''), coalesce("name"::VARCHAR, ''), coalesce("township"::VARCHAR, '')) ILIKE ? ESCAPE '\' ORDER BY "name" DESC LIMIT ? OFFSET ?`,
		`SELECT count(*) FROM "people" WHERE "name"::VARCHAR IN (?, ?) AND "township"::VARCHAR IN (?) AND concat_ws(' ', coalesce("id"::VARCHAR, ''), coalesce("name"::VARCHAR, ''), coalesce("township"::VARCHAR, '')) ILIKE ? ESCAPE '\'`,
	}
	for i, want := range wantSQL {
		if e.sql[i] != want {
			t.Errorf("statement %d:\n%s\nwant\n%s", i, e.sql[i], want)
		}
		if strings.Contains(e.sql[i], "DROP") || strings.Contains(e.sql[i], "Aung") {
			t.Errorf("a value reached the statement's text: %s", e.sql[i])
		}
	}
	wantArgs := []any{evil, "Aung", "Bahan", `%50\%\_off%`, 5, 10}
	if got := e.args[0]; len(got) != len(wantArgs) {
		t.Fatalf("args %v, want %v", got, wantArgs)
	}
	for i, a := range wantArgs {
		if e.args[0][i] != a {
			t.Errorf("arg %d = %v, want %v", i, e.args[0][i], a)
		}
	}
}

func TestDatastoreRefusesUnknownNames(t *testing.T) {
	cat, _ := newTestCatalog(t)
	e := &recorder{}
	q := NewQueries(cat, e, DefaultLimits)
	for _, tc := range []struct {
		req  DatastoreRequest
		code string
		msg  string
	}{
		{DatastoreRequest{Dataset: "people", Fields: []string{`id" FROM x --`}}, govlake.EINVALID, `fields: field "id\" FROM x --" not in the table`},
		{DatastoreRequest{Dataset: "people", Filters: map[string][]string{"age": {"3"}}}, govlake.EINVALID, `filters: field "age" not in the table`},
		{DatastoreRequest{Dataset: "people", Sort: []SortKey{{Field: "1; DROP"}}}, govlake.EINVALID, `sort: field "1; DROP" not in the table`},
		{DatastoreRequest{Dataset: "nope"}, govlake.ENOTFOUND, `Not found: Resource "nope" was not found.`},
	} {
		_, err := q.Datastore(context.Background(), tc.req)
		if govlake.ErrorCode(err) != tc.code || govlake.ErrorMessage(err) != tc.msg {
			t.Errorf("%+v: %s %q, want %s %q", tc.req, govlake.ErrorCode(err), govlake.ErrorMessage(err), tc.code, tc.msg)
		}
	}
	if len(e.sql) != 0 {
		t.Errorf("refused requests ran %v", e.sql)
	}
}

// Every kind of query waits for a slot: with the only slot taken and no
// room to wait, previews, rejections, datastore and users' SQL are all
// turned away; with room to wait, they wait QueueWait and then give up.
func TestLimiter(t *testing.T) {
	cat, _ := newTestCatalog(t)
	e := &recorder{block: make(chan struct{})}
	q := NewQueries(cat, e, Limits{Running: 1, Queued: 0, QueueWait: 50 * time.Millisecond, Timeout: time.Minute, MaxRows: 10})
	done := make(chan error)
	go func() { _, err := q.Run(context.Background(), "SELECT 1", Page{}); done <- err }()
	waitFor(t, func() bool { e.mu.Lock(); defer e.mu.Unlock(); return len(e.sql) == 1 })
	ctx := context.Background()
	calls := map[string]func() error{
		"preview":    func() error { _, err := q.Preview(ctx, "people", nil, PreviewOptions{}); return err },
		"rejections": func() error { _, _, err := q.Rejections(ctx, "people", 1, 10); return err },
		"datastore":  func() error { _, err := q.Datastore(ctx, DatastoreRequest{Dataset: "people", Limit: 1}); return err },
		"run":        func() error { _, err := q.Run(ctx, "SELECT 2", Page{}); return err },
		"stream": func() error {
			return q.Stream(ctx, "SELECT 2", func([]govlake.ResultColumn) error { return nil }, func([]any) error { return nil })
		},
	}
	for name, call := range calls {
		if err := call(); govlake.ErrorCode(err) != govlake.EBUSY {
			t.Errorf("%s with every slot taken: %v, want busy", name, err)
		}
	}
	waiting := NewQueries(cat, e, Limits{Running: 1, Queued: 1, QueueWait: 50 * time.Millisecond, Timeout: time.Minute})
	go waiting.Run(ctx, "SELECT 1", Page{})
	waitFor(t, func() bool { e.mu.Lock(); defer e.mu.Unlock(); return len(e.sql) == 2 })
	start := time.Now()
	_, err := waiting.Preview(ctx, "people", nil, PreviewOptions{})
	if govlake.ErrorCode(err) != govlake.EUNAVAILABLE || time.Since(start) < 50*time.Millisecond {
		t.Errorf("a queued query: %v after %s, want unavailable after the queue wait", err, time.Since(start))
	}
	close(e.block)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A query stopped at its timeout gives its slot back.
func TestTimeoutFreesSlot(t *testing.T) {
	cat, _ := newTestCatalog(t)
	e := &recorder{block: make(chan struct{})}
	q := NewQueries(cat, e, Limits{Running: 1, QueueWait: 10 * time.Millisecond, Timeout: 30 * time.Millisecond, MaxRows: 10})
	if _, err := q.Run(context.Background(), "SELECT 1", Page{}); govlake.ErrorCode(err) != govlake.ETIMEOUT {
		t.Fatalf("got %v, want a timeout", err)
	}
	close(e.block)
	res, err := q.Run(context.Background(), "SELECT 1", Page{})
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("after a timeout: %v %v", res, err)
	}
}

// A page after the first is the user's statement inside another, with the
// offset bound; a trailing comment cannot swallow the wrapper.
func TestRunPaging(t *testing.T) {
	cat, _ := newTestCatalog(t)
	e := &recorder{}
	q := NewQueries(cat, e, Limits{Running: 1, MaxRows: 100})
	res, err := q.Run(context.Background(), "SELECT 1; -- note", Page{Limit: 500, Offset: 20})
	if err != nil {
		t.Fatal(err)
	}
	if want := "SELECT * FROM (SELECT 1; -- note\n) AS page OFFSET ?"; e.sql[0] != want || e.args[0][0] != 20 {
		t.Errorf("sent %q %v, want %q [20]", e.sql[0], e.args[0], want)
	}
	if len(res.Rows) != 1 || res.Truncated {
		t.Errorf("result %+v", res)
	}
	if _, err := q.Run(context.Background(), "SELECT 1", Page{Offset: -1}); govlake.ErrorCode(err) != govlake.EINVALID {
		t.Errorf("negative offset: %v", err)
	}
}

func TestBindSaved(t *testing.T) {
	sq := &govlake.SavedQuery{Name: "by_year", SQL: "SELECT * FROM gdp WHERE year = $year AND code = $code",
		Params: []govlake.QueryParam{{Name: "year", Type: "integer", Required: true}, {Name: "code", Type: "string", Default: "MMR"}}}
	args, err := BindSaved(sq, map[string][]string{"year": {"2020"}, "format": {"csv"}}, "format")
	if err != nil || len(args) != 2 {
		t.Fatalf("%v %v", args, err)
	}
	_, err = BindSaved(sq, map[string][]string{"year": {"twenty"}, "colour": {"red"}})
	if want := `query by_year: unknown parameter colour; year: "twenty" is not a valid integer`; govlake.ErrorMessage(err) != want {
		t.Errorf("%q, want %q", govlake.ErrorMessage(err), want)
	}
	_, err = BindSaved(sq, nil)
	if want := `query by_year: year is required`; govlake.ErrorMessage(err) != want {
		t.Errorf("%q, want %q", govlake.ErrorMessage(err), want)
	}
}

func TestSearch(t *testing.T) {
	cat, _ := newTestCatalog(t)
	ctx := context.Background()
	for _, tc := range []struct {
		req  SearchRequest
		want string
	}{
		{SearchRequest{Rows: 10}, "budget people"},
		{SearchRequest{Words: []string{"YANGON"}, Rows: 10}, "people"},
		{SearchRequest{Filters: map[string][]string{"tags": {"health"}}, Sort: "title", Desc: true, Rows: 10}, "people budget"},
		{SearchRequest{Filters: map[string][]string{"tags": {"health"}, "organization": {"mof"}}, Rows: 10}, "budget"},
		{SearchRequest{Filters: map[string][]string{"license": {"CC-BY-4.0"}}, Rows: 10}, "people"},
		{SearchRequest{Rows: 1, Start: 1}, "people"},
	} {
		res, err := cat.Search(ctx, tc.req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range res.Datasets {
			ids = append(ids, d.ID)
		}
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.req, got, tc.want)
		}
	}
	if _, err := cat.Search(ctx, SearchRequest{Filters: map[string][]string{"colour": {"red"}}}); govlake.ErrorCode(err) != govlake.EINVALID {
		t.Errorf("unknown filter: %v", err)
	}
}

// A store that cannot be reached is "unavailable", its cause said once.
func TestStoreOutage(t *testing.T) {
	cat, st := newTestCatalog(t)
	st.fail = &fs.PathError{Op: "dial", Path: "tcp", Err: errors.New("connection refused")}
	_, err := cat.Datasets(context.Background())
	if govlake.ErrorCode(err) != govlake.EUNAVAILABLE {
		t.Fatalf("got %v", err)
	}
	if msg := err.Error(); strings.Count(msg, "connection refused") != 1 {
		t.Errorf("the cause is printed %d times: %s", strings.Count(msg, "connection refused"), msg)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(time.Millisecond)
	}
}

// With a TTL, a request is answered from the snapshot held while the
// refresh waits on the store behind it.
func TestRequestsDoNotWaitForTheStore(t *testing.T) {
	cat, st := newTestCatalog(t)
	cat.TTL = time.Millisecond
	ctx := context.Background()
	if ds, err := cat.Datasets(ctx); err != nil || len(ds) != 2 {
		t.Fatalf("first read: %v %v", ds, err)
	}
	hold := make(chan struct{})
	st.mu.Lock()
	st.hold = hold
	st.mu.Unlock()
	defer close(hold)
	time.Sleep(5 * time.Millisecond)
	for i := 0; i < 3; i++ {
		start := time.Now()
		ds, err := cat.Datasets(ctx)
		if err != nil || len(ds) != 2 {
			t.Fatalf("read %d: %v %v", i, ds, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("read %d waited %s for the store", i, d)
		}
	}
	if !cat.refreshing.Load() {
		t.Fatal("no refresh is waiting on the store: the test tested nothing")
	}
}

// A catalogue whose reads of the store stopped (no follower, or the store
// down) reads again at the next Refresh, and so fails readiness checks
// with the store's error; within the grace it answers from what it holds.
func TestRefreshAfterLongSilence(t *testing.T) {
	cat, st := newTestCatalog(t)
	cat.TTL = time.Second
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	cat.now = func() time.Time { return now }
	ctx := context.Background()
	if err := cat.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	st.fail = errors.New("connection refused")
	now = now.Add(20 * time.Second)
	if err := cat.Refresh(ctx); err != nil {
		t.Fatalf("within the grace: %v", err)
	}
	now = now.Add(20 * time.Second)
	if err := cat.Refresh(ctx); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("after 40 s without a read: %v", err)
	}
}

// A refresh reads what changed and nothing else: one listing of the log
// when nothing did, and one read more per change, however many datasets.
func TestRefreshCostsAListingAndAReadPerChange(t *testing.T) {
	cat, st := newTestCatalog(t)
	ctx := context.Background()
	if err := cat.RefreshNow(ctx); err != nil { // a store never indexed: listed once
		t.Fatal(err)
	}
	count := func() (int, int) {
		st.mu.Lock()
		defer st.mu.Unlock()
		g, l := st.gets, st.lists
		st.gets, st.lists = 0, 0
		return g, l
	}
	count()
	if err := cat.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	if g, l := count(); g != 0 || l != 1 {
		t.Errorf("a refresh with nothing new: %d reads, %d listings; want 0 and 1", g, l)
	}
	meta := govlake.Metadata{ID: "budget", Title: "Budget, revised", Organization: "mof"}
	if err := govlake.AppendChange(ctx, st, &govlake.Change{Kind: govlake.ChangeMetadata, Dataset: "budget", Meta: &meta}); err != nil {
		t.Fatal(err)
	}
	count()
	if err := cat.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	if g, l := count(); g != 1 || l != 1 {
		t.Errorf("a refresh with one change: %d reads, %d listings; want 1 and 1", g, l)
	}
	d, err := cat.Dataset(ctx, "budget")
	if err != nil || d.Title != "Budget, revised" {
		t.Fatalf("after the change: %v %v", d, err)
	}
}
