package main

import (
	"strings"
	"testing"

	"govlake/internal/govlake"
)

// A Dutch budget: decimal commas, points between thousands, percentages.
// Every figure arrives exactly, on both validation paths; a cell that is
// not a number as the file writes them is rejected with a message in those
// terms; every rewrite is counted in a warning.
func TestNumberLocales(t *testing.T) {
	csv := "Post;Bedrag;Aandeel;Groei\n" +
		"Onderwijs;1.234.567,89;45,2%;3,5%\n" +
		"Zorg;987.654,3;36,1%;-0,25%\n" +
		"Wonen;12,5;0,5%;12%\n" +
		"Fout;1.23,4;1%;1%\n"
	schema := `{"type":"object","required":["Post","Bedrag"],"properties":{"Post":{"type":"string"},"Bedrag":{"type":"number"},"Aandeel":{"type":"number"},"Groei":{"type":"number"}}}`
	for _, reference := range []bool{false, true} {
		store := t.TempDir()
		p := newPipeline(t, "budget", csv, schema, "max_invalid_ratio: 0.5\n")
		p.write("budget.yaml", strings.Replace(p.yaml, "  url: data.csv\n", "  url: data.csv\n  delimiter: \";\"\n  decimal: \",\"\n  thousands: \".\"\n  columns:\n    Groei: {percent: number}\n", 1))
		run := runPath(t, p.dir, store, reference)
		if run.Status != govlake.RunSucceeded || run.Rows.Valid != 3 || run.Rows.Rejected != 1 {
			t.Fatalf("reference=%v: %s %+v %s", reference, run.Status, run.Rows, run.Error)
		}
		rj := run.Rejections[0]
		if want := `"1.23,4" is not a number as this file writes them (decimal mark ",", thousands separated by ".", 45% as 0.45)`; rj.Row != 5 || rj.Column != "Bedrag" || rj.Value != "1.23,4" || rj.Message != want {
			t.Errorf("reference=%v: rejection %+v", reference, rj)
		}
		s := testStore(t, store)
		m := manifest(t, s, "budget", 1)
		got := query(t, s, `SELECT Post, Bedrag, Aandeel, Groei FROM b ORDER BY Bedrag DESC`, map[string]string{"b": m.Files[0].Key})
		want := [][]any{{"Onderwijs", 1234567.89, 0.452, 3.5}, {"Zorg", 987654.3, 0.361, -0.25}, {"Wonen", 12.5, 0.005, 12.0}}
		for i := range want {
			for j := range want[i] {
				if got[i][j] != want[i][j] {
					t.Errorf("reference=%v: row %d column %d = %v, want %v", reference, i, j, got[i][j], want[i][j])
				}
			}
		}
		var msgs []string
		for _, w := range m.Validation.Warnings {
			msgs = append(msgs, w.Message)
		}
		for _, w := range []string{
			`column "Bedrag": 3 numbers were read as the file writes them (decimal mark ",", thousands separated by ".", 45% as 0.45), the first at row 2: "1.234.567,89" as 1234567.89`,
			`column "Groei": 4 numbers were read as the file writes them (decimal mark ",", thousands separated by ".", 45% as 45), the first at row 2: "3,5%" as 3.5`,
		} {
			if !strings.Contains(strings.Join(msgs, "\n"), w) {
				t.Errorf("reference=%v: warnings lack %q:\n%s", reference, w, strings.Join(msgs, "\n"))
			}
		}
	}
}
