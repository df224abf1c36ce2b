package norm

import "testing"

func TestNFC(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		changed  bool
	}{
		{"Ha\u0300 No\u0323\u0302i", "Hà Nội", true}, // windows-1258's decomposed Vietnamese
		{"Hà Nội", "Hà Nội", false},
		{"plain", "plain", false},
		{"e\u0301", "é", true},
		{"မန္တလေး", "မန္တလေး", false},
	} {
		got, changed := NFC{}.NFC(tc.in)
		if got != tc.want || changed != tc.changed {
			t.Errorf("%q: %q %v, want %q %v", tc.in, got, changed, tc.want, tc.changed)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Hà Nội": "ha noi", "Đà Nẵng": "da nang", "HA NOI": "ha noi", "Agliè": "aglie",
		"ဆေးရုံ": "ဆေးရုံ", "ประชากร": "ประชากร", "ປະຊາກອນ": "ປະຊາກອນ", "ប្រជាជន": "ប្រជាជន",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
