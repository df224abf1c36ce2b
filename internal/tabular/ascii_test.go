package tabular

import "testing"

// IsASCII agrees with a byte loop at every length and position of a
// non-ASCII byte, around the eight- and thirty-two-byte steps.
func TestIsASCII(t *testing.T) {
	for n := range 70 {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(i%26)
		}
		if !IsASCII(string(b)) {
			t.Errorf("%q: not ASCII", b)
		}
		for at := range n {
			c := append([]byte(nil), b...)
			c[at] = 0x80 | byte(at)
			if IsASCII(string(c)) {
				t.Errorf("%q (byte %d non-ASCII): ASCII", c, at)
			}
		}
	}
}

func BenchmarkIsASCII(b *testing.B) {
	s := string(make([]byte, 256<<10))
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if !IsASCII(s) {
			b.Fatal("not ASCII")
		}
	}
}
