package duckdb

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// jsonValue converts a scanned DuckDB value, of the DuckDB type typ, to a
// result value that encoding/json writes faithfully: nil, bool, int64,
// uint64, float64, string, []byte (BLOB), json.Number for numbers that must
// keep every digit (HUGEINT, UHUGEINT, BIGNUM, DECIMAL, FLOAT in its
// shortest form), []any and map[string]any. Dates and times are ISO 8601
// text: a TIMESTAMP without a zone stays without one, TIMESTAMPTZ is in
// UTC. An INTERVAL is an ISO 8601 duration, a UUID its usual text, a MAP a
// list of {key, value} (its keys need not be text).
func jsonValue(v any, typ string) any {
	switch x := v.(type) {
	case nil, bool, string, int64, uint64:
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint:
		return uint64(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil // JSON has no NaN or infinity
		}
		return x
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
		return json.Number(strconv.FormatFloat(float64(x), 'g', -1, 32))
	case *big.Int:
		return json.Number(x.String())
	case duckdb.Decimal:
		return json.Number(decimalText(x))
	case time.Time:
		return timeText(x, typ)
	case []byte:
		if typ == "UUID" && len(x) == 16 {
			h := hex.EncodeToString(x)
			return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		}
		return x
	case duckdb.UUID:
		return x.String()
	case duckdb.Interval:
		return intervalText(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e, "")
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e, "")
		}
		return out
	case duckdb.OrderedMap:
		keys, vals := x.Keys(), x.Values()
		out := make([]any, len(keys))
		for i := range keys {
			out[i] = map[string]any{"key": jsonValue(keys[i], ""), "value": jsonValue(vals[i], "")}
		}
		return out
	case duckdb.Union:
		return map[string]any{x.Tag: jsonValue(x.Value, "")}
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// decimalText writes a DECIMAL with every digit and its scale.
func decimalText(d duckdb.Decimal) string {
	digits := new(big.Int).Abs(d.Value).String()
	sign := ""
	if d.Value.Sign() < 0 {
		sign = "-"
	}
	scale := int(d.Scale)
	if scale == 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}

// timeText writes a date or time as ISO 8601, by its DuckDB type.
func timeText(t time.Time, typ string) string {
	switch {
	case typ == "DATE":
		return t.Format(time.DateOnly)
	case typ == "TIME":
		return t.Format("15:04:05.999999")
	case typ == "TIMETZ" || typ == "TIME WITH TIME ZONE":
		return t.Format("15:04:05.999999Z07:00")
	case typ == "TIMESTAMPTZ" || typ == "TIMESTAMP WITH TIME ZONE":
		return t.UTC().Format(time.RFC3339Nano)
	case strings.HasPrefix(typ, "TIMESTAMP"):
		// Naive: no zone was stored, so none is claimed.
		return t.Format("2006-01-02T15:04:05.999999999")
	}
	return t.Format(time.RFC3339Nano)
}

// intervalText writes an INTERVAL as an ISO 8601 duration: months, days
// and time are kept apart, as DuckDB keeps them.
func intervalText(iv duckdb.Interval) string {
	var b strings.Builder
	b.WriteString("P")
	if y, m := iv.Months/12, iv.Months%12; y != 0 || m != 0 {
		if y != 0 {
			fmt.Fprintf(&b, "%dY", y)
		}
		if m != 0 {
			fmt.Fprintf(&b, "%dM", m)
		}
	}
	if iv.Days != 0 {
		fmt.Fprintf(&b, "%dD", iv.Days)
	}
	if us := iv.Micros; us != 0 {
		b.WriteString("T")
		neg := us < 0
		if neg {
			us = -us
			b.WriteString("-")
		}
		h, m := us/3600e6, us/60e6%60
		if h != 0 {
			fmt.Fprintf(&b, "%dH", h)
		}
		if m != 0 {
			fmt.Fprintf(&b, "%dM", m)
		}
		if s := us % 60e6; s != 0 {
			b.WriteString(strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%06d", s/1e6, s%1e6), "0"), "."))
			b.WriteString("S")
		}
	}
	if b.Len() == 1 {
		return "PT0S"
	}
	return b.String()
}
