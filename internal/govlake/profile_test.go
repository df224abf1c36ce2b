package govlake

import (
	"testing"
	"time"
)

func TestFreshness(t *testing.T) {
	v := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		freq    string
		now     time.Time
		due     time.Time
		overdue bool
	}{
		{"monthly", v.AddDate(0, 0, 30), v.AddDate(0, 0, 31), false},
		{"monthly", v.AddDate(0, 0, 32), v.AddDate(0, 0, 31), true},
		{"daily", v.Add(25 * time.Hour), v.Add(24 * time.Hour), true},
		{"annual", v.AddDate(1, 0, 0), v.AddDate(0, 0, 366), false},
		{"irregular", v.AddDate(5, 0, 0), time.Time{}, false},
		{"", v.AddDate(5, 0, 0), time.Time{}, false},
	} {
		f := FreshnessAt(tc.freq, v, tc.now)
		if !f.Due.Equal(tc.due) || f.Overdue != tc.overdue || f.Frequency != tc.freq {
			t.Errorf("%s at %s: %+v, want due %s overdue %v", tc.freq, tc.now, f, tc.due, tc.overdue)
		}
	}
}

func TestTextLocal(t *testing.T) {
	tr := Text{"en": "Hospitals", "my": "ဆေးရုံများ"}
	for _, tc := range []struct {
		t               Text
		lang, plain     string
		wantText, wantL string
	}{
		{tr, "my", "Hospitals", "ဆေးရုံများ", "my"},
		{tr, "lo", "Hospitals", "Hospitals", "en"},
		{nil, "lo", "Dân số Hà Nội", "Dân số Hà Nội", "vi"}, // a plain title's language from its script
		{Text{"th": "โรงพยาบาล", "km": "មន្ទីរពេទ្យ"}, "my", "", "មន្ទីរពេទ្យ", "km"},
	} {
		if got, l := tc.t.Local(tc.lang, tc.plain); got != tc.wantText || l != tc.wantL {
			t.Errorf("%v in %s: %q %s, want %q %s", tc.t, tc.lang, got, l, tc.wantText, tc.wantL)
		}
	}
}
