package tabular

import "testing"

// IsASCII agrees with a byte loop at every length and position of a
// non-ASCII byte, around the eight-byte steps.
func TestIsASCII(t *testing.T) {
	for n := range 20 {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(i)
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
