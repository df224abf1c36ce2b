// Package norm puts text in Unicode's composed form (NFC) with
// golang.org/x/text/unicode/norm: a decoder such as windows-1258 gives
// Vietnamese as base letters followed by combining marks, which look the
// same as the composed letters people type but do not compare equal.
package norm

import "golang.org/x/text/unicode/norm"

// NFC composes text.
type NFC struct{}

// NFC returns s in NFC, and whether that changed it.
func (NFC) NFC(s string) (string, bool) {
	if norm.NFC.IsNormalString(s) {
		return s, false
	}
	return norm.NFC.String(s), true
}
