package jsonschema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// both runs one record through the reference validator and the fast path
// and returns their violations, sorted, as text.
func both(t testing.TB, s *Schema, f *Fast, record map[string]any) (ref, fast string) {
	t.Helper()
	var labels []string
	for k := range record {
		labels = append(labels, k)
	}
	sort.Strings(labels)
	fc := f.Columns(labels)
	b := &tabular.Batch{N: 1, Cols: make([]tabular.Vector, len(labels))}
	for i, l := range labels {
		b.Cols[i] = vector(record[l])
	}
	var fv []govlake.Violation
	fc.Check(b, func(row int, v govlake.Violation) { fv = append(fv, v) })
	rv := s.Validate(record, nil)
	return text(rv), text(fv)
}

// vector holds one value in a one-row column of its own type, as the
// ingest's conversion leaves it.
func vector(v any) tabular.Vector {
	switch x := v.(type) {
	case int64:
		vec := tabular.NewVector(govlake.JSONInteger, 1)
		vec.Ints[0], vec.Present[0] = x, true
		return vec
	case float64:
		vec := tabular.NewVector(govlake.JSONNumber, 1)
		vec.Floats[0], vec.Present[0] = x, true
		return vec
	case bool:
		vec := tabular.NewVector(govlake.JSONBoolean, 1)
		vec.Bools[0], vec.Present[0] = x, true
		return vec
	}
	vec := tabular.NewVector(govlake.JSONString, 1)
	vec.Text[0], vec.Present[0] = v.(string), true
	return vec
}

func text(vs []govlake.Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Column+"|"+v.Keyword+"|"+v.Message)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

const fuzzSchema = `{
  "type": "object",
  "required": ["code", "n"],
  "properties": {
    "code": {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3, "maxLength": 3},
    "name": {"type": "string", "minLength": 1, "maxLength": 20},
    "n": {"type": "integer", "minimum": -5, "maximum": 1000, "multipleOf": 5},
    "x": {"type": ["number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 1.5, "multipleOf": 0.25},
    "kind": {"enum": ["a", "b", 3, 2.5]},
    "fixed": {"const": "yes"},
    "day": {"type": "string", "format": "date"},
    "at": {"type": "string", "format": "date-time"},
    "mail": {"type": "string", "format": "email"},
    "id": {"type": "string", "format": "uuid"},
    "ok": {"type": "boolean"}
  }
}`

// cellRecord converts cells as the ingest does: by the property's type.
func cellRecord(s *Schema, cells map[string]string) map[string]any {
	types := map[string]string{}
	for _, c := range s.Columns() {
		types[c.Name] = c.JSONType
	}
	rec := map[string]any{}
	for k, cell := range cells {
		jt := types[k]
		if jt == "" {
			jt = govlake.JSONString
		}
		v, present, ok := tabular.ConvertCell(cell, jt)
		if !present {
			continue
		}
		if !ok {
			v = cell
		}
		rec[k] = v
	}
	return rec
}

func FuzzFastAgreesWithReference(f *testing.F) {
	s, err := Compile("fuzz.schema.json", []byte(fuzzSchema))
	if err != nil {
		f.Fatal(err)
	}
	fast := s.Fast()
	if fast == nil {
		f.Fatal("no fast path for the fuzz schema")
	}
	seeds := [][]string{
		{"MMR", "Yangon", "10", "0.5", "a", "yes", "2024-02-29", "2024-01-01T10:00:00Z", "a@b.org", "123e4567-e89b-12d3-a456-426614174000", "true"},
		{"mm", "", "7", "1.5", "c", "no", "2023-02-29", "yesterday", "not-mail", "nope", "maybe"},
		{"ABCD", strings.Repeat("x", 30), "-10", "0", "3", "", "2024-13-01", "2024-01-01", "@", "", "1"},
		{"", "", "1e3", "1.25e0", "2.5", "yes", "", "", "", "", "0"},
		{"ÀBC", "ဗမာ", "1000.0", "-0", "3.0", "YES", "0000-00-00", "2024-01-01T25:00:00Z", "a@b", "123E4567-E89B-12D3-A456-426614174000", ""},
	}
	for _, sd := range seeds {
		f.Add(sd[0], sd[1], sd[2], sd[3], sd[4], sd[5], sd[6], sd[7], sd[8], sd[9], sd[10])
	}
	// One checker for every input, as a worker keeps one: its caches must
	// never change a verdict.
	labels := []string{"at", "code", "day", "fixed", "id", "kind", "mail", "n", "name", "ok", "x"}
	fc := fast.Columns(labels)
	types := map[string]string{}
	for _, c := range s.Columns() {
		types[c.Name] = c.JSONType
	}
	cellsOf := func(v []string) map[string]string {
		return map[string]string{"code": v[0], "name": v[1], "n": v[2], "x": v[3], "kind": v[4], "fixed": v[5],
			"day": v[6], "at": v[7], "mail": v[8], "id": v[9], "ok": v[10]}
	}
	// One batch too, its vectors (and their dictionaries) reused.
	b := &tabular.Batch{Cols: make([]tabular.Vector, len(labels))}
	f.Fuzz(func(t *testing.T, code, name, n, x, kind, fixed, day, at, mail, id, ok string) {
		cells := cellsOf([]string{code, name, n, x, kind, fixed, day, at, mail, id, ok})
		rec := cellRecord(s, cells)
		ref, got := both(t, s, fast, rec)
		if ref != got {
			t.Fatalf("record %#v\nreference:\n%s\nfast:\n%s", rec, ref, got)
		}
		// In a batch among the seeds, valid and invalid, each twice: a
		// text column's distinct values are then several (Codes).
		rows := []map[string]string{cells}
		for _, sd := range seeds {
			rows = append(rows, cellsOf(sd))
		}
		batchAgrees(t, s, fc, b, labels, types, append(rows, rows...))
	})
}

// batchAgrees checks rows of cells in one batch, as the ingest converts
// them, with a reused checker and reused vectors (a text column's
// dictionary grows from one batch to the next, as a worker's does): each
// row's violations are the reference's.
func batchAgrees(t *testing.T, s *Schema, fc *FastColumns, b *tabular.Batch, labels []string, types map[string]string, rows []map[string]string) {
	t.Helper()
	n := len(rows)
	b.N = n
	for i, l := range labels {
		jt := types[l]
		if jt == "" {
			jt = govlake.JSONString
		}
		b.Cols[i].Reset(jt, n)
		recs := make([]tabular.Record, n)
		for r, cells := range rows {
			recs[r] = tabular.Record{Cells: []string{cells[l]}}
		}
		b.Cols[i].SetColumn(recs, 0, make([]bool, n), nil)
	}
	got := make([][]govlake.Violation, n)
	fc.Check(b, func(r int, v govlake.Violation) { got[r] = append(got[r], v) })
	for r, cells := range rows {
		rec := cellRecord(s, cells)
		if want := text(s.Validate(rec, nil)); text(got[r]) != want {
			t.Fatalf("record %#v, row %d of a batch\nreference:\n%s\nfast:\n%s", rec, r, want, text(got[r]))
		}
	}
}

// The JSON-Schema-Test-Suite cases that fit a flat record: a keyword's
// schema becomes one property's, a scalar test value that property's value.
func TestConformanceThroughFastPath(t *testing.T) {
	dir := "../../../shared/conformance/json-schema-test-suite/tests/draft2020-12"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	files := []string{"type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
		"multipleOf", "minLength", "maxLength", "pattern", "required", "format", "anyOf"}
	ran, skipped := 0, 0
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var groups []struct {
			Description string          `json:"description"`
			Schema      json.RawMessage `json:"schema"`
			Tests       []struct {
				Description string `json:"description"`
				Data        any    `json:"data"`
				Valid       bool   `json:"valid"`
			} `json:"tests"`
		}
		if err := json.Unmarshal(b, &groups); err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			var schema string
			if name == "required" {
				schema = string(g.Schema)
			} else {
				schema = `{"type": "object", "properties": {"v": ` + string(g.Schema) + `}}`
			}
			s, err := Compile("case.json", []byte(schema))
			var f *Fast
			if err == nil {
				f = s.Fast()
			}
			for _, tc := range g.Tests {
				rec, fits := flatRecord(name, tc.Data)
				if f == nil || !fits {
					skipped++
					continue
				}
				ran++
				ref, got := both(t, s, f, rec)
				if ref != got {
					t.Errorf("%s / %s / %s: reference %q, fast %q", name, g.Description, tc.Description, ref, got)
				}
				if (got == "") != tc.Valid && name != "format" {
					t.Errorf("%s / %s / %s: fast says valid=%v, the suite %v", name, g.Description, tc.Description, got == "", tc.Valid)
				}
			}
		}
	}
	t.Logf("%d cases ran through the fast path, %d do not fit flat records", ran, skipped)
	if ran < 150 {
		t.Errorf("only %d cases ran", ran)
	}
}

// flatRecord makes a test value a record: scalars (not null) for a
// keyword's property, or a flat object for required.
func flatRecord(name string, data any) (map[string]any, bool) {
	scalar := func(v any) (any, bool) {
		switch x := v.(type) {
		case string, bool:
			return x, true
		case float64:
			if x == float64(int64(x)) && x < 1<<53 && x > -(1<<53) {
				return int64(x), true
			}
			return x, true
		}
		return nil, false
	}
	if name == "required" {
		obj, ok := data.(map[string]any)
		if !ok {
			return nil, false
		}
		rec := map[string]any{}
		for k, v := range obj {
			s, ok := scalar(v)
			if !ok {
				return nil, false
			}
			rec[k] = s
		}
		return rec, true
	}
	s, ok := scalar(data)
	if !ok {
		return nil, false
	}
	return map[string]any{"v": s}, true
}

// lengthSurely only passes a string whose length in characters is within
// the bounds, for text of one- to four-byte characters and invalid bytes.
func TestLengthSurely(t *testing.T) {
	pieces := []string{"a", "é", "မ", "𝄞", "\xff", ""}
	bound := func(n int) *int { return &n }
	for mask := range 1 << 12 {
		var b strings.Builder
		for k := 0; k < 6; k++ {
			b.WriteString(strings.Repeat(pieces[k], (mask>>(2*k))&3))
		}
		x := b.String()
		runes := utf8.RuneCountInString(x)
		for least := 0; least <= 8; least++ {
			for most := 0; most <= 24; most += 3 {
				if lengthSurely(x, bound(least), bound(most)) && (runes < least || runes > most) {
					t.Fatalf("%q (%d characters) passes %d..%d", x, runes, least, most)
				}
			}
		}
	}
	if !lengthSurely("Myitkyina", bound(1), bound(64)) || lengthSurely("𝄞𝄞", bound(3), nil) {
		t.Error("lengthSurely misses the plain cases")
	}
}

// A coded column's verdicts are kept by dictionary: a vector with another
// dictionary, the same codes meaning other values, gets its own; one whose
// dictionary grew between batches gets its new values checked.
func TestCodedVerdictsPerDictionary(t *testing.T) {
	s, err := Compile("fuzz.schema.json", []byte(fuzzSchema))
	if err != nil {
		t.Fatal(err)
	}
	fc := s.Fast().Columns([]string{"code"})
	check := func(b *tabular.Batch, cells ...string) (bad []int) {
		recs := make([]tabular.Record, len(cells))
		for r, c := range cells {
			recs[r] = tabular.Record{Cells: []string{c}}
		}
		b.N = len(cells)
		b.Cols[0].Reset(govlake.JSONString, len(cells))
		b.Cols[0].SetColumn(recs, 0, make([]bool, len(cells)), nil)
		if b.Cols[0].Codes == nil {
			t.Fatal("not coded")
		}
		fc.Check(b, func(r int, v govlake.Violation) {
			if v.Column == "code" && !slices.Contains(bad, r) {
				bad = append(bad, r) // not "n" is required
			}
		})
		return bad
	}
	one := &tabular.Batch{Cols: make([]tabular.Vector, 1)}
	other := &tabular.Batch{Cols: make([]tabular.Vector, 1)}
	if bad := check(one, "MMR", "MMR"); bad != nil {
		t.Errorf("valid codes rejected: rows %v", bad)
	}
	if bad := check(other, "mm", "MMR", "mm"); fmt.Sprint(bad) != "[0 2]" {
		t.Errorf("another dictionary: rows %v rejected, want [0 2]", bad)
	}
	if bad := check(one, "MMR", "toolong", "LAO"); fmt.Sprint(bad) != "[1]" {
		t.Errorf("a grown dictionary: rows %v rejected, want [1]", bad)
	}
}
