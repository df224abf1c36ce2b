package tabular

import (
	"fmt"
	"testing"
	"unsafe"
)

// A text column is coded while its distinct values are few: each present
// row's code finds its text in the Dictionary, each distinct value once,
// kept (copied) for the next batch. A column of unique values gives up
// within codedEarly+ rows and stays uncoded for codedRest batches, then
// starts a new Dictionary; one of long values gives up past codedBytes; a
// skipped or empty cell is absent, coded or not.
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
	if len(v.Dict.Values) != 4 {
		t.Errorf("distinct %q, want the 4 non-empty wards", v.Dict.Values)
	}
	for r, rec := range few {
		want := rec.Cells[0]
		if r == 1 {
			want = "" // skipped
		}
		if v.Present[r] != (want != "") {
			t.Fatalf("row %d: present %v for %q", r, v.Present[r], want)
		}
		if v.Present[r] && (v.Dict.Values[v.Codes[r]] != want || v.Text[r] != want) {
			t.Fatalf("row %d: code %d is %q, text %q, want %q", r, v.Codes[r], v.Dict.Values[v.Codes[r]], v.Text[r], want)
		}
	}
	// The next batch keeps the dictionary: a new value is added after
	// the others, and the values are copies, whatever happens to the
	// batch's text after it.
	first := v.Dict
	buf := []byte("Kamayut,Dagon")
	text := unsafe.String(&buf[0], len(buf))
	set([]Record{{Cells: []string{text[8:]}}, {Cells: []string{text[:7]}}}, nil)
	copy(buf, "XXXXXXXXXXXXX")
	if v.Dict != first || fmt.Sprint(v.Dict.Values) != "[Kamayut Hlaing မင်္ဂလာတောင်ညွန့် Sanchaung Dagon]" || fmt.Sprint(v.Codes) != "[4 0]" {
		t.Fatalf("next batch: same dictionary %v, values %q, codes %v", v.Dict == first, v.Dict.Values, v.Codes)
	}
	set(unique, nil)
	if v.Codes != nil || v.Dict != nil {
		t.Fatal("unique values coded")
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
	if v.Codes == nil || v.Dict == first || len(v.Dict.Values) != 4 {
		t.Fatal("not coded again, in a new dictionary, after codedRest batches")
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

// PlainDay reads a value as PlainDate does, once.
func TestDictionaryPlainDay(t *testing.T) {
	d := &Dictionary{Values: []string{"2024-02-29", "2024-02-30", "1970-01-01", " 2024-01-01"}}
	for k, v := range d.Values {
		want, wantOK := PlainDate(v)
		for range 2 {
			if got, ok := d.PlainDay(int32(k)); got != want || ok != wantOK {
				t.Errorf("%q: %d %v, PlainDate %d %v", v, got, ok, want, wantOK)
			}
		}
	}
}
