package hll

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// The estimate is within 3% (almost four standard errors) of the true count
// from a hundred values to ten million, for integers, floats and strings
// like a column's, and exact-ish for a few values.
func TestEstimate(t *testing.T) {
	for _, n := range []int{1, 10, 100, 1000, 40_000, 100_000, 1_000_000, 10_000_000} {
		for _, kind := range []string{"ints", "floats", "strings"} {
			if n == 10_000_000 && kind == "strings" && testing.Short() {
				continue
			}
			s := New()
			var b []byte
			for i := range n {
				switch kind {
				case "ints":
					s.AddHash(HashUint64(uint64(i + 1)))
				case "floats":
					s.AddHash(HashUint64(math.Float64bits(float64(i) * 0.01)))
				case "strings":
					b = strconv.AppendInt(append(b[:0], "person"...), int64(i), 10)
					s.AddHash(HashBytes(append(b, "@example.org"...)))
				}
			}
			got := s.Estimate()
			t.Logf("%d %s: %d", n, kind, got)
			if err := math.Abs(float64(got)-float64(n)) / float64(n); err > 0.03 || (n <= 100 && got != int64(n)) {
				t.Errorf("%d distinct %s: estimate %d (%.2f%% off)", n, kind, got, 100*err)
			}
		}
	}
}

// Adding a value twice, or in another order, or in two sketches merged,
// gives the same registers.
func TestMergeAndRepeats(t *testing.T) {
	whole, a, b := New(), New(), New()
	for i := range 50_000 {
		h := HashBytes(fmt.Appendf(nil, "v%d", i))
		whole.AddHash(h)
		whole.AddHash(h)
		if i%2 == 0 {
			a.AddHash(h)
		} else {
			b.AddHash(h)
		}
	}
	b.Merge(a)
	if *b != *whole || whole.Estimate() != b.Estimate() {
		t.Errorf("merged %d, whole %d", b.Estimate(), whole.Estimate())
	}
	if New().Estimate() != 0 {
		t.Errorf("empty sketch estimates %d", New().Estimate())
	}
}

// Strings that differ only in length or in their last byte hash apart.
func TestHashBytesDiffers(t *testing.T) {
	seen := map[uint64]string{}
	for _, s := range []string{"", "a", "a\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgi"} {
		h := HashBytes([]byte(s))
		if o, ok := seen[h]; ok {
			t.Errorf("%q and %q share a hash", s, o)
		}
		seen[h] = s
	}
}

// Every byte counts, at every length and in every position (the last
// words of a string are read overlapping).
func TestHashBytesSeesEveryByte(t *testing.T) {
	seen := map[uint64]string{}
	for n := range 41 {
		base := []byte(strings.Repeat("a", n))
		for i := -1; i < n; i++ {
			s := append([]byte(nil), base...)
			if i >= 0 {
				s[i] = 'b'
			}
			h := HashBytes(s)
			if o, ok := seen[h]; ok {
				t.Fatalf("%q and %q share a hash", s, o)
			}
			seen[h] = string(s)
			if h != HashBytes(string(s)) {
				t.Fatalf("%q hashes apart as text and as bytes", s)
			}
		}
	}
}
