package catalog

import (
	"fmt"
	"strings"

	"govlake/internal/govlake"
)

// ResultColumn gives the column type a result column is written as, from
// its DuckDB type name: the one map from DuckDB's types to govlake's. Exact
// numbers stay exact (DECIMAL as a decimal; HUGEINT and UHUGEINT as
// decimals of 38 digits; BIGNUM, which has no bound, as its digits in text),
// TIMESTAMP stays without a time zone, and what has no column type of its
// own (INTERVAL, UUID, LIST, STRUCT, MAP, UNION, JSON, TIMETZ) is text, with
// the DuckDB type named in Source.
func ResultColumn(c govlake.ResultColumn) govlake.Column {
	col := govlake.Column{Name: c.Name, Nullable: true, Type: govlake.TypeString}
	t := c.Type
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER":
		col.Type = govlake.TypeInt64
	case "UBIGINT":
		col.Type = govlake.TypeUint64
	case "FLOAT", "DOUBLE":
		col.Type = govlake.TypeFloat64
	case "BOOLEAN":
		col.Type = govlake.TypeBool
	case "DATE":
		col.Type = govlake.TypeDate
	case "TIME":
		col.Type = govlake.TypeTime
	case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS":
		col.Type = govlake.TypeTimestampLocal
	case "TIMESTAMP_NS":
		col.Type = govlake.TypeTimestampNS
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		col.Type = govlake.TypeTimestamp
	case "BLOB":
		col.Type = govlake.TypeBinary
	case "HUGEINT", "UHUGEINT":
		// A decimal of 38 digits holds all but the very largest; the
		// writer refuses those by name rather than round them.
		col.Type, col.Precision, col.Source = govlake.TypeDecimal, 38, t
	case "VARCHAR", "ENUM", "BIT":
	default:
		var p, s int
		if _, err := fmt.Sscanf(t, "DECIMAL(%d,%d)", &p, &s); err == nil && strings.HasSuffix(t, ")") {
			col.Type, col.Precision, col.Scale = govlake.TypeDecimal, p, s
			break
		}
		col.Source = t
	}
	return col
}

// ResultColumns maps every column of a result.
func ResultColumns(cols []govlake.ResultColumn) []govlake.Column {
	out := make([]govlake.Column, len(cols))
	for i, c := range cols {
		out[i] = ResultColumn(c)
	}
	return out
}
