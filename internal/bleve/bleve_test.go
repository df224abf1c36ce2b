package bleve

import (
	"fmt"
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
	for _, d := range []govlake.SearchDoc{
		{ID: "hospitals", Title: "ကျန်းမာရေး ဝန်ကြီးဌာန ဆေးရုံ များ", Organization: "moh", Tags: []string{"health"}, License: "CC-BY-4.0"},
		{ID: "thai_population", Title: "สถิติ ประชากร ของ ประเทศไทย", Organization: "nso", Tags: []string{"population"}, License: "CC-BY-4.0"},
		{ID: "hanoi", Title: "dan so ha noi", Text: "population of ha noi by district", Organization: "gso", Tags: []string{"population"}, License: "ODbL-1.0"},
		{ID: "lao_population", Title: "ສະຖິຕິ ປະຊາກອນ ຂອງ ລາວ", Organization: "lsb", Tags: []string{"population"}},
		{ID: "khmer_population", Title: "ស្ថិតិ ប្រជាជន កម្ពុជា", Organization: "nis", Tags: []string{"population"}},
		{ID: "gdp", Title: "gdp per capita", Text: "population and gdp from the world bank", Organization: "worldbank", Tags: []string{"economy"}, License: "CC-BY-4.0"},
		{ID: "population", Title: "population total", Organization: "worldbank", Tags: []string{"population"}, License: "CC-BY-4.0"},
	} {
		if err := x.Put(d); err != nil {
			t.Fatal(err)
		}
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
	x.Delete("hospitals")
	if r, _ := x.Search(govlake.SearchQuery{Words: []string{"ဆေးရုံ"}}); r.Total != 0 {
		t.Error("a deleted dataset is found")
	}
}
