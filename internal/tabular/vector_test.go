package tabular

import (
	"fmt"
	"testing"
)

// A text column is coded while its distinct values are few: each present
// row's code finds its text in Distinct, each distinct value once. A
// column of unique values gives up within codedEarly+ rows and stays
// uncoded for codedRest batches; one of long values gives up past
// codedBytes; a skipped or empty cell is absent, coded or not.
func TestVectorCodes(t *testing.T) {
	batch := func(n int, cell func(r int) string) []Record {
		recs := make([]Record, n)
		for r := range recs {
			recs[r] = Record{Cells: []string{cell(r)}}
		}
		return recs
	}
	wards := []string{"Kamayut", "Sanchaung", "", "Hlaing", "မင်္ဂလာတောင်ညွန့်"}
	few := batch(3000, func(r int) string { return wards[r%len(wards)] })
	unique := batch(3000, func(r int) string { return fmt.Sprintf("person%d@example.org", r) })
	long := batch(3000, func(r int) string { return fmt.Sprintf("%0200d", r%200) }) // 200 values of 200 bytes
	var v Vector
	set := func(recs []Record, skip []bool) {
		v.Reset(JSONString, len(recs))
		if skip == nil {
			skip = make([]bool, len(recs))
		}
		v.SetColumn(recs, 0, skip, nil)
	}
	skip := make([]bool, len(few))
	skip[1] = true
	set(few, skip)
	if v.Codes == nil {
		t.Fatal("a column of 4 values is not coded")
	}
	if len(v.Distinct) != 4 {
		t.Errorf("distinct %q, want the 4 non-empty wards", v.Distinct)
	}
	for r, rec := range few {
		want := rec.Cells[0]
		if r == 1 {
			want = "" // skipped
		}
		if v.Present[r] != (want != "") {
			t.Fatalf("row %d: present %v for %q", r, v.Present[r], want)
		}
		if v.Present[r] && (v.Distinct[v.Codes[r]] != want || v.Text[r] != want) {
			t.Fatalf("row %d: code %d is %q, text %q, want %q", r, v.Codes[r], v.Distinct[v.Codes[r]], v.Text[r], want)
		}
	}
	set(unique, nil)
	if v.Codes != nil || len(v.Distinct) != 0 {
		t.Fatalf("unique values coded: %d distinct", len(v.Distinct))
	}
	if v.Text[2999] != "person2999@example.org" || !v.Present[2999] {
		t.Fatalf("uncoded text %q", v.Text[2999])
	}
	for range codedRest {
		set(few, nil)
		if v.Codes != nil {
			t.Fatal("coded again within codedRest batches of giving up")
		}
	}
	set(few, nil)
	if v.Codes == nil || len(v.Distinct) != 4 {
		t.Fatalf("not coded again after codedRest batches: %d distinct", len(v.Distinct))
	}
	set(long, nil)
	if v.Codes != nil {
		t.Fatalf("%d bytes of distinct values coded", 200*200)
	}
	// A typed column is never coded.
	v = Vector{}
	v.Reset(JSONInteger, 3)
	v.SetColumn(batch(3, func(int) string { return "7" }), 0, make([]bool, 3), nil)
	if v.Codes != nil {
		t.Fatal("an integer column coded")
	}
}
