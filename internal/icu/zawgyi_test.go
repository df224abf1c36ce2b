package icu

import (
	"os"
	"strings"
	"testing"
)

// The CLDR rules through ICU give Google's own conversion of the mmgov
// corpus, line for line.
func TestZawgyiCorpus(t *testing.T) {
	const dir = "../../../shared/data/myanmar-tools/"
	src, err1 := os.ReadFile(dir + "mmgov_zawgyi_src.txt")
	want, err2 := os.ReadFile(dir + "mmgov_unicode_out.txt")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err1, err2)
		}
		t.Skip(err1, err2)
	}
	z, err := NewZawgyi()
	if err != nil {
		t.Fatal(err)
	}
	srcLines, wantLines := strings.Split(string(src), "\n"), strings.Split(string(want), "\n")
	if len(srcLines) != len(wantLines) || len(srcLines) < 60 {
		t.Fatalf("%d and %d lines", len(srcLines), len(wantLines))
	}
	for i := range srcLines {
		if got := z.ToUnicode(srcLines[i]); got != wantLines[i] {
			t.Errorf("line %d:\n%q\nwant\n%q", i+1, got, wantLines[i])
		}
	}
	if got := z.ToUnicode("မႏၲေလး"); got != "မန္တလေး" {
		t.Errorf("Mandalay: %q (%U), want မန္တလေး", got, []rune(got))
	}
}
