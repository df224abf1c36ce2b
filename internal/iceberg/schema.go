package iceberg

import (
	"fmt"
	"sort"

	iceberg "github.com/apache/iceberg-go"

	"govlake/internal/govlake"
)

// icebergType is a column's type in an Iceberg v2 table. Unsigned 64-bit
// integers and nanosecond timestamps have none (v2 has neither): such a
// column is left out of the table, and the table's properties say so.
func icebergType(c govlake.Column) (iceberg.Type, bool) {
	switch c.Type {
	case govlake.TypeInt64:
		return iceberg.PrimitiveTypes.Int64, true
	case govlake.TypeFloat64:
		return iceberg.PrimitiveTypes.Float64, true
	case govlake.TypeDecimal:
		return iceberg.DecimalTypeOf(c.Precision, c.Scale), true
	case govlake.TypeBool:
		return iceberg.PrimitiveTypes.Bool, true
	case govlake.TypeDate:
		return iceberg.PrimitiveTypes.Date, true
	case govlake.TypeTime:
		return iceberg.PrimitiveTypes.Time, true
	case govlake.TypeTimestamp:
		return iceberg.PrimitiveTypes.TimestampTz, true
	case govlake.TypeTimestampLocal:
		return iceberg.PrimitiveTypes.Timestamp, true
	case govlake.TypeString:
		return iceberg.PrimitiveTypes.String, true
	case govlake.TypeBinary:
		return iceberg.PrimitiveTypes.Binary, true
	}
	return nil, false
}

// fieldIDs gives columns their Iceberg field ids: a column keeps the id it
// had in the table's other schemas while its type stays the same, and a new
// column gets the next unused id. Parquet files written by govlake carry no
// field ids; the table's name mapping leads readers from names to ids.
//
// A column left out of the table still gets an id, kept in the name mapping
// only (extra): a reader maps every column of a file before projecting, and
// fails on one it cannot map.
type fieldIDs struct {
	byName map[string]iceberg.NestedField
	extra  map[string]int
	last   int
}

func newFieldIDs(schemas []*iceberg.Schema, extra map[string]int) *fieldIDs {
	f := &fieldIDs{byName: map[string]iceberg.NestedField{}, extra: map[string]int{}}
	for _, s := range schemas {
		for _, fl := range s.Fields() {
			f.byName[fl.Name] = fl
			f.last = max(f.last, fl.ID)
		}
	}
	for name, id := range extra {
		f.extra[name] = id
		f.last = max(f.last, id)
	}
	return f
}

// schema is a version's columns as an Iceberg schema, with the columns left
// out. A column whose type changed from what an earlier schema gave its
// name gets a new id (build then starts the table's history after the
// change: a name maps to one id).
func (f *fieldIDs) schema(cols []govlake.Column) (s *iceberg.Schema, omitted []string) {
	var fields []iceberg.NestedField
	for _, c := range cols {
		t, ok := icebergType(c)
		if !ok {
			omitted = append(omitted, fmt.Sprintf("%s (%s has no Iceberg v2 type)", c.Name, c.Type))
			if _, seen := f.extra[c.Name]; !seen {
				if old, seen := f.byName[c.Name]; seen {
					f.extra[c.Name] = old.ID
				} else {
					f.last++
					f.extra[c.Name] = f.last
				}
			}
			continue
		}
		fl := iceberg.NestedField{Name: c.Name, Type: t, Required: !c.Nullable}
		old, seen := f.byName[c.Name]
		switch {
		case seen && old.Type.Equals(t):
			fl.ID = old.ID
		default:
			f.last++
			fl.ID = f.last
			f.byName[c.Name] = fl
		}
		fields = append(fields, fl)
	}
	return iceberg.NewSchema(0, fields...), omitted
}

// nameMapping maps every column name of the schemas, and the columns left
// out, to its id. The schemas given never hold one name with two ids (see
// cutHistory).
func nameMapping(schemas []*iceberg.Schema, extra map[string]int) iceberg.NameMapping {
	ids := map[string]int{}
	for name, id := range extra {
		ids[name] = id
	}
	for _, s := range schemas {
		for _, fl := range s.Fields() {
			ids[fl.Name] = fl.ID
		}
	}
	out := make(iceberg.NameMapping, 0, len(ids))
	for name, id := range ids {
		out = append(out, iceberg.MappedField{Names: []string{name}, FieldID: &id})
	}
	sort.Slice(out, func(i, j int) bool { return *out[i].FieldID < *out[j].FieldID })
	return out
}
