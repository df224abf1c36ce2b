package main

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// typeCase is one DuckDB type, and what each format must give back for
// `SELECT <expr> AS v`, read with a reader that is not govlake's:
// encoding/json (numbers kept as written), encoding/csv, DuckDB's own
// Parquet reader (its type and the value as VARCHAR) and arrow-go's IPC
// reader (the Arrow type and the value as arrow-go prints it).
type typeCase struct {
	expr    string
	json    string // the value as JSON text, as encoding/json reads it
	csv     string
	pqType  string
	pqValue string
	arType  string
	arValue string
}

var typeCases = []typeCase{
	{"(-128)::TINYINT", `-128`, "-128", "BIGINT", "-128", "int64", "-128"},
	{"32767::SMALLINT", `32767`, "32767", "BIGINT", "32767", "int64", "32767"},
	{"2147483647::INTEGER", `2147483647`, "2147483647", "BIGINT", "2147483647", "int64", "2147483647"},
	{"9223372036854775807::BIGINT", `9223372036854775807`, "9223372036854775807", "BIGINT", "9223372036854775807", "int64", "9223372036854775807"},
	{"255::UTINYINT", `255`, "255", "BIGINT", "255", "int64", "255"},
	{"65535::USMALLINT", `65535`, "65535", "BIGINT", "65535", "int64", "65535"},
	{"4294967295::UINTEGER", `4294967295`, "4294967295", "BIGINT", "4294967295", "int64", "4294967295"},
	{"18446744073709551615::UBIGINT", `18446744073709551615`, "18446744073709551615", "UBIGINT", "18446744073709551615", "uint64", "18446744073709551615"},
	{"9007199254740993::HUGEINT", `9007199254740993`, "9007199254740993", "DECIMAL(38,0)", "9007199254740993", "decimal(38, 0)", "9007199254740993"},
	{"-12345678901234567890123456789012345678::HUGEINT", `-12345678901234567890123456789012345678`, "-12345678901234567890123456789012345678", "DECIMAL(38,0)", "-12345678901234567890123456789012345678", "decimal(38, 0)", "-12345678901234567890123456789012345678"},
	{"(SELECT sum(x) FROM (VALUES (9223372036854775807), (9223372036854775807)) t(x))", `18446744073709551614`, "18446744073709551614", "DECIMAL(38,0)", "18446744073709551614", "decimal(38, 0)", "18446744073709551614"},
	{"123::UHUGEINT", `123`, "123", "DECIMAL(38,0)", "123", "decimal(38, 0)", "123"},
	{"12.50::DECIMAL(4,2)", `12.50`, "12.50", "DECIMAL(4,2)", "12.50", "decimal(4, 2)", "12.5"},
	{"-123456789012345678901234567.0123456789::DECIMAL(38,10)", `-123456789012345678901234567.0123456789`, "-123456789012345678901234567.0123456789", "DECIMAL(38,10)", "-123456789012345678901234567.0123456789", "decimal(38, 10)", "-123456789012345678901234567.0123456789"},
	{"1.1::FLOAT", `1.1`, "1.1", "DOUBLE", "1.1", "float64", "1.1"},
	{"0.1::DOUBLE", `0.1`, "0.1", "DOUBLE", "0.1", "float64", "0.1"},
	{"true", `true`, "true", "BOOLEAN", "true", "bool", "true"},
	{"'Hà Nội'", `"Hà Nội"`, "Hà Nội", "VARCHAR", "Hà Nội", "utf8", "Hà Nội"},
	{"'\\x00\\xFFab'::BLOB", `"AP9hYg=="`, "AP9hYg==", "BLOB", "\\x00\\xFFab", "binary", "AP9hYg=="},
	{"DATE '2024-02-29'", `"2024-02-29"`, "2024-02-29", "DATE", "2024-02-29", "date32", "2024-02-29"},
	{"TIME '13:14:15.123456'", `"13:14:15.123456"`, "13:14:15.123456", "TIME", "13:14:15.123456", "time64[us]", "13:14:15.123456"},
	{"TIMETZ '13:14:15+02'", `"13:14:15+02:00"`, "13:14:15+02:00", "VARCHAR", "13:14:15+02:00", "utf8", "13:14:15+02:00"},
	{"TIMESTAMP '2024-01-02 03:04:05.123456'", `"2024-01-02T03:04:05.123456"`, "2024-01-02T03:04:05.123456", "TIMESTAMP", "2024-01-02 03:04:05.123456", "timestamp[us]", "2024-01-02T03:04:05.123456"},
	{"TIMESTAMP_NS '2024-01-02 03:04:05.123456789'", `"2024-01-02T03:04:05.123456789"`, "2024-01-02T03:04:05.123456789", "TIMESTAMP_NS", "2024-01-02 03:04:05.123456789", "timestamp[ns]", "2024-01-02T03:04:05.123456789"},
	{"TIMESTAMPTZ '2024-01-02 03:04:05.5+00'", `"2024-01-02T03:04:05.5Z"`, "2024-01-02T03:04:05.5Z", "TIMESTAMP WITH TIME ZONE", "2024-01-02 03:04:05.5+00", "timestamp[us, tz=UTC]", "2024-01-02T03:04:05.5Z"},
	{"INTERVAL '1 year 2 months 3 days 04:05:06.5'", `"P1Y2M3DT4H5M6.5S"`, "P1Y2M3DT4H5M6.5S", "VARCHAR", "P1Y2M3DT4H5M6.5S", "utf8", "P1Y2M3DT4H5M6.5S"},
	{"'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID", `"6ba7b810-9dad-11d1-80b4-00c04fd430c8"`, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "VARCHAR", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "utf8", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
	{"[1, 2, NULL]::INTEGER[]", `[1,2,null]`, "[1,2,null]", "VARCHAR", "[1,2,null]", "utf8", "[1,2,null]"},
	{"{'a': 1, 'b': 'x'}", `{"a":1,"b":"x"}`, `{"a":1,"b":"x"}`, "VARCHAR", `{"a":1,"b":"x"}`, "utf8", `{"a":1,"b":"x"}`},
	{"MAP {1: 'one'}", `[{"key":1,"value":"one"}]`, `[{"key":1,"value":"one"}]`, "VARCHAR", `[{"key":1,"value":"one"}]`, "utf8", `[{"key":1,"value":"one"}]`},
	{"NULL::INTEGER", `null`, "", "BIGINT", "NULL", "int64", "(null)"},
}

// Every DuckDB type a query can return encodes in every format, exactly:
// no connection is dropped, no digit is lost, a naive TIMESTAMP is not made
// UTC, and each format reads back with an independent reader.
func TestEveryTypeInEveryFormat(t *testing.T) {
	base := bundledCatalog(t)
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	dir := t.TempDir()
	for i, tc := range typeCases {
		t.Run(tc.expr, func(t *testing.T) {
			q := base + "/api/v1/query?sql=" + url.QueryEscape("SELECT "+tc.expr+" AS v") + "&format="
			_, b := download(t, q+"json")
			var res struct{ Rows [][]json.RawMessage }
			if err := json.Unmarshal(b, &res); err != nil || len(res.Rows) != 1 {
				t.Fatalf("json: %v %s", err, b)
			}
			var compact bytes.Buffer
			json.Compact(&compact, res.Rows[0][0])
			if got := compact.String(); got != tc.json {
				t.Errorf("json: %s, want %s", got, tc.json)
			}
			_, b = download(t, q+"ndjson")
			var line map[string]json.RawMessage
			if err := json.Unmarshal(b, &line); err != nil || string(line["v"]) != tc.json {
				t.Errorf("ndjson: %s (%v), want v = %s", b, err, tc.json)
			}
			_, b = download(t, q+"csv")
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil || len(recs) != 2 || recs[0][0] != "v" || recs[1][0] != tc.csv {
				t.Errorf("csv: %q (%v), want %q", recs, err, tc.csv)
			}
			_, b = download(t, q+"parquet")
			path := filepath.Join(dir, strings.Repeat("p", i+1)+".parquet")
			os.WriteFile(path, b, 0o644)
			var typ string
			var val sql.NullString
			if err := db.QueryRow("SELECT typeof(v), v::VARCHAR FROM read_parquet(?)", path).Scan(&typ, &val); err != nil {
				t.Fatalf("parquet: %v", err)
			}
			if got := nullText(val); typ != tc.pqType || got != tc.pqValue {
				t.Errorf("parquet: %s %q, want %s %q", typ, got, tc.pqType, tc.pqValue)
			}
			_, b = download(t, q+"arrow")
			rd, err := ipc.NewReader(bytes.NewReader(b))
			if err != nil || !rd.Next() {
				t.Fatalf("arrow: %v", err)
			}
			col := rd.RecordBatch().Column(0)
			if got, v := col.DataType().String(), col.ValueStr(0); got != tc.arType || v != tc.arValue {
				t.Errorf("arrow: %s %q, want %s %q", got, v, tc.arType, tc.arValue)
			}
			rd.Release()
		})
	}
}

func nullText(s sql.NullString) string {
	if !s.Valid {
		return "NULL"
	}
	return s.String
}
