package govlake

import (
	"testing"
)

func TestParseVersionKey(t *testing.T) {
	tests := []struct {
		key      string
		n        int
		manifest bool
		ok       bool
	}{
		{ManifestKey("pop", 3), 3, true, true},
		{PartKey("pop", 12, 0), 12, false, true},
		{ClaimKey("pop", 1), 1, false, true},
		{"datasets/pop/versions/x/manifest.json", 0, false, false},
		{"datasets/pop/dataset.json", 0, false, false},
		{ManifestKey("population", 1), 0, false, false}, // another dataset
	}
	for _, tt := range tests {
		n, m, ok := ParseVersionKey("pop", tt.key)
		if n != tt.n || m != tt.manifest || ok != tt.ok {
			t.Errorf("ParseVersionKey(%q) = %d %v %v, want %d %v %v", tt.key, n, m, ok, tt.n, tt.manifest, tt.ok)
		}
	}
	if got := ManifestKey("pop", 7); got != "datasets/pop/versions/00000007/manifest.json" {
		t.Errorf("ManifestKey = %s", got)
	}
}

func TestTally(t *testing.T) {
	var tl Tally
	tl.Add(Rejection{Row: 3, Column: "Year", Keyword: "type"})
	tl.Add(Rejection{Row: 9, Column: "Value", Keyword: "minimum"})
	tl.Add(Rejection{Row: 4, Column: "Year", Keyword: "type"})
	s := tl.Summary()
	if s.Valid || s.Errors != 3 || len(s.ByColumn) != 2 {
		t.Fatalf("summary %+v", s)
	}
	if c := s.ByColumn[0]; c.Column != "Year" || c.Count != 2 || c.Example.Row != 3 {
		t.Errorf("first count %+v, want Year type 2 with example row 3", c)
	}
}

func TestErrors(t *testing.T) {
	err := Errorf(ENOTFOUND, "no dataset %q", "x")
	if ErrorCode(err) != ENOTFOUND || ErrorMessage(err) != `no dataset "x"` {
		t.Errorf("code %s message %s", ErrorCode(err), ErrorMessage(err))
	}
	if ErrorCode(errPlain) != EINTERNAL || ErrorMessage(errPlain) != "internal error" {
		t.Error("an uncoded error must read as internal, without its text")
	}
}

var errPlain = &plainError{}

type plainError struct{}

func (*plainError) Error() string { return "open /secret/path: permission denied" }
