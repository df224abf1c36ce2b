// Package norm puts text in Unicode's composed form (NFC) with
// golang.org/x/text/unicode/norm: a decoder such as windows-1258 gives
// Vietnamese as base letters followed by combining marks, which look the
// same as the composed letters people type but do not compare equal. Fold
// makes words comparable for search.
package norm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NFC composes text.
type NFC struct{}

// NFC returns s in NFC, and whether that changed it.
func (NFC) NFC(s string) (string, bool) {
	if norm.NFC.IsNormalString(s) {
		return s, false
	}
	return norm.NFC.String(s), true
}

// Fold makes a word comparable for search: lower case, and Latin letters
// without their diacritics (Hà Nội and Ha Noi fold alike; Vietnamese đ is
// d). The marks of other scripts (Burmese, Thai, Lao, Khmer vowels and
// tones) are part of their letters and are kept.
func Fold(s string) string {
	var b strings.Builder
	latin := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r) && latin:
			continue // a mark on a Latin letter
		case r == 'đ':
			r = 'd'
		}
		latin = unicode.Is(unicode.Latin, r) || (latin && unicode.Is(unicode.Mn, r))
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}
