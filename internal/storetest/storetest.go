// Package storetest is the contract every govlake.Store must meet, run by
// each store's tests against a real instance: the local folder, and an
// S3-compatible server.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"govlake/internal/govlake"
)

// Run runs the contract. newStore returns an empty store.
func Run(t *testing.T, newStore func(t *testing.T) govlake.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s govlake.Store)
	}{
		{"GetMissing", testGetMissing},
		{"PutGet", testPutGet},
		{"PutReplaces", testPutReplaces},
		{"CreateOnce", testCreateOnce},
		{"CreateRace", testCreateRace},
		{"List", testList},
		{"Delete", testDelete},
		{"Large", testLarge},
		{"ListAfter", testListAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func get(t *testing.T, s govlake.Store, key string) string {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(b)
}

func testGetMissing(t *testing.T, s govlake.Store) {
	_, err := s.Get(context.Background(), "datasets/none/dataset.json")
	if govlake.ErrorCode(err) != govlake.ENOTFOUND {
		t.Fatalf("got %v, want not found", err)
	}
}

func testPutGet(t *testing.T, s govlake.Store) {
	ctx := context.Background()
	if err := s.Put(ctx, "datasets/a/dataset.json", strings.NewReader(`{"id":"a"}`)); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "datasets/a/dataset.json"); got != `{"id":"a"}` {
		t.Fatalf("got %q", got)
	}
}

func testPutReplaces(t *testing.T, s govlake.Store) {
	ctx := context.Background()
	for _, v := range []string{"first version, longer", "second"} {
		if err := s.Put(ctx, "k/v.txt", strings.NewReader(v)); err != nil {
			t.Fatal(err)
		}
	}
	if got := get(t, s, "k/v.txt"); got != "second" {
		t.Fatalf("got %q, want the second write whole", got)
	}
}

func testCreateOnce(t *testing.T, s govlake.Store) {
	ctx := context.Background()
	key := govlake.ManifestKey("a", 1)
	if err := s.Create(ctx, key, strings.NewReader("winner")); err != nil {
		t.Fatal(err)
	}
	err := s.Create(ctx, key, strings.NewReader("loser"))
	if govlake.ErrorCode(err) != govlake.ECONFLICT {
		t.Fatalf("second create: %v, want conflict", err)
	}
	if got := get(t, s, key); got != "winner" {
		t.Fatalf("got %q: the second create overwrote the first", got)
	}
}

// testCreateRace has many writers create one key at once: exactly one wins
// and its content is what is stored.
func testCreateRace(t *testing.T, s govlake.Store) {
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		key := govlake.ClaimKey("race", round+1)
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := 0; i < writers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = s.Create(ctx, key, strings.NewReader(fmt.Sprintf("writer %d", i)))
			}(i)
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: writers %d and %d both created %s", round, winner, i, key)
			case err == nil:
				winner = i
			case govlake.ErrorCode(err) != govlake.ECONFLICT:
				t.Fatalf("round %d: writer %d: %v", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: nobody created %s", round, key)
		}
		if got := get(t, s, key); got != fmt.Sprintf("writer %d", winner) {
			t.Fatalf("round %d: stored %q, but writer %d won", round, got, winner)
		}
	}
}

func testList(t *testing.T, s govlake.Store) {
	ctx := context.Background()
	keys := []string{"datasets/b/versions/00000002/manifest.json", "datasets/a/dataset.json",
		"datasets/b/versions/00000001/manifest.json", "datasets/bb/dataset.json", "runs/b/1.json"}
	for _, k := range keys {
		if err := s.Put(ctx, k, strings.NewReader(k)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"datasets/b/", []string{"datasets/b/versions/00000001/manifest.json", "datasets/b/versions/00000002/manifest.json"}},
		{"datasets/b", []string{"datasets/b/versions/00000001/manifest.json", "datasets/b/versions/00000002/manifest.json", "datasets/bb/dataset.json"}},
		{"runs/", []string{"runs/b/1.json"}},
		{"nothing/", nil},
	}
	for _, tt := range tests {
		objs, err := s.List(ctx, tt.prefix)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range objs {
			got = append(got, o.Key)
			if o.Size != int64(len(o.Key)) {
				t.Errorf("%s: size %d, want %d", o.Key, o.Size, len(o.Key))
			}
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("List(%q) = %v, want %v", tt.prefix, got, tt.want)
		}
	}
}

// testListAfter runs for stores that list after a key.
func testListAfter(t *testing.T, s govlake.Store) {
	la, ok := s.(govlake.ListerAfter)
	if !ok {
		t.Skip("the store does not list after a key")
	}
	ctx := context.Background()
	for _, k := range []string{"index/log/000000000001.json", "index/log/000000000002.json", "index/log/000000000010.json", "index/snap/000000000002.json", "index/log0"} {
		if err := s.Put(ctx, k, strings.NewReader(k)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		after string
		want  []string
	}{
		{"", []string{"index/log/000000000001.json", "index/log/000000000002.json", "index/log/000000000010.json"}},
		{"index/log/000000000001.json", []string{"index/log/000000000002.json", "index/log/000000000010.json"}},
		{"index/log/000000000003.json", []string{"index/log/000000000010.json"}},
		{"index/log/000000000010.json", nil},
	}
	for _, tt := range tests {
		objs, err := la.ListAfter(ctx, "index/log/", tt.after)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range objs {
			got = append(got, o.Key)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("ListAfter(index/log/, %q) = %v, want %v", tt.after, got, tt.want)
		}
	}
}

func testDelete(t *testing.T, s govlake.Store) {
	ctx := context.Background()
	if err := s.Put(ctx, "x/y", strings.NewReader("1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "x/y"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "x/y"); govlake.ErrorCode(err) != govlake.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.Delete(ctx, "x/y"); err != nil {
		t.Fatalf("deleting a missing object: %v", err)
	}
	// A deleted conditional key can be created again.
	if err := s.Create(ctx, "x/y", strings.NewReader("2")); err != nil {
		t.Fatal(err)
	}
}

func testLarge(t *testing.T, s govlake.Store) {
	data := make([]byte, 24<<20+17)
	rand.Read(data)
	if err := s.Put(context.Background(), "big/part-00000.parquet", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "big/part-00000.parquet"); !bytes.Equal([]byte(got), data) {
		t.Fatalf("read back %d bytes, different from the %d written", len(got), len(data))
	}
}
