package govlake

import (
	"strings"
	"testing"
)

func TestFindPersonalData(t *testing.T) {
	header := []string{"id", "contact", "phone", "nrc", "thai_id", "cccd", "township", "name", "date_of_birth", "cases", "mm_nrc"}
	rows := [][]string{
		{"1", "aung@example.org", "09 421 234 567", "12/OUKAMA(N)123456", "1-1017-00227-00-6", "001203004567", "Bahan", "Aung Aung", "1990-01-02", "12", "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"},
		{"2", "mai@example.vn", "+84 912 345 678", "9/MAHTANA(N)654321", "3-1005-01234-56-1", "079095001234", "Hlaing", "Mai", "1985-05-06", "7", "၉/မထန(နိုင်)၆၅၄၃၂၁"},
		{"3", "", "020 5555 1234", "", "1101700207030", "", "Kamayut", "Noy", "", "3", ""},
	}
	found := FindPersonalData(header, rows, []int64{2, 3, 4})
	var got []string
	for _, f := range found {
		got = append(got, f.Text())
	}
	want := []string{
		`column "contact" looks like e-mail addresses (rows 2, 3)`,
		`column "nrc" looks like Myanmar NRC numbers (rows 2, 3)`,
		`column "thai_id" looks like Thai national ID numbers (rows 2, 4)`,
		`column "cccd" looks like Vietnamese citizen identity numbers (rows 2, 3)`,
		`column "mm_nrc" looks like Myanmar NRC numbers (rows 2, 3)`,
		`column "date_of_birth" looks like dates of birth beside names (rows 2, 3)`,
	}
	// The phone column mixes three countries: none holds half.
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	phones := FindPersonalData([]string{"tel"}, [][]string{{"09 421 234 567"}, {"+95 9 7912 3456"}, {"n/a"}}, []int64{2, 3, 4})
	if len(phones) != 1 || phones[0].Kind != "Myanmar phone numbers" {
		t.Errorf("Myanmar phones: %+v", phones)
	}
	if f := FindPersonalData([]string{"year", "code"}, [][]string{{"2018", "MMR"}, {"2019", "LAO"}}, []int64{2, 3}); len(f) != 0 {
		t.Errorf("public figures flagged: %+v", f)
	}
	lao := FindPersonalData([]string{"village", "ເລກບັດປະຈຳຕົວ", "id_card"}, [][]string{{"Sikhottabong", "0123456789", "LA-1234567"}, {"Chanthabuly", "0198765432", ""}}, []int64{2, 3})
	if len(lao) != 2 || lao[0].Text() != `column "ເລກບັດປະຈຳຕົວ" looks like identity document numbers (by the column's name) (rows 2, 3)` || lao[1].Column != "id_card" {
		t.Errorf("Lao ID columns: %+v", lao)
	}
	if f := FindPersonalData([]string{"identity_of_survey"}, [][]string{{"household survey"}}, []int64{2}); len(f) != 0 {
		t.Errorf("a text column named like an ID: %+v", f)
	}
	if thaiID("1101700207031") {
		t.Error("a wrong Thai check digit passed")
	}
}
