package ingest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

// Two daemons on one store sweep it when they start and then daily, once
// a day between them.
func TestDaemonsSweepDailyOnce(t *testing.T) {
	ctx := context.Background()
	fs, _ := file.NewStore(t.TempDir())
	e := newEnv(t, fs)
	clock := &fakeClock{now: time.Now().Add(3 * time.Hour)}
	dead := func(n int) {
		b, _ := json.Marshal(govlake.Claim{RunID: "dead", ClaimedAt: time.Now().Add(-time.Hour), ExpiresAt: time.Now()})
		fs.Put(ctx, govlake.ClaimKey("sched", n), strings.NewReader(string(b)))
		fs.Put(ctx, govlake.PartKey("sched", n, 0), strings.NewReader("half"))
	}
	dead(1)
	var stops []func()
	for _, holder := range []string{"a", "b"} {
		d := NewDaemon(e.runner(clock, nil), clock, parse, holder)
		d.SweepEvery, d.SweepGrace = 24*time.Hour, time.Hour
		stops = append(stops, serve(t, d))
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	wait := func(leases, n int) {
		t.Helper()
		for end := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			objs, _ := fs.List(ctx, "leases/_sweep/")
			part, _ := fs.List(ctx, govlake.PartKey("sched", n, 0))
			if len(objs) == leases && len(part) == 0 {
				settle()
				if again, _ := fs.List(ctx, "leases/_sweep/"); len(again) != leases {
					t.Fatalf("%d sweep leases, want %d", len(again), leases)
				}
				return
			}
			if time.Now().After(end) {
				t.Fatalf("%d sweep leases and %d dead parts, want %d and none", len(objs), len(part), leases)
			}
		}
	}
	wait(1, 1)
	if claims, _ := fs.List(ctx, govlake.ClaimKey("sched", 1)); len(claims) != 1 {
		t.Error("the claim of a number above the latest version was removed")
	}
	dead(2)
	clock.Advance(24 * time.Hour)
	wait(2, 2)
}
