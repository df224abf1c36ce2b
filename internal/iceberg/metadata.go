package iceberg

import (
	"encoding/json"
	"strconv"

	iceberg "github.com/apache/iceberg-go"
	"github.com/google/uuid"

	"govlake/internal/govlake"
)

// The table metadata file (format version 2), written here rather than
// with iceberg-go's table package: that package parses Substrait's
// extension catalogue when a program starts (32 MB and 0.1 s), in ingest
// and the catalogue alike. Readers (the tests, engines) parse it with
// their own Iceberg libraries.
type metadata struct {
	FormatVersion      int                `json:"format-version"`
	TableUUID          string             `json:"table-uuid"`
	Location           string             `json:"location"`
	LastSequenceNumber int64              `json:"last-sequence-number"`
	LastUpdatedMS      int64              `json:"last-updated-ms"`
	LastColumnID       int                `json:"last-column-id"`
	CurrentSchemaID    int                `json:"current-schema-id"`
	Schemas            []*iceberg.Schema  `json:"schemas"`
	DefaultSpecID      int                `json:"default-spec-id"`
	PartitionSpecs     []specJSON         `json:"partition-specs"`
	LastPartitionID    int                `json:"last-partition-id"`
	DefaultSortOrderID int                `json:"default-sort-order-id"`
	SortOrders         []sortJSON         `json:"sort-orders"`
	Properties         map[string]string  `json:"properties"`
	CurrentSnapshotID  *int64             `json:"current-snapshot-id,omitempty"`
	Refs               map[string]refJSON `json:"refs"`
	Snapshots          []snapshotJSON     `json:"snapshots"`
	SnapshotLog        []logJSON          `json:"snapshot-log"`
	MetadataLog        []logJSON          `json:"metadata-log"`
}

type specJSON struct {
	SpecID int   `json:"spec-id"`
	Fields []any `json:"fields"`
}

type sortJSON struct {
	OrderID int   `json:"order-id"`
	Fields  []any `json:"fields"`
}

type refJSON struct {
	SnapshotID int64  `json:"snapshot-id"`
	Type       string `json:"type"`
}

type snapshotJSON struct {
	SnapshotID       int64             `json:"snapshot-id"`
	ParentSnapshotID *int64            `json:"parent-snapshot-id,omitempty"`
	SequenceNumber   int64             `json:"sequence-number"`
	TimestampMS      int64             `json:"timestamp-ms"`
	ManifestList     string            `json:"manifest-list"`
	Summary          map[string]string `json:"summary"`
	SchemaID         int               `json:"schema-id"`
}

type logJSON struct {
	SnapshotID  int64 `json:"snapshot-id,omitempty"`
	TimestampMS int64 `json:"timestamp-ms"`
}

// tableSpace makes a dataset's table UUID from its id, so that a rebuilt
// table is the same table to an engine.
var tableSpace = uuid.MustParse("6f1b3d1e-5a7c-4c2e-9a51-0c7a1e2b9d44")

// build makes a table's metadata from its snapshots, in version order: a
// schema per distinct column set, each snapshot with its schema, and a
// snapshot log that is the versions' history (the main branch moved to
// each in turn).
func (t *Tables) build(id string, st *state) ([]byte, error) {
	md := metadata{FormatVersion: 2, TableUUID: uuid.NewSHA1(tableSpace, []byte(id)).String(), Location: t.location(id),
		PartitionSpecs: []specJSON{{SpecID: 0, Fields: []any{}}}, LastPartitionID: 999,
		SortOrders: []sortJSON{{OrderID: 0, Fields: []any{}}}, Refs: map[string]refJSON{},
		Snapshots: []snapshotJSON{}, SnapshotLog: []logJSON{}, MetadataLog: []logJSON{}}
	var schemas []*iceberg.Schema
	schemaID := func(sc *iceberg.Schema) int {
		for _, s := range schemas {
			if s.Equals(sc) {
				return s.ID
			}
		}
		s := iceberg.NewSchema(len(schemas), sc.Fields()...)
		schemas = append(schemas, s)
		return s.ID
	}
	var last int64
	var parent *int64
	for _, s := range st.snaps {
		sid := schemaID(s.schema)
		// A writer's clock behind the previous one's by more than Iceberg
		// allows (a minute) would make the table invalid: such a snapshot
		// takes the previous time.
		ms := max(s.ms, last)
		last = ms
		n := int64(s.n)
		md.Snapshots = append(md.Snapshots, snapshotJSON{SnapshotID: n, ParentSnapshotID: parent, SequenceNumber: n,
			TimestampMS: ms, ManifestList: s.list, Summary: s.summary, SchemaID: sid})
		md.SnapshotLog = append(md.SnapshotLog, logJSON{SnapshotID: n, TimestampMS: ms})
		md.CurrentSchemaID, md.CurrentSnapshotID, md.LastSequenceNumber, md.LastUpdatedMS = sid, &n, n, ms
		md.Refs["main"] = refJSON{SnapshotID: n, Type: "branch"}
		parent = &n
	}
	if len(schemas) == 0 {
		schemas = append(schemas, iceberg.NewSchema(0))
	}
	md.Schemas = schemas
	for _, s := range schemas {
		md.LastColumnID = max(md.LastColumnID, s.HighestFieldID())
	}
	for _, id := range st.extra {
		md.LastColumnID = max(md.LastColumnID, id)
	}
	mapping, err := json.Marshal(nameMapping(schemas, st.extra))
	if err != nil {
		return nil, err
	}
	md.Properties = map[string]string{"schema.name-mapping.default": string(mapping), propDataset: id}
	if st.history != "" {
		md.Properties[propHistory] = st.history
	}
	return json.Marshal(md)
}

// parse reads a metadata file as build writes it: its snapshots with their
// schemas, its history note and the ids of columns left out.
func parse(data []byte, st *state) (location string, err error) {
	var md metadata
	if err := json.Unmarshal(data, &md); err != nil {
		return "", err
	}
	if md.FormatVersion != 2 {
		return "", govlake.Errorf(govlake.EINVALID, "format version %d", md.FormatVersion)
	}
	schemas := map[int]*iceberg.Schema{}
	inSchema := map[int]bool{}
	for _, s := range md.Schemas {
		schemas[s.ID] = s
		for _, fl := range s.Fields() {
			inSchema[fl.ID] = true
		}
	}
	for _, s := range md.Snapshots {
		sc := schemas[s.SchemaID]
		if sc == nil {
			return "", govlake.Errorf(govlake.EINVALID, "snapshot %d names schema %d, which the file lacks", s.SnapshotID, s.SchemaID)
		}
		st.snaps = append(st.snaps, snap{n: int(s.SnapshotID), ms: s.TimestampMS, list: s.ManifestList, schema: sc, summary: s.Summary})
	}
	st.history = md.Properties[propHistory]
	var mapping iceberg.NameMapping
	if err := json.Unmarshal([]byte(md.Properties["schema.name-mapping.default"]), &mapping); err != nil {
		return "", err
	}
	for _, mf := range mapping {
		if mf.FieldID != nil && !inSchema[*mf.FieldID] && len(mf.Names) > 0 {
			if st.extra == nil {
				st.extra = map[string]int{}
			}
			st.extra[mf.Names[0]] = *mf.FieldID
		}
	}
	return md.Location, nil
}

// summary is a snapshot's summary: the operation, counts, and the version.
func summary(m *govlake.Manifest, rows, size int64) map[string]string {
	files := strconv.Itoa(len(m.Files))
	return map[string]string{"operation": "overwrite",
		"added-data-files": files, "added-records": strconv.FormatInt(rows, 10), "added-files-size": strconv.FormatInt(size, 10),
		"total-data-files": files, "total-records": strconv.FormatInt(rows, 10), "total-files-size": strconv.FormatInt(size, 10),
		"total-delete-files": "0", "total-position-deletes": "0", "total-equality-deletes": "0",
		propVersion: strconv.Itoa(m.Version), propRunID: m.RunID,
	}
}
