package cron

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		spec string
		next time.Time
	}{
		{"@daily", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
		{"@hourly", time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)},
		{"0 6 * * *", time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)},
		{"*/15 * * * *", time.Date(2026, 11, 24, 10, 45, 0, 0, time.UTC)},
		{"@every 10m", at.Add(10 * time.Minute)},
		{"0 0 * * 1", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}, // Monday
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec)
		if err != nil {
			t.Fatalf("%s: %v", tt.spec, err)
		}
		if got := s.Next(at); !got.Equal(tt.next) {
			t.Errorf("%s: next %v, want %v", tt.spec, got, tt.next)
		}
	}
	for _, bad := range []string{"daily", "61 * * * *", "* * *", "@every nope"} {
		if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), "use five cron fields") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
