package jsonschema

import (
	"fmt"
	"testing"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

const formatSchema = `{"type": "object", "properties": {
  "date": {"type": "string", "format": "date"},
  "email": {"type": "string", "format": "email"},
  "uuid": {"type": "string", "format": "uuid"}}}`

// The fast formats fire on the plain values most columns hold, and turn
// down what they are not sure of.
func TestFastFormats(t *testing.T) {
	tests := []struct {
		format, value string
		fast          bool
	}{
		{"date", "2024-02-29", true},
		{"date", "2023-02-29", false},
		{"date", "2024-13-01", false},
		{"date", "2024-00-10", false},
		{"date", "2024-01-00", false},
		{"date", "2024-1-01", false},
		{"date", "0000-01-01", true},
		{"email", "person1@example.org", true},
		{"email", "first.last+tag@sub-domain.example.gov.mm", true},
		{"email", "a@b", true},
		{"email", ".a@b.org", false},
		{"email", "a..b@b.org", false},
		{"email", "a.@b.org", false},
		{"email", "a@-b.org", false},
		{"email", "a@b-.org", false},
		{"email", "a@b..org", false},
		{"email", "a@b.org.", false}, // the reference takes it; the fast path leaves it to it
		{"email", "\"quoted\"@b.org", false},
		{"email", "a@[127.0.0.1]", false},
		{"email", "a@b@c.org", false},
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", true},
		{"uuid", "123E4567-E89B-12D3-A456-426614174000", true},
		{"uuid", "123e4567e89b12d3a456426614174000", false},
		{"uuid", "123e4567-e89b-12d3-a456-42661417400g", false},
	}
	s := formatsSchema(t)
	for _, tt := range tests {
		if got := fastFormats[tt.format](tt.value); got != tt.fast {
			t.Errorf("%s %q: fast %v, want %v", tt.format, tt.value, got, tt.fast)
		}
		if tt.fast {
			if err := s.sch.Properties[tt.format].Format.Validate(tt.value); err != nil {
				t.Errorf("%s %q: fast accepts, the reference says %v", tt.format, tt.value, err)
			}
		}
	}
}

// Every day of four centuries, and every impossible day of one year, as
// time.Parse (the reference's date) sees them.
func TestIsDateAgreesWithTimeParse(t *testing.T) {
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2300; d = d.AddDate(0, 0, 1) {
		if s := d.Format("2006-01-02"); !isDate(s) {
			t.Fatalf("%s: not a date", s)
		}
	}
	for m := 0; m <= 13; m++ {
		for day := 0; day <= 32; day++ {
			s := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-" + two(m) + "-" + two(day)
			_, err := time.Parse("2006-01-02", s)
			if isDate(s) != (err == nil) {
				t.Errorf("%s: isDate %v, time.Parse %v", s, isDate(s), err)
			}
		}
	}
}

func two(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func formatsSchema(t testing.TB) *Schema {
	s, err := Compile("formats.json", []byte(formatSchema))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A fast format never accepts what the reference's function rejects.
func FuzzFastFormats(f *testing.F) {
	for _, v := range []string{"2024-02-29", "a@b.org", "x.y-z+1@e-x.org", "123e4567-e89b-12d3-a456-426614174000", "2024-02-30", "a@b.c-"} {
		f.Add(v)
	}
	s := formatsSchema(f)
	f.Fuzz(func(t *testing.T, v string) {
		for name, fast := range fastFormats {
			if fast(v) {
				if err := s.sch.Properties[name].Format.Validate(v); err != nil {
					t.Fatalf("%s %q: fast accepts, the reference says %v", name, v, err)
				}
			}
		}
	})
}

// The verdict caches give the reference's verdicts, keep them for values
// that repeat and give up on a column whose values do not.
func TestMemo(t *testing.T) {
	s, err := Compile("memo.json", []byte(`{"type": "object", "properties": {
	  "code": {"type": "string", "pattern": "^MM-[0-9]{4}$"},
	  "host": {"type": "string", "format": "hostname"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	fc := s.Fast().Columns([]string{"code", "host"})
	const n = 3 * memoTrial
	b := &tabular.Batch{N: n, Cols: []tabular.Vector{tabular.NewVector(govlake.JSONString, n), tabular.NewVector(govlake.JSONString, n)}}
	for r := 0; r < n; r++ {
		code := fmt.Sprintf("MM-%04d", r%50)
		if r%7 == 0 {
			code = fmt.Sprintf("MM%04d", r%50) // breaks the pattern, and repeats too
		}
		mail := fmt.Sprintf("h%d.example.org", r)
		if r%11 == 0 {
			mail = fmt.Sprintf("-h%d.example.org", r) // fails, and never repeats
		}
		b.Cols[0].Text[r], b.Cols[0].Present[r] = code, true
		b.Cols[1].Text[r], b.Cols[1].Present[r] = mail, true
	}
	bad := map[[2]int]bool{}
	fc.Check(b, func(r int, v govlake.Violation) {
		col := 0
		if v.Column == "host" {
			col = 1
		}
		bad[[2]int{r, col}] = true
	})
	for r := 0; r < n; r++ {
		for col, name := range []string{"code", "host"} {
			ref := s.Validate(map[string]any{name: b.Cols[col].Text[r]}, nil)
			if (len(ref) > 0) != bad[[2]int{r, col}] {
				t.Fatalf("row %d %s %q: fast bad=%v, reference %v", r, name, b.Cols[col].Text[r], bad[[2]int{r, col}], ref)
			}
		}
	}
	if m := fc.cols[0].pattern; m.off || m.hits < n/2 {
		t.Errorf("code: the cache is off=%v with %d hits of %d lookups; repeated codes should hit", m.off, m.hits, m.lookups)
	}
	if m := fc.cols[1].format; !m.off {
		t.Errorf("host: unique values, yet the cache is still on (%d entries)", len(m.seen))
	}
}
