package iceberg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	iceberg "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"

	"govlake/internal/govlake"
)

// tableSpace makes a dataset's table UUID from its id, so that a rebuilt
// table is the same table to an engine.
var tableSpace = uuid.MustParse("6f1b3d1e-5a7c-4c2e-9a51-0c7a1e2b9d44")

// build makes a table's metadata from its snapshots, in version order:
// each snapshot's schema, the snapshot, and the main branch moved to it,
// so the snapshot log is the versions' history.
func (t *Tables) build(id string, st *state) (table.Metadata, error) {
	b, err := table.NewMetadataBuilder(2)
	if err != nil {
		return nil, err
	}
	steps := []func() error{
		func() error { return b.SetUUID(uuid.NewSHA1(tableSpace, []byte(id))) },
		func() error { return b.SetLoc(t.location(id)) },
		// The spec and the sort order need a current schema: the first.
		func() error {
			if len(st.snaps) == 0 {
				return b.AddSchema(iceberg.NewSchema(0))
			}
			return b.AddSchema(iceberg.NewSchema(0, st.snaps[0].schema.Fields()...))
		},
		func() error { return b.SetCurrentSchemaID(-1) },
		func() error { return b.AddPartitionSpec(iceberg.UnpartitionedSpec, true) },
		func() error { return b.SetDefaultSpecID(-1) },
		func() error { return b.AddSortOrder(&table.UnsortedSortOrder) },
		func() error { return b.SetDefaultSortOrderID(-1) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	var schemas []*iceberg.Schema
	var last int64
	var parent *int64
	for _, s := range st.snaps {
		sc := iceberg.NewSchema(0, s.schema.Fields()...)
		if err := b.AddSchema(sc); err != nil {
			return nil, fmt.Errorf("version %d's schema: %w", s.n, err)
		}
		if err := b.SetCurrentSchemaID(-1); err != nil {
			return nil, err
		}
		schemas = append(schemas, sc)
		schemaID := b.CurrentSchema().ID
		// A writer's clock behind the previous one's by more than Iceberg
		// allows (a minute) would make the table invalid: such a snapshot
		// takes the previous time.
		ms := max(s.ms, last)
		last = ms
		snapshot := table.Snapshot{SnapshotID: int64(s.n), ParentSnapshotID: parent, SequenceNumber: int64(s.n),
			TimestampMs: ms, ManifestList: s.list, Summary: s.summary, SchemaID: &schemaID}
		if err := b.AddSnapshot(&snapshot); err != nil {
			return nil, fmt.Errorf("version %d: %w", s.n, err)
		}
		if err := b.SetSnapshotRef(table.MainBranch, int64(s.n), table.BranchRef); err != nil {
			return nil, fmt.Errorf("version %d: %w", s.n, err)
		}
		p := int64(s.n)
		parent = &p
	}
	mapping, err := json.Marshal(nameMapping(schemas, st.extra))
	if err != nil {
		return nil, err
	}
	props := iceberg.Properties{table.DefaultNameMappingKey: string(mapping), propDataset: id}
	if st.history != "" {
		props[propHistory] = st.history
	}
	if err := b.SetProperties(props); err != nil {
		return nil, err
	}
	return b.Build()
}

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
	count := strconv.Itoa(len(m.Files))
	summary := &table.Summary{Operation: table.OpOverwrite, Properties: iceberg.Properties{
		"added-data-files": count, "added-records": strconv.FormatInt(rows, 10), "added-files-size": strconv.FormatInt(size, 10),
		"total-data-files": count, "total-records": strconv.FormatInt(rows, 10), "total-files-size": strconv.FormatInt(size, 10),
		"total-delete-files": "0", "total-position-deletes": "0", "total-equality-deletes": "0",
		propVersion: strconv.Itoa(n), propRunID: m.RunID,
	}}
	return snap{n: n, ms: m.CreatedAt.UnixMilli(), list: t.uri(listKey), schema: sc, summary: summary}, nil
}
