package main

import (
	"strings"
	"testing"

	"govlake/internal/govlake"
)

// A cell like "bad"quote is stored exactly as written, and the run says
// how many rows had one; a file of lone-CR line breaks is read line by
// line and says so. Both validation paths agree.
func TestQuotesAndLoneCR(t *testing.T) {
	schema := `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"name":{"type":"string"}}}`
	for _, tc := range []struct {
		name, csv, stored, warning string
	}{
		{"quote kept", "id,name\n1,\"bad\"quote\n2,plain\n3,\"ok\"\n", `"bad"quote|plain|ok`,
			`1 rows have a cell that starts with a quote and goes on after its closing quote (the first at row 2), such as "bad"quote; such cells are kept exactly as written, quotes included: quote the whole cell, doubling the quotes inside, if they were meant as text`},
		{"lone CR", "id,name\r1,Aung\r2,Mya\r", "Aung|Mya", "data.csv ends its lines with a lone CR (as old Mac files do); each is read as a line break"},
	} {
		for _, reference := range []bool{false, true} {
			p := newPipeline(t, "people", tc.csv, schema, "")
			store := t.TempDir()
			r := runPath(t, p.dir, store, reference)
			if r.Status != govlake.RunSucceeded {
				t.Fatalf("%s: %s %s", tc.name, r.Status, r.Error)
			}
			s := testStore(t, store)
			m := manifest(t, s, "people", 1)
			got := query(t, s, `SELECT string_agg(name, '|' ORDER BY id) FROM p`, map[string]string{"p": m.Files[0].Key})
			if got[0][0] != tc.stored {
				t.Errorf("%s reference=%v: stored %q, want %q", tc.name, reference, got[0][0], tc.stored)
			}
			var msgs []string
			for _, w := range m.Validation.Warnings {
				msgs = append(msgs, w.Message)
			}
			if !strings.Contains(strings.Join(msgs, "\n"), tc.warning) {
				t.Errorf("%s reference=%v: warnings %q lack %q", tc.name, reference, msgs, tc.warning)
			}
		}
	}
}
