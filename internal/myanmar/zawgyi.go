// Package myanmar handles Burmese text in the Zawgyi encoding, which
// government files in Myanmar still mix with Unicode: it tells Zawgyi from
// Unicode by the code points and orderings only Zawgyi uses, and converts
// Zawgyi to Unicode.
//
// Google's myanmar-tools detector (a trained model) is not available from the
// module proxy here; this is a rule-based detector. It decides on the
// evidence a string holds, and calls a string without evidence Unicode.
package myanmar

import (
	"strings"
	"unicode/utf8"
)

func isConsonant(r rune) bool {
	return r >= 0x1000 && r <= 0x1021 || r == 0x103F || r == 0x1025 || r == 0x1027
}

// HasBurmese reports whether s holds any Myanmar-block character; it is
// cheap, to skip the other checks for most cells.
func HasBurmese(s string) bool {
	// U+1000..U+109F is E1 80 80 .. E1 82 9F in UTF-8; IndexByte skips the
	// rest fast, which is most cells.
	for {
		i := strings.IndexByte(s, 0xE1)
		if i < 0 || i+1 >= len(s) {
			return false
		}
		if s[i+1] >= 0x80 && s[i+1] <= 0x82 {
			return true
		}
		s = s[i+1:]
	}
}

// IsZawgyi reports whether s looks Zawgyi-encoded: code points that Zawgyi
// uses for its glyph variants (U+1033, U+1034, U+1060..U+1097), or the vowel
// sign E or medial RA written before their consonant, outweigh the
// orderings only Unicode uses.
func IsZawgyi(s string) bool {
	if !HasBurmese(s) {
		return false
	}
	z, u := 0, 0
	rs := []rune(s)
	for i, r := range rs {
		var prev, next rune
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case r >= 0x1060 && r <= 0x1097, r == 0x1033, r == 0x1034:
			z += 2
		case r == 0x1031:
			// Unicode stores E after its consonant and medials; Zawgyi before.
			if isConsonant(prev) || (prev >= 0x103B && prev <= 0x103E) || prev == 0x1039 {
				u++
			} else if isConsonant(next) || next == 0x103B {
				z++
			}
		case r == 0x103B:
			// Zawgyi's medial RA comes before its consonant; Unicode's YA after.
			if isConsonant(next) && !isConsonant(prev) {
				z++
			} else if isConsonant(prev) {
				u++
			}
		case r == 0x1004 && next == 0x103A && i+2 < len(rs) && rs[i+2] == 0x1039:
			u += 2 // Unicode kinzi
		}
	}
	return z > u
}

// one-to-many mappings of Zawgyi code points to Unicode, before reordering.
var zawgyiMap = map[rune]string{
	0x1039: "\u103A",                                                                                                                               // asat
	0x103A: "\u103B",                                                                                                                               // medial ya
	0x103B: "\u103C", 0x107E: "\u103C", 0x107F: "\u103C", 0x1080: "\u103C", 0x1081: "\u103C", 0x1082: "\u103C", 0x1083: "\u103C", 0x1084: "\u103C", // medial ra
	0x103C: "\u103D",                   // medial wa
	0x103D: "\u103E", 0x1087: "\u103E", // medial ha
	0x1033: "\u102F", 0x1034: "\u1030",
	0x1088: "\u103E\u102F", 0x1089: "\u103E\u1030", 0x108A: "\u103D\u103E",
	0x1094: "\u1037", 0x1095: "\u1037",
	0x105A: "\u102B\u103A",
	0x1086: "\u103F",
	0x106A: "\u1009", 0x106B: "\u100A", 0x108F: "\u1014", 0x1090: "\u101B",
	// stacked (subjoined) consonants
	0x1060: "\u1039\u1000", 0x1061: "\u1039\u1001", 0x1062: "\u1039\u1002", 0x1063: "\u1039\u1003",
	0x1065: "\u1039\u1005", 0x1066: "\u1039\u1006", 0x1067: "\u1039\u1006", 0x1068: "\u1039\u1007",
	0x1069: "\u1039\u1008", 0x106C: "\u1039\u100B", 0x106D: "\u1039\u100C", 0x1070: "\u1039\u100F",
	0x1071: "\u1039\u1010", 0x1072: "\u1039\u1010", 0x1073: "\u1039\u1011", 0x1074: "\u1039\u1011",
	0x1075: "\u1039\u1012", 0x1076: "\u1039\u1013", 0x1077: "\u1039\u1014", 0x1078: "\u1039\u1015",
	0x1079: "\u1039\u1016", 0x107A: "\u1039\u1017", 0x107B: "\u1039\u1018", 0x1093: "\u1039\u1018",
	0x107C: "\u1039\u1019", 0x1085: "\u1039\u101C", 0x1096: "\u1039\u1010\u103D",
	// ligatures of two consonants
	0x106E: "\u100D\u1039\u100D", 0x106F: "\u100D\u1039\u100E", 0x1091: "\u100F\u1039\u100D",
	0x1092: "\u100B\u1039\u100C", 0x1097: "\u100B\u1039\u100B",
	// kinzi, placed before its consonant below
	0x1064: "\uE000", 0x108B: "\uE000\u102D", 0x108C: "\uE000\u102E", 0x108D: "\uE000\u1036",
}

const kinzi = '\uE000' // a private marker while converting

// ToUnicode converts Zawgyi text to Unicode: code points are mapped, then
// each syllable is put in Unicode's order: kinzi, consonant, stacked
// consonant, medials YA RA WA HA, vowel sign E, then the other signs.
func ToUnicode(s string) string {
	var b strings.Builder
	for _, r := range s {
		if m, ok := zawgyiMap[r]; ok {
			b.WriteString(m)
		} else {
			b.WriteRune(r)
		}
	}
	rs := []rune(b.String())
	out := make([]rune, 0, len(rs)+8)
	for i := 0; i < len(rs); {
		// Prefixes Zawgyi writes before the consonant: E and medial RA.
		var e, ra bool
		j := i
		for j < len(rs) && (rs[j] == 0x1031 || rs[j] == 0x103C) {
			if rs[j] == 0x1031 {
				e = true
			} else {
				ra = true
			}
			j++
		}
		if j < len(rs) && isConsonant(rs[j]) {
			cons := rs[j]
			j++
			var stacked []rune
			for j+1 < len(rs) && rs[j] == 0x1039 && isConsonant(rs[j+1]) {
				stacked = append(stacked, rs[j], rs[j+1])
				j += 2
			}
			hasKinzi := false
			var medials [4]bool // ya, ra, wa, ha
			medials[1] = ra
			for j < len(rs) {
				switch r := rs[j]; {
				case r == kinzi:
					hasKinzi = true
				case r >= 0x103B && r <= 0x103E:
					medials[r-0x103B] = true
				case r == 0x1031:
					e = true
				default:
					goto done
				}
				j++
			}
		done:
			if hasKinzi {
				out = append(out, 0x1004, 0x103A, 0x1039)
			}
			out = append(out, cons)
			out = append(out, stacked...)
			for k, on := range medials {
				if on {
					out = append(out, rune(0x103B+k))
				}
			}
			if e {
				out = append(out, 0x1031)
			}
			i = j
			continue
		}
		// Not a syllable start: copy as is (keeping stray prefixes).
		for ; i < j; i++ {
			out = append(out, rs[i])
		}
		if i < len(rs) {
			out = append(out, rs[i])
			i++
		}
	}
	res := string(out)
	// Zawgyi writes asat before the dot below; Unicode the dot first.
	res = strings.ReplaceAll(res, "\u103A\u1037", "\u1037\u103A")
	res = strings.ReplaceAll(res, "\u1025\u102E", "\u1026")
	res = strings.ReplaceAll(res, string(kinzi), "\u1004\u103A\u1039")
	if !utf8.ValidString(res) {
		return s
	}
	return res
}
