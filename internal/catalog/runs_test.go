package catalog

import (
	"fmt"
	"testing"

	"govlake/internal/govlake"
)

// Pages of runs come from the index while they surely hold the newest
// runs: a dataset that keeps a full window may have older runs only the
// listing finds.
func TestRunKeysFromTheIndex(t *testing.T) {
	runs := func(id string, hours ...int) []govlake.RunRef {
		var out []govlake.RunRef
		for _, h := range hours {
			out = append(out, govlake.RunRef{Key: fmt.Sprintf("runs/%s/20261205T%02d0000.000Z-r.json", id, h), Status: govlake.RunSucceeded})
		}
		return out
	}
	full := make([]int, govlake.RunsKept) // runs at 23:00 down to 04:00
	for i := range full {
		full[i] = 23 - i
	}
	snap := &snapshot{ids: []string{"busy", "quiet"}, allRuns: &runsOf{}, datasets: map[string]*entry{
		"busy":  {&govlake.IndexedDataset{Runs: runs("busy", full...)}},
		"quiet": {&govlake.IndexedDataset{Runs: runs("quiet", 3, 1)}},
	}}
	cases := []struct {
		pipeline string
		want     int
		first    string
		whole    bool
	}{
		{"quiet", 10, "runs/quiet/20261205T030000.000Z-r.json", true},                  // all it has
		{"busy", 5, "runs/busy/20261205T230000.000Z-r.json", true},                     // 23:00-19:00, after its oldest kept (04:00)
		{"busy", govlake.RunsKept + 1, "runs/busy/20261205T230000.000Z-r.json", false}, // more than kept: list
		{"", 20, "runs/busy/20261205T230000.000Z-r.json", true},                        // 23:00-04:00 all after the cut
		{"", 21, "runs/busy/20261205T230000.000Z-r.json", false},                       // the 21st (03:00 quiet) is not after the cut: busy may have older runs
	}
	for _, c := range cases {
		keys, whole := snap.runKeys(c.pipeline, c.want)
		if keys[0] != c.first || whole != c.whole {
			t.Errorf("%q want %d: first %s whole %v; want %s %v", c.pipeline, c.want, keys[0], whole, c.first, c.whole)
		}
	}
}
