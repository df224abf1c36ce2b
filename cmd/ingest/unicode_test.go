package main

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// Vietnamese in windows-1258 decodes to base letters and combining marks.
// Stored, it is composed (NFC): the header matches the schema's composed
// names, and SQL finds 'Hà Nội' as people type it. normalize: none keeps
// the text as decoded, and says nothing changed.
func TestVietnameseFromWindows1258IsComposed(t *testing.T) {
	rows := "Tỉnh,Dân số\nHà Nội,8435700\nHồ Chí Minh,9389700\nĐà Nẵng,1220200\n"
	// windows-1258 holds the marks apart: encode the decomposed form, as a
	// Vietnamese ministry's export does.
	raw, err := charmap.Windows1258.NewEncoder().String(cp1258Form(rows))
	if err != nil {
		t.Fatal(err)
	}
	if dec, _ := charmap.Windows1258.NewDecoder().String(raw); norm.NFC.IsNormalString(dec) {
		t.Fatal("the crafted file does not decode to decomposed text; the test would prove nothing")
	}
	schema := `{"type":"object","required":["Tỉnh","Dân số"],"properties":{"Tỉnh":{"type":"string"},"Dân số":{"type":"integer"}}}`
	for _, tc := range []struct {
		extra    string
		wantRows string
		warned   bool
	}{
		{"", "1", true},
		{"  normalize: none\n", "0", false},
	} {
		t.Run("normalize"+strings.TrimSpace(strings.TrimPrefix(tc.extra, "  normalize:")), func(t *testing.T) {
			store := t.TempDir()
			p := newPipeline(t, "provinces", "", schema, "")
			p.write("data.csv", raw)
			p.write("provinces.yaml", strings.Replace(p.yaml, "  url: data.csv\n", "  url: data.csv\n  encoding: windows-1258\n"+tc.extra, 1))
			code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
			if tc.extra != "" {
				// Decomposed labels do not match the composed schema.
				if code == 0 || !strings.Contains(out+errs, "lacks the required column") {
					t.Fatalf("normalize: none should fail on the header: %s%s", out, errs)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s%s", code, out, errs)
			}
			s := testStore(t, store)
			m := manifest(t, s, "provinces", 1)
			got := query(t, s, `SELECT count(*) FROM p WHERE "Tỉnh" = 'Hà Nội'`, map[string]string{"p": m.Files[0].Key})
			if got[0][0] != int64(1) {
				t.Errorf("rows for 'Hà Nội': %v", got)
			}
			all := query(t, s, `SELECT string_agg("Tỉnh", '|' ORDER BY "Dân số") FROM p`, map[string]string{"p": m.Files[0].Key})
			if all[0][0] != "Đà Nẵng|Hà Nội|Hồ Chí Minh" {
				t.Errorf("stored %q", all[0][0])
			}
			var msgs []string
			for _, w := range m.Validation.Warnings {
				msgs = append(msgs, w.Message)
			}
			joined := strings.Join(msgs, "\n")
			for _, want := range []string{
				`the header label of column 1 was not in Unicode's composed form (NFC); it is read as "Tỉnh"`,
				`column "Tỉnh": 3 cells were not in Unicode's composed form (NFC) and were stored composed (the first at row 2); set source.normalize: none to keep them as they are`,
			} {
				if !strings.Contains(joined, want) {
					t.Errorf("warnings lack %q:\n%s", want, joined)
				}
			}
		})
	}
}

// cp1258Form writes Vietnamese as windows-1258 holds it: letters with a
// circumflex, breve or horn precomposed (the code page has them), tone
// marks as separate combining characters (it has only those).
func cp1258Form(s string) string {
	tones := "\u0300\u0301\u0303\u0309\u0323"
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		var base, tone []rune
		for _, d := range norm.NFD.String(string(r)) {
			if strings.ContainsRune(tones, d) {
				tone = append(tone, d)
			} else {
				base = append(base, d)
			}
		}
		b.WriteString(norm.NFC.String(string(base)))
		b.WriteString(string(tone))
	}
	return b.String()
}

// Thai in TIS-620 and Lao in UTF-16 (with its byte order mark) arrive as
// the same characters, through SQL.
func TestThaiAndLaoEncodings(t *testing.T) {
	schema := `{"type":"object","required":["province"],"properties":{"province":{"type":"string"},"people":{"type":"integer"}}}`
	thai := "province,people\nกรุงเทพมหานคร,5494932\nเชียงใหม่,1779254\n"
	tis, err := charmap.Windows874.NewEncoder().String(thai) // TIS-620 is windows-874's Thai part
	if err != nil {
		t.Fatal(err)
	}
	lao := "province,people\nວຽງຈັນ,948487\nຫຼວງພະບາງ,431889\n"
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(lao)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, raw, encoding, want string
	}{
		{"thai", tis, "  encoding: tis-620\n", "กรุงเทพมหานคร|เชียงใหม่"},
		{"lao", u16, "", "ວຽງຈັນ|ຫຼວງພະບາງ"}, // the BOM says UTF-16
	} {
		store := t.TempDir()
		p := newPipeline(t, "provinces", "", schema, "")
		p.write("data.csv", tc.raw)
		p.write("provinces.yaml", strings.Replace(p.yaml, "  url: data.csv\n", "  url: data.csv\n"+tc.encoding, 1))
		if code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
			t.Fatalf("%s: exit %d: %s%s", tc.name, code, out, errs)
		}
		s := testStore(t, store)
		m := manifest(t, s, "provinces", 1)
		got := query(t, s, `SELECT string_agg(province, '|' ORDER BY people DESC) FROM p`, map[string]string{"p": m.Files[0].Key})
		if got[0][0] != tc.want {
			t.Errorf("%s: stored %q, want %q", tc.name, got[0][0], tc.want)
		}
	}
}
