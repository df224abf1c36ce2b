package bleve

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"govlake/internal/govlake"
)

// The words are cut and folded as the catalogue does it (ICU's word
// breaks, norm.Fold); here they are written out.
func TestSearch(t *testing.T) {
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	docs := []govlake.SearchDoc{
		{ID: "hospitals", Title: "ကျန်းမာရေး ဝန်ကြီးဌာန ဆေးရုံ များ", Organization: "moh", Tags: []string{"health"}, License: "CC-BY-4.0"},
		{ID: "thai_population", Title: "สถิติ ประชากร ของ ประเทศไทย", Organization: "nso", Tags: []string{"population"}, License: "CC-BY-4.0"},
		{ID: "hanoi", Title: "dan so ha noi", Text: "population of ha noi by district", Organization: "gso", Tags: []string{"population"}, License: "ODbL-1.0"},
		{ID: "lao_population", Title: "ສະຖິຕິ ປະຊາກອນ ຂອງ ລາວ", Organization: "lsb", Tags: []string{"population"}},
		{ID: "khmer_population", Title: "ស្ថិតិ ប្រជាជន កម្ពុជា", Organization: "nis", Tags: []string{"population"}},
		{ID: "gdp", Title: "gdp per capita", Text: "population and gdp from the world bank", Organization: "worldbank", Tags: []string{"economy"}, License: "CC-BY-4.0"},
		{ID: "population", Title: "population total", Organization: "worldbank", Tags: []string{"population"}, License: "CC-BY-4.0"},
	}
	if err := x.Put(docs, nil); err != nil {
		t.Fatal(err)
	}
	ids := func(r *govlake.SearchHits) string { return strings.Join(r.IDs, ",") }
	for _, tc := range []struct {
		q    govlake.SearchQuery
		want string
	}{
		{govlake.SearchQuery{Words: []string{"ဆေးရုံ"}}, "hospitals"},
		{govlake.SearchQuery{Words: []string{"ประชากร"}}, "thai_population"},
		{govlake.SearchQuery{Words: []string{"ປະຊາກອນ"}}, "lao_population"},
		{govlake.SearchQuery{Words: []string{"ប្រជាជន"}}, "khmer_population"},
		{govlake.SearchQuery{Words: []string{"ha", "noi"}}, "hanoi"},
		{govlake.SearchQuery{Words: []string{"cap"}, Prefix: true}, "gdp"},
		{govlake.SearchQuery{Words: []string{"population"}}, "population,gdp,hanoi"}, // the title match first
		{govlake.SearchQuery{Words: []string{"population"}, Filters: map[string][]string{"organization": {"gso"}}}, "hanoi"},
		{govlake.SearchQuery{Words: []string{"nothing"}}, ""},
	} {
		r, err := x.Search(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		got := ids(r)
		if tc.want == "population,gdp,hanoi" {
			if !strings.HasPrefix(got, "population,") || len(r.IDs) != 3 {
				t.Errorf("%v: %s, want the title match first of 3", tc.q.Words, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%v %v: %s, want %s", tc.q.Words, tc.q.Filters, got, tc.want)
		}
	}
	all, err := x.Search(govlake.SearchQuery{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(all.Facets["tags"]) != "[{population 5} {economy 1} {health 1}]" || fmt.Sprint(all.Facets["organization"][0]) != "{worldbank 2}" || all.Total != 7 {
		t.Errorf("facets %v, total %d", all.Facets, all.Total)
	}
	x.Put(nil, []string{"hospitals"})
	if r, _ := x.Search(govlake.SearchQuery{Words: []string{"ဆေးရုံ"}}); r.Total != 0 {
		t.Error("a deleted dataset is found")
	}
}

// An index kept in a folder opens again with its documents and their keys;
// one of another mapping version is rebuilt empty; a folder another
// process holds is left alone and a private index used instead.
func TestKeptIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Put([]govlake.SearchDoc{{ID: "a", Title: "rainfall", Key: "k1"}, {ID: "b", Title: "roads", Key: "k2"}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := x.Put(nil, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	other, err := Open(dir) // held by x: a private index
	if err != nil || other.temp == "" {
		t.Fatalf("a held folder: %v %+v", err, other)
	}
	if keys, _ := other.Keys(); len(keys) != 0 {
		t.Errorf("the private index has %v", keys)
	}
	other.Close()
	x.Close()

	y, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := y.Keys()
	if err != nil || fmt.Sprint(keys) != "map[a:k1]" || y.temp != "" {
		t.Errorf("kept keys: %v %v", keys, err)
	}
	if r, err := y.Search(govlake.SearchQuery{Words: []string{"rainfall"}}); err != nil || strings.Join(r.IDs, ",") != "a" {
		t.Errorf("the kept index finds %v %v", r, err)
	}
	y.idx.SetInternal([]byte("mapping"), []byte("older"))
	y.Close()
	z, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if keys, _ := z.Keys(); len(keys) != 0 {
		t.Errorf("an index of another mapping was kept: %v", keys)
	}
}
