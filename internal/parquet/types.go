package parquet

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"govlake/internal/govlake"
)

// field is a column as an Arrow field. A column whose engine type is not
// its stored type names that type in the field's metadata.
func field(c govlake.Column) (arrow.Field, error) {
	t, err := arrowType(c)
	if err != nil {
		return arrow.Field{}, fmt.Errorf("column %q: %w", c.Name, err)
	}
	f := arrow.Field{Name: c.Name, Type: t, Nullable: c.Nullable}
	if c.Source != "" {
		f.Metadata = arrow.NewMetadata([]string{"govlake:source_type"}, []string{c.Source})
	}
	return f, nil
}

func arrowType(c govlake.Column) (arrow.DataType, error) {
	switch c.Type {
	case govlake.TypeInt64:
		return arrow.PrimitiveTypes.Int64, nil
	case govlake.TypeUint64:
		return arrow.PrimitiveTypes.Uint64, nil
	case govlake.TypeFloat64:
		return arrow.PrimitiveTypes.Float64, nil
	case govlake.TypeDecimal:
		if c.Precision < 1 || c.Precision > 38 || c.Scale < 0 || c.Scale > c.Precision {
			return nil, fmt.Errorf("decimal(%d,%d) is not a decimal Parquet can hold", c.Precision, c.Scale)
		}
		return &arrow.Decimal128Type{Precision: int32(c.Precision), Scale: int32(c.Scale)}, nil
	case govlake.TypeBool:
		return arrow.FixedWidthTypes.Boolean, nil
	case govlake.TypeDate:
		return arrow.FixedWidthTypes.Date32, nil
	case govlake.TypeTime:
		return arrow.FixedWidthTypes.Time64us, nil
	case govlake.TypeTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, nil
	case govlake.TypeTimestampLocal:
		return &arrow.TimestampType{Unit: arrow.Microsecond}, nil
	case govlake.TypeTimestampNS:
		return &arrow.TimestampType{Unit: arrow.Nanosecond}, nil
	case govlake.TypeString:
		return arrow.BinaryTypes.String, nil
	case govlake.TypeBinary:
		return arrow.BinaryTypes.Binary, nil
	}
	return nil, fmt.Errorf("unknown column type %q", c.Type)
}

// Layouts of the text forms of query results' dates and times.
const (
	naiveLayout = "2006-01-02T15:04:05.999999999"
	timeLayout  = "15:04:05.999999"
)

// parseTimestamp reads a timestamp column's text: RFC 3339 with a zone for
// TypeTimestamp, without one for the naive types.
func parseTimestamp(col govlake.Column, s string) (arrow.Timestamp, error) {
	switch col.Type {
	case govlake.TypeTimestampLocal, govlake.TypeTimestampNS:
		t, err := time.Parse(naiveLayout, s)
		if err != nil {
			return 0, fmt.Errorf("column %q: %q is not a date-time without a zone (YYYY-MM-DDTHH:MM:SS)", col.Name, s)
		}
		if col.Type == govlake.TypeTimestampNS {
			return arrow.Timestamp(t.UnixNano()), nil
		}
		return arrow.Timestamp(t.UnixMicro()), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("column %q: %q is not a date-time (RFC 3339)", col.Name, s)
	}
	return arrow.Timestamp(t.UnixMicro()), nil
}

// appendResultValue appends a value of the types only query results have.
func appendResultValue(fb array.Builder, col govlake.Column, v any) error {
	switch b := fb.(type) {
	case *array.Uint64Builder:
		switch x := v.(type) {
		case uint64:
			b.Append(x)
			return nil
		case int64:
			if x >= 0 {
				b.Append(uint64(x))
				return nil
			}
		}
	case *array.Decimal128Builder:
		var text string
		switch x := v.(type) {
		case json.Number:
			text = string(x)
		case int64:
			text = fmt.Sprint(x)
		case string:
			text = x
		default:
			break
		}
		if text == "" {
			break
		}
		typ := b.Type().(*arrow.Decimal128Type)
		d, err := decimal128.FromString(text, typ.Precision, typ.Scale)
		if err != nil || !d.FitsInPrecision(typ.Precision) {
			return fmt.Errorf("column %q: %s does not fit decimal(%d,%d); ask for csv or json, or cast it to VARCHAR", col.Name, text, typ.Precision, typ.Scale)
		}
		b.Append(d)
		return nil
	case *array.Time64Builder:
		if s, ok := v.(string); ok {
			t, err := time.Parse(timeLayout, s)
			if err != nil {
				return fmt.Errorf("column %q: %q is not a time (HH:MM:SS)", col.Name, s)
			}
			b.Append(arrow.Time64(t.Sub(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)).Microseconds()))
			return nil
		}
	case *array.BinaryBuilder:
		if x, ok := v.([]byte); ok {
			b.Append(x)
			return nil
		}
	}
	return fmt.Errorf("column %q: value %v (%T) does not fit type %s", col.Name, v, v, col.Type)
}
