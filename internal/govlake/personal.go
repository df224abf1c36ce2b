package govlake

import (
	"fmt"
	"regexp"
	"strings"
)

// PersonalFinding is a column that looks like personal data: which kind,
// and the source rows of a few examples (their values are not repeated).
type PersonalFinding struct {
	Column string  `json:"column"`
	Kind   string  `json:"kind"`
	Rows   []int64 `json:"rows"`
}

// Text names the finding for people.
func (f PersonalFinding) Text() string {
	rows := make([]string, len(f.Rows))
	for i, r := range f.Rows {
		rows[i] = fmt.Sprint(r)
	}
	return fmt.Sprintf("column %q looks like %s (rows %s)", f.Column, f.Kind, strings.Join(rows, ", "))
}

// personalKinds are the values that are personal data on their own. Each
// is matched against the whole cell, spaces, dots, dashes and brackets
// taken out of phone numbers first.
var personalKinds = []struct {
	kind  string
	phone bool
	re    *regexp.Regexp
	check func(string) bool
}{
	{kind: "e-mail addresses", re: regexp.MustCompile(`(?i)^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$`)},
	{kind: "Myanmar phone numbers", phone: true, re: regexp.MustCompile(`^(\+?95|0)9\d{7,9}$`)},
	{kind: "Lao phone numbers", phone: true, re: regexp.MustCompile(`^(\+?856|0)20\d{8}$`)},
	{kind: "Vietnamese phone numbers", phone: true, re: regexp.MustCompile(`^(\+?84|0)[35789]\d{8}$`)},
	{kind: "Thai phone numbers", phone: true, re: regexp.MustCompile(`^(\+?66|0)[689]\d{8}$`)},
	{kind: "Myanmar NRC numbers", re: regexp.MustCompile(`(?i)^\d{1,2}/[a-z]{3,12}\((n|e|p|t|y|s|naing|ae|pyu|thi)\)\d{6}$`)},
	{kind: "Myanmar NRC numbers", re: regexp.MustCompile(`^[၀-၉]{1,2}/[\p{Myanmar}]+\([\p{Myanmar}]+\)[၀-၉]{6}$`)},
	{kind: "Thai national ID numbers", re: regexp.MustCompile(`^\d-?\d{4}-?\d{5}-?\d{2}-?\d$`), check: thaiID},
	{kind: "Vietnamese citizen identity numbers", re: regexp.MustCompile(`^0\d{11}$`)},
}

var phoneNoise = strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "")

// thaiID checks a Thai ID number's check digit: 11 minus the weighted sum
// of the first twelve digits (weights 13 down to 2), modulo 11, modulo 10.
func thaiID(s string) bool {
	d := strings.ReplaceAll(s, "-", "")
	sum := 0
	for i := 0; i < 12; i++ {
		sum += int(d[i]-'0') * (13 - i)
	}
	return int(d[12]-'0') == (11-sum%11)%10
}

var (
	// idLabel names a column of identity document numbers in the region's
	// languages. Lao ID card numbers have no public format to check, so
	// they, and any other card, are found by the column's name.
	idLabel    = regexp.MustCompile(`(?i)(id_?card|national_?id|citizen_?id|identity|passport|^nrc$|cccd|cmnd|ບັດປະຈຳຕົວ|ເລກບັດ|မှတ်ပုံတင်|căn cước|chứng minh|บัตรประชาชน)`)
	idValue    = regexp.MustCompile(`^[A-Za-z0-9/()\-]{6,20}$`)
	birthLabel = regexp.MustCompile(`(?i)(birth|^dob$|date_of_birth|ngày ?sinh|ngay_sinh|မွေးသက္ကရာဇ်|ວັນເດືອນປີເກີດ)`)
	nameLabel  = regexp.MustCompile(`(?i)(^|_| )(name|full_?name|họ tên|ho_ten|အမည်|ຊື່)($|_| )`)
)

// FindPersonalData looks at the first rows of a table for columns that
// hold personal data: at least half of a column's non-empty values (and
// two, when there are two) of one kind; or dates of birth beside names.
// rows[i] was read from source row rowNum[i].
func FindPersonalData(header []string, rows [][]string, rowNum []int64) []PersonalFinding {
	var out []PersonalFinding
	for c, label := range header {
		filled := 0
		hits := make([][]int64, len(personalKinds))
		for i, r := range rows {
			if c >= len(r) || strings.TrimSpace(r[c]) == "" {
				continue
			}
			filled++
			v := strings.TrimSpace(r[c])
			for k, kind := range personalKinds {
				s := v
				if kind.phone {
					s = phoneNoise.Replace(v)
				}
				if kind.re.MatchString(s) && (kind.check == nil || kind.check(s)) {
					hits[k] = append(hits[k], rowNum[i])
				}
			}
		}
		for k, h := range hits {
			if len(h) > 0 && 2*len(h) >= filled && len(h) >= min(2, filled) {
				out = append(out, PersonalFinding{Column: label, Kind: personalKinds[k].kind, Rows: h[:min(3, len(h))]})
				break
			}
		}
	}
	flagged := map[string]bool{}
	for _, f := range out {
		flagged[f.Column] = true
	}
	for c, l := range header {
		if flagged[l] || !idLabel.MatchString(l) {
			continue
		}
		var rs []int64
		filled := 0
		for i, r := range rows {
			if c >= len(r) || strings.TrimSpace(r[c]) == "" {
				continue
			}
			filled++
			if v := strings.TrimSpace(r[c]); idValue.MatchString(v) && strings.ContainsAny(v, "0123456789") {
				rs = append(rs, rowNum[i])
			}
		}
		if len(rs) > 0 && 2*len(rs) >= filled {
			out = append(out, PersonalFinding{Column: l, Kind: "identity document numbers (by the column's name)", Rows: rs[:min(3, len(rs))]})
		}
	}
	named := false
	for _, l := range header {
		named = named || nameLabel.MatchString(l)
	}
	for c, l := range header {
		if named && birthLabel.MatchString(l) {
			var rs []int64
			for i, r := range rows {
				if c < len(r) && strings.TrimSpace(r[c]) != "" && len(rs) < 3 {
					rs = append(rs, rowNum[i])
				}
			}
			if len(rs) > 0 {
				out = append(out, PersonalFinding{Column: l, Kind: "dates of birth beside names", Rows: rs})
			}
		}
	}
	return out
}
