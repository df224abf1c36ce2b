package iceberg

import (
	"bytes"
	"context"
	"fmt"

	iceberg "github.com/apache/iceberg-go"

	"govlake/internal/govlake"
)

// files writes a version's Iceberg manifest (its Parquet files, added in
// its snapshot) and manifest list, and returns its snapshot.
func (t *Tables) files(ctx context.Context, m *govlake.Manifest, sc *iceberg.Schema, parent *int64) (snap, error) {
	id, n := m.Dataset, m.Version
	sid, seq := int64(n), int64(n)
	entries := make([]iceberg.ManifestEntry, 0, len(m.Files))
	var rows, size int64
	for _, f := range m.Files {
		df, err := iceberg.NewDataFileBuilder(*iceberg.UnpartitionedSpec, iceberg.EntryContentData, t.uri(f.Key),
			iceberg.ParquetFile, nil, nil, nil, f.Rows, f.Size)
		if err != nil {
			return snap{}, fmt.Errorf("Iceberg data file %s: %w", f.Key, err)
		}
		entries = append(entries, iceberg.NewManifestEntry(iceberg.EntryStatusADDED, &sid, nil, nil, df.Build()))
		rows += f.Rows
		size += f.Size
	}
	prefix := govlake.TableMetadataPrefix(id)
	manifestKey := fmt.Sprintf("%s%08d-m0.avro", prefix, n)
	var buf bytes.Buffer
	mf, err := iceberg.WriteManifest(t.uri(manifestKey), &buf, 2, *iceberg.UnpartitionedSpec, sc, sid, entries)
	if err != nil {
		return snap{}, fmt.Errorf("write Iceberg manifest of %s version %d: %w", id, n, err)
	}
	if err := t.store.Put(ctx, manifestKey, &buf); err != nil {
		return snap{}, fmt.Errorf("store %s: %w", manifestKey, err)
	}
	listKey := fmt.Sprintf("%ssnap-%08d.avro", prefix, n)
	buf.Reset()
	if err := iceberg.WriteManifestList(2, &buf, sid, parent, &seq, 0, []iceberg.ManifestFile{mf}); err != nil {
		return snap{}, fmt.Errorf("write Iceberg manifest list of %s version %d: %w", id, n, err)
	}
	if err := t.store.Put(ctx, listKey, &buf); err != nil {
		return snap{}, fmt.Errorf("store %s: %w", listKey, err)
	}
	return snap{n: n, ms: m.CreatedAt.UnixMilli(), list: t.uri(listKey), schema: sc, summary: summary(m, rows, size)}, nil
}
