package web

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// verbs are a message's fmt verbs, as a set: a translation may reorder
// them with explicit indexes (%[2]s) but must fill the same ones.
var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

func verbs(msg string) []string {
	var out []string
	n := 0
	for _, v := range verb.FindAllString(msg, -1) {
		if v == "%%" {
			continue
		}
		n++
		idx, kind := regexp.MustCompile(`\[(\d+)\]`).FindStringSubmatch(v), v[len(v)-1:]
		if idx != nil {
			out = append(out, idx[1]+kind)
		} else {
			out = append(out, string(rune('0'+n))+kind)
		}
	}
	slices.Sort(out)
	return out
}

// TestMessages fails when a message is missing, extra or empty in any
// language, when a translation fills other verbs than the English one,
// or when a template or handler asks for a key that English lacks.
func TestMessages(t *testing.T) {
	en, err := readMessages("en")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(messageFS, "messages/*.json")
	if len(files) != len(languageOrder) {
		t.Errorf("message files %v, languages %v: each language needs a file and a place in languageOrder", files, languageOrder)
	}
	for _, code := range languageOrder[1:] {
		msgs, err := readMessages(code)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range en {
			tr, ok := msgs[k]
			switch {
			case !ok || strings.TrimSpace(tr) == "":
				t.Errorf("messages/%s.json lacks %q (English: %q)", code, k, v)
			case !slices.Equal(verbs(v), verbs(tr)):
				t.Errorf("messages/%s.json %q fills %v, English %v", code, k, verbs(tr), verbs(v))
			}
		}
		for k := range msgs {
			if _, ok := en[k]; !ok {
				t.Errorf("messages/%s.json has %q, which English lacks", code, k)
			}
		}
	}
	used := regexp.MustCompile(`(?:\.T|T\(|l\.T\() ?"([a-z0-9_.]+)"`)
	sources, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range sources {
		b, _ := fs.ReadFile(templateFS, name)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s asks for message %q, which messages/en.json lacks", name, m[1])
			}
		}
	}
	for _, prefix := range []string{"status.", "facet.", "recency.", "frequency.", "search.sort."} {
		found := false
		for k := range en {
			found = found || strings.HasPrefix(k, prefix)
		}
		if !found {
			t.Errorf("no message starts with %q", prefix)
		}
	}
}

func TestPickLanguage(t *testing.T) {
	ls, err := loadLocales()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query, cookie, accept, want string
	}{
		{"", "", "", "en"},
		{"lang=my", "", "", "my"},
		{"lang=km", "lo", "vi", "km"},    // the query wins
		{"", "lo", "vi", "lo"},           // then the cookie
		{"", "", "vi-VN,vi;q=0.9", "vi"}, // then the browser
		{"", "", "th-TH", "th"},
		{"", "", "fr-FR,my;q=0.5", "my"},
		{"", "", "fr-FR", "en"},
		{"lang=xx", "zz", "", "en"}, // unknown codes are ignored
	} {
		r := httptest.NewRequest("GET", "/?"+tc.query, nil)
		if tc.cookie != "" {
			r.Header.Set("Cookie", "lang="+tc.cookie)
		}
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		if got := ls.pick(r).Code; got != tc.want {
			t.Errorf("?%s cookie %q Accept-Language %q: %s, want %s", tc.query, tc.cookie, tc.accept, got, tc.want)
		}
	}
}

// TestLocalNumbers writes the same numbers in each language's CLDR marks
// and digits, every digit kept.
func TestLocalNumbers(t *testing.T) {
	ls, err := loadLocales()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		v    any
		want string
	}{
		{"en", 3.52e9, "3,520,000,000"},
		{"vi", 3.52e9, "3.520.000.000"},
		{"vi", 1234.5678, "1.234,5678"},
		{"km", int64(-1234567), "-1.234.567"},
		{"th", 0.125, "0.125"},
		{"my", int64(1234567), "၁,၂၃၄,၅၆၇"},
		{"my", 12.5, "၁၂.၅"},
		{"lo", int64(1000), "1.000"},
	} {
		c := Chrome{L: ls.byCode[tc.lang]}
		if got := c.Cell(tc.v); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.lang, tc.v, got, tc.want)
		}
	}
	if got := ls.byCode["vi"].localize("1,234.5%"); got != "1.234,5%" {
		t.Errorf("a Vietnamese KPI value: %q", got)
	}
	if got := ls.byCode["my"].localize("−0.012"); got != "−၀.၀၁၂" {
		t.Errorf("a Burmese KPI change: %q", got)
	}
	if got := (Chrome{L: ls.byCode["my"]}).T("search.count", 12); got != "ဒေတာအစုံ ၁၂ ခု တွေ့ရှိသည်။" {
		t.Errorf("Burmese count: %q", got)
	}
}
