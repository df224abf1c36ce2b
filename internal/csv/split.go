package csv

import "math/bits"

// splitLine appends the cells of a line that has no quote: its text
// between delimiters. Eight bytes are searched at a time (a byte loop per
// cell was two thirds of parsing): each word is compared with the
// delimiter in every byte at once, exactly, without a borrow from one byte
// to the next.
func splitLine(cells []string, line string, delim byte) []string {
	const low7, high = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	pattern := uint64(delim) * 0x0101010101010101
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		x := word(line, i) ^ pattern // a zero byte where the delimiter is
		found := ^(((x & low7) + low7) | x) & high
		for found != 0 {
			at := i + bits.TrailingZeros64(found)>>3
			cells = append(cells, line[start:at])
			start = at + 1
			found &= found - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == delim {
			cells = append(cells, line[start:i])
			start = i + 1
		}
	}
	return append(cells, line[start:])
}

// word is the eight bytes of s from i, little-endian (one load).
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
