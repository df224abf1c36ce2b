package govlake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Store is the object store, the single source of truth. Keys are
// slash-separated paths such as datasets/population/versions/00000001/manifest.json.
type Store interface {
	// Get opens an object. It fails with ENOTFOUND if there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Put writes an object whole, replacing any previous one. Readers see the
	// old object or the new one, never a part.
	Put(ctx context.Context, key string, r io.Reader) error
	// Create writes an object only if none exists at key, atomically; it fails
	// with ECONFLICT if one does.
	Create(ctx context.Context, key string, r io.Reader) error
	// List returns the objects whose keys start with prefix, in key order.
	List(ctx context.Context, prefix string) ([]ObjectInfo, error)
	// Delete removes an object; deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error
}

// ListerAfter is a store that lists only the keys after a given one, in
// key order: reading what was appended to a folder of sequence-numbered
// objects costs one request however long the folder is.
type ListerAfter interface {
	ListAfter(ctx context.Context, prefix, after string) ([]ObjectInfo, error)
}

// ObjectInfo describes one stored object.
type ObjectInfo struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// Store keys. Version numbers are zero-padded so that keys sort in version order.
func DatasetPrefix(id string) string        { return "datasets/" + id + "/" }
func DatasetKey(id string) string           { return DatasetPrefix(id) + "dataset.json" }
func VersionsPrefix(id string) string       { return DatasetPrefix(id) + "versions/" }
func VersionPrefix(id string, n int) string { return fmt.Sprintf("%s%08d/", VersionsPrefix(id), n) }
func ManifestKey(id string, n int) string   { return VersionPrefix(id, n) + "manifest.json" }
func ClaimKey(id string, n int) string      { return VersionPrefix(id, n) + "claim.json" }
func PartKey(id string, n, k int) string {
	return fmt.Sprintf("%spart-%05d.parquet", VersionPrefix(id, n), k)
}
func RejectedKey(id string, n int) string { return VersionPrefix(id, n) + "rejected.parquet" }
func RawKey(id, sha256 string) string     { return DatasetPrefix(id) + "raw/" + sha256 }
func RunsPrefix(pipeline string) string   { return "runs/" + pipeline + "/" }

// A dataset's Apache Iceberg table lives at datasets/<id>, where a Hadoop
// catalog with the store's root as warehouse and namespace "datasets" looks
// for it: metadata/v<N>.metadata.json, with N in metadata/version-hint.text.
func TableMetadataPrefix(id string) string { return DatasetPrefix(id) + "metadata/" }
func TableHintKey(id string) string        { return TableMetadataPrefix(id) + "version-hint.text" }
func TableMetadataKey(id string, n int) string {
	return fmt.Sprintf("%sv%d.metadata.json", TableMetadataPrefix(id), n)
}

// LeaseKey names the lease on one scheduled time of a pipeline: whichever
// daemon creates it runs that time.
func LeaseKey(pipeline string, at time.Time) string {
	return "leases/" + pipeline + "/" + at.UTC().Format("20060102T150405Z") + ".json"
}

// RunKey names a run record; the time first makes keys sort by start.
func RunKey(pipeline string, start time.Time, runID string) string {
	return RunsPrefix(pipeline) + start.UTC().Format("20060102T150405.000Z") + "-" + runID + ".json"
}

// ParseVersionKey returns the version number of a key under a dataset's
// versions/ folder, and whether the key is that version's manifest.
func ParseVersionKey(id, key string) (n int, manifest bool, ok bool) {
	rest, found := strings.CutPrefix(key, VersionsPrefix(id))
	if !found {
		return 0, false, false
	}
	num, file, found := strings.Cut(rest, "/")
	if !found {
		return 0, false, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, false, false
	}
	return n, file == "manifest.json", true
}

// Localizer gives a local file path for a stored object, for engines such as
// DuckDB that read files. A local-folder store returns its own file; a remote
// store goes through a cache.
type Localizer interface {
	LocalPath(ctx context.Context, key string) (string, error)
}

// Versions lists the committed versions of a dataset, oldest first. A version
// exists if and only if its manifest does.
func Versions(ctx context.Context, s Store, id string) ([]int, error) {
	objs, err := s.List(ctx, VersionsPrefix(id))
	if err != nil {
		return nil, err
	}
	var out []int
	for _, o := range objs {
		if n, manifest, ok := ParseVersionKey(id, o.Key); ok && manifest {
			out = append(out, n)
		}
	}
	return out, nil
}

// LatestManifest returns the newest committed version's manifest that was
// not withdrawn, or nil.
func LatestManifest(ctx context.Context, s Store, id string) (*Manifest, error) {
	vs, err := Versions(ctx, s, id)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	gone, err := Withdrawn(ctx, s, id)
	if err != nil {
		return nil, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if gone[vs[i]] == nil {
			return ReadManifest(ctx, s, id, vs[i])
		}
	}
	return nil, nil
}

// ReadManifest reads one version's manifest.
func ReadManifest(ctx context.Context, s Store, id string, n int) (*Manifest, error) {
	var m Manifest
	if err := ReadJSON(ctx, s, ManifestKey(id, n), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ReadJSON decodes the object at key into v.
func ReadJSON(ctx context.Context, s Store, key string, v any) error {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}
