package pgwire

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	wire "github.com/jeroenrinzema/psql-wire"

	"govlake/internal/govlake"
)

const textOID = pgtype.TextOID

// oidOf is the PostgreSQL type a DuckDB result type is sent as. What
// PostgreSQL has no type for (lists, structs, maps, intervals, UUIDs) goes
// as text, written as the JSON API writes it.
func oidOf(duck string) uint32 {
	switch duck {
	case "BOOLEAN":
		return pgtype.BoolOID
	case "TINYINT", "SMALLINT", "UTINYINT":
		return pgtype.Int2OID
	case "INTEGER", "USMALLINT":
		return pgtype.Int4OID
	case "BIGINT", "UINTEGER":
		return pgtype.Int8OID
	case "FLOAT":
		return pgtype.Float4OID
	case "DOUBLE":
		return pgtype.Float8OID
	case "UBIGINT", "HUGEINT", "UHUGEINT":
		return pgtype.NumericOID
	case "DATE":
		return pgtype.DateOID
	case "TIME":
		return pgtype.TimeOID
	case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS":
		return pgtype.TimestampOID
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		return pgtype.TimestamptzOID
	case "BLOB":
		return pgtype.ByteaOID
	}
	if strings.HasPrefix(duck, "DECIMAL(") {
		return pgtype.NumericOID
	}
	return textOID
}

func wireColumns(cols []govlake.ResultColumn) wire.Columns {
	out := make(wire.Columns, len(cols))
	for i, c := range cols {
		out[i] = wire.Column{Name: c.Name, Oid: oidOf(c.Type), Width: -1, TypeModifier: -1}
	}
	return out
}

// wireRow converts a result row (the values the JSON API writes: numbers,
// ISO 8601 text for dates and times, json.Number for exact numbers) to
// the Go values pgx's codecs encode as each column's type, in text or
// binary as the client asks.
func wireRow(cols []govlake.ResultColumn, row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = wireValue(oidOf(cols[i].Type), v)
	}
	return out
}

func wireValue(oid uint32, v any) any {
	if v == nil {
		return nil
	}
	switch oid {
	case pgtype.NumericOID:
		var n pgtype.Numeric
		if err := n.Scan(fmt.Sprint(v)); err == nil {
			return n
		}
	case pgtype.Float4OID:
		if f, err := strconv.ParseFloat(fmt.Sprint(v), 32); err == nil {
			return float32(f)
		}
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.Float8OID, pgtype.BoolOID, pgtype.ByteaOID:
		return v
	case pgtype.DateOID:
		if t, err := time.Parse("2006-01-02", fmt.Sprint(v)); err == nil {
			return t
		}
	case pgtype.TimestampOID:
		if t, err := time.Parse("2006-01-02T15:04:05.999999999", fmt.Sprint(v)); err == nil {
			return t
		}
	case pgtype.TimestamptzOID:
		if t, err := time.Parse(time.RFC3339Nano, fmt.Sprint(v)); err == nil {
			return t
		}
	case pgtype.TimeOID:
		var t pgtype.Time
		if err := t.Scan(fmt.Sprint(v)); err == nil {
			return t
		}
	}
	return govlake.CellText(v)
}

// argument reads a bound parameter: as its declared type when the client
// named one, else as text, which DuckDB casts to what the query needs.
func argument(p wire.Parameter, oid uint32) (any, error) {
	if p.Value() == nil {
		return nil, nil
	}
	if (oid == 0 || oid == textOID) && p.Format() == wire.TextFormat {
		return string(p.Value()), nil
	}
	v, err := p.Scan(oid)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "a parameter of type %d could not be read: send it as text, or as the type the query compares it with", oid)
	}
	return v, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
