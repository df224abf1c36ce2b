package myanmar

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The model read here gives myanmar-tools' own probabilities for its
// compatibility table, within 1e-9.
func TestCompatibilityTable(t *testing.T) {
	b, err := os.ReadFile("../../../shared/data/myanmar-tools/compatibility.tsv")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		prob, text, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("line %q", line)
		}
		want, err := strconv.ParseFloat(prob, 64)
		if prob == "-Infinity" {
			want, err = math.Inf(-1), nil
		}
		if err != nil {
			t.Fatal(err)
		}
		got := model.Probability(text)
		if math.IsInf(want, -1) && !math.IsInf(got, -1) || !math.IsInf(want, -1) && math.Abs(got-want) > 1e-9 {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
		n++
	}
	if n < 40 {
		t.Fatalf("only %d cases", n)
	}
}

// Zawgyi cells among Unicode ones: each found, no Unicode cell taken.
func TestIsZawgyi(t *testing.T) {
	for _, tc := range []struct {
		s      string
		zawgyi bool
	}{
		{"မႏၲေလး", true},         // Mandalay
		{"ရန္ကုန္ၿမိဳ႕", true},   // Yangon city
		{"ေနျပည္ေတာ္", true},     // Nay Pyi Taw
		{"ပုသိမ္ၿမိဳ႕နယ္", true}, // Pathein township
		{"မန္တလေး", false},       // Mandalay in Unicode
		{"ရန်ကုန်မြို့", false},
		{"နေပြည်တော်", false},
		{"Yangon 2014", false},
		{"", false},
	} {
		if got := IsZawgyi(tc.s); got != tc.zawgyi {
			t.Errorf("%q (p=%v): Zawgyi %v, want %v", tc.s, model.Probability(tc.s), got, tc.zawgyi)
		}
	}
	for _, s := range []string{"", "Yangon", "José"} {
		if HasBurmese(s) {
			t.Errorf("%q has no Burmese", s)
		}
	}
}

func TestReadModelErrors(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("UZMODEL?"), modelData[:100]} {
		if _, err := ReadModel(b); err == nil {
			t.Errorf("%q read as a model", b)
		}
	}
}
