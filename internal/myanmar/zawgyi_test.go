package myanmar

import "testing"

// Pairs of the same words in Zawgyi and in Unicode.
var pairs = []struct{ word, zawgyi, unicode string }{
	{"Myanmar", "\u103B\u1019\u1014\u1039\u1019\u102C", "\u1019\u103C\u1014\u103A\u1019\u102C"},
	{"water", "\u1031\u101B", "\u101B\u1031"},
	{"land", "\u1031\u103B\u1019", "\u1019\u103C\u1031"},
	{"school", "\u1031\u1000\u103A\u102C\u1004\u1039\u1038", "\u1000\u103B\u1031\u102C\u1004\u103A\u1038"},
	{"country", "\u108F\u102D\u102F\u1004\u1039\u1004\u1036", "\u1014\u102D\u102F\u1004\u103A\u1004\u1036"},
	{"city", "\u107F\u1019\u102D\u1033\u1095", "\u1019\u103C\u102D\u102F\u1037"},
	{"English", "\u1021\u1002\u1064\u101C\u102D\u1015\u1039", "\u1021\u1004\u103A\u1039\u1002\u101C\u102D\u1015\u103A"},
	{"world", "\u1000\u1019\u1093\u102C", "\u1000\u1019\u1039\u1018\u102C"},
	{"township", "\u107F\u1019\u102D\u1033\u1095\u1014\u101A\u1039", "\u1019\u103C\u102D\u102F\u1037\u1014\u101A\u103A"},
	{"hospital", "\u1031\u1006\u1038\u101B\u102F\u1036", "\u1006\u1031\u1038\u101B\u102F\u1036"},
}

func TestToUnicode(t *testing.T) {
	for _, p := range pairs {
		if got := ToUnicode(p.zawgyi); got != p.unicode {
			t.Errorf("%s: %U, want %U", p.word, []rune(got), []rune(p.unicode))
		}
	}
	// Text without Zawgyi-only forms passes through; so does other script.
	for _, s := range []string{"Yangon 2014", "José", "中国人", "\u101B\u1031"} {
		if got := ToUnicode(s); s == "\u101B\u1031" && got != s || s != "\u101B\u1031" && got != s {
			t.Errorf("%q became %q", s, got)
		}
	}
}

func TestIsZawgyi(t *testing.T) {
	for _, p := range pairs {
		if !IsZawgyi(p.zawgyi) {
			t.Errorf("%s in Zawgyi %U not detected", p.word, []rune(p.zawgyi))
		}
		if IsZawgyi(p.unicode) {
			t.Errorf("%s in Unicode %U taken for Zawgyi", p.word, []rune(p.unicode))
		}
	}
	for _, s := range []string{"", "Yangon", "José"} {
		if IsZawgyi(s) || HasBurmese(s) {
			t.Errorf("%q", s)
		}
	}
}
