package csv

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// splitLine cuts a line as strings.Split does, for every delimiter at
// every position around the eight-byte steps, bytes of every value
// (0x80 and above next to the delimiter too) and empty cells.
func TestSplitLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'a', 'Z', '0', ' ', ',', ';', '\t', '|', 0x00, 0x7f, 0x80, 0xac, 0xff, 0x2b, 0x2d}
	for _, delim := range []byte{',', ';', '\t', '|'} {
		for n := range 40 {
			for range 200 {
				b := make([]byte, n)
				for i := range b {
					b[i] = alphabet[rng.IntN(len(alphabet))]
				}
				line := string(b)
				got := splitLine(nil, line, delim)
				if want := strings.Split(line, string(delim)); !slices.Equal(got, want) {
					t.Fatalf("%q by %q: %q, want %q", line, delim, got, want)
				}
			}
		}
	}
	// Appends after cells already there.
	if got := splitLine([]string{"x"}, "a,,b", ','); !slices.Equal(got, []string{"x", "a", "", "b"}) {
		t.Errorf("appended %q", got)
	}
}

func BenchmarkSplitLine(b *testing.B) {
	line := "1,MM-1333,Myitkyina,M,58,8,3989011.75,2024-01-14,person1@example.org"
	cells := make([]string, 0, 16)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		cells = splitLine(cells[:0], line, ',')
	}
}
