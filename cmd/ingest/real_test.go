package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
	"testing"

	"govlake/internal/govlake"
)

// The real files of ../shared/data, each read as a data officer would
// configure it (testdata/real): the right row counts and the right
// non-ASCII text in particular cells.
func TestRealFiles(t *testing.T) {
	if _, err := os.Stat("../../../shared/data/SOURCES.md"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	store := t.TempDir()
	code, out, errs := runIngest(t, "run", "-pipelines", "testdata/real", "-store", store)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	s := testStore(t, store)
	tests := []struct {
		id   string
		rows int64
		sql  string
		want string
	}{
		{"istat", 7904, `SELECT "Denominazione (Italiana e straniera)" FROM d WHERE "Codice Comune formato alfanumerico" = '001001'`, "Agliè"},
		{"istat", 7904, `SELECT count(*) FROM d WHERE "Codice dell'Unità territoriale sovracomunale 
(valida a fini statistici)" = '201'`, "312"},
		{"ev", 882, `SELECT ad_station FROM d WHERE id_station = 'FR*E08*PDRVPARASOL20600*1'`, "Allée du Ninu 20600 Bastia"},
		{"accents", 638, `SELECT count(DISTINCT "Quartier") FILTER (WHERE "Quartier" = 'Quartier Européen') FROM d`, "1"},
		// decimal: ",": "111,0309761" is stored as the number 111.0309761.
		{"hotels", 638, `SELECT "Average Price" FROM d WHERE "Classement" = '4 stars' AND "Quartier" = 'All' AND "Date" = '01-01-13'`, "111.0309761"},
		{"hotels", 638, `SELECT "Occupancy rate" FROM d WHERE "Classement" = '3 stars' AND "Quartier" = 'All' AND "Date" = '01-01-13'`, "0.611553068"},
		{"bom", 2, `SELECT name FROM d WHERE id = 2`, "中国人"},
		{"retail", 69, `SELECT "2022" FROM d WHERE "Data Series" = 'Premium Thai Rice (Per 5 Kilogram)'`, "13.16"},
		{"weekly", 20070, `SELECT sum("no._of_cases") FILTER (WHERE disease = 'Dengue Fever' AND epi_week LIKE '2012-%') FROM d`, "4602"},
		{"residents", 22680, `SELECT value FROM d WHERE year = 1957 AND level_1 = 'Total Residents' AND level_2 = '0  -  4 Years'`, "264727"},
		{"census", 328, `SELECT "Township Name" || ' ' || "Both sexes" FROM d WHERE "Township Pcode" = 'MMR001001'`, "Myitkyina 317604"},
	}
	// The census workbook has two township codes with leading spaces: the
	// rows are quarantined with their sheet row numbers.
	m := manifest(t, s, "census", 1)
	if m.Rows.Rejected != 2 {
		t.Errorf("census rejected %d, want 2", m.Rows.Rejected)
	}
	rows := query(t, s, `SELECT string_agg("row" || ' ' || value, ', ' ORDER BY "row") FROM r`, map[string]string{"r": m.Rejected.Key})
	if got := str(rows[0][0]); got != "83    MMR006002, 90    MMR006009" {
		t.Errorf("census rejections %q", got)
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m := manifest(t, s, tt.id, 1)
			if m.Rows.Valid != tt.rows || (m.Rows.Rejected != 0 && tt.id != "census") {
				t.Errorf("rows %+v, want %d valid", m.Rows, tt.rows)
			}
			rows := query(t, s, tt.sql, map[string]string{"d": m.Files[0].Key})
			got := str(rows[0][0])
			if tt.want != "" && got != tt.want {
				t.Errorf("%s = %q, want %q", strings.Fields(tt.sql)[1], got, tt.want)
			}
		})
	}
}

// JSON, NDJSON, gzip and zip sources go through the same checks.
func TestFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(dir+"/"+name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("id,name\n1,Aung\n2,Mya\n3,x\n"))
	zw.Close()
	var zb bytes.Buffer
	z := zip.NewWriter(&zb)
	w, _ := z.Create("README.txt")
	w.Write([]byte("about the data"))
	w, _ = z.Create("data/people.ndjson")
	w.Write([]byte("{\"id\": 1, \"name\": \"Aung\"}\n{\"id\": 2, \"name\": \"Mya\"}\n"))
	z.Close()
	write("s.json", []byte(peopleSchema))
	write("people.json", []byte(`[{"id": 1, "name": "Aung", "age": 34}, {"id": "two", "name": "Mya"}, {"id": 3, "name": "Hla", "age": null}]`))
	write("people.csv.gz", gz.Bytes())
	write("people.zip", zb.Bytes())
	for id, src := range map[string]string{"fromjson": "{url: people.json, format: json}", "fromgzip": "{url: people.csv.gz}", "fromzip": "{url: people.zip, format: ndjson}"} {
		write(id+".yaml", []byte("dataset: "+id+"\ntitle: T\nsource: "+src+"\nschema: s.json\nmax_invalid_ratio: 1\n"))
	}
	store := t.TempDir()
	code, out, errs := runIngest(t, "run", "-pipelines", dir, "-store", store)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	s := testStore(t, store)
	for id, want := range map[string]govlake.RowCounts{"fromjson": {Read: 3, Valid: 2, Rejected: 1}, "fromgzip": {Read: 3, Valid: 3}, "fromzip": {Read: 2, Valid: 2}} {
		if m := manifest(t, s, id, 1); m.Rows != want {
			t.Errorf("%s: rows %+v, want %+v", id, m.Rows, want)
		}
	}
	m := manifest(t, s, "fromjson", 1)
	rows := query(t, s, `SELECT "row", "column", keyword, value FROM r`, map[string]string{"r": m.Rejected.Key})
	if len(rows) != 1 || fmt.Sprint(rows[0]) != "[2 id type two]" {
		t.Errorf("json rejection %v", rows)
	}
	rows = query(t, s, "SELECT sum(age), count(age) FROM d", map[string]string{"d": m.Files[0].Key})
	if fmt.Sprint(rows[0]) != "[34 1]" {
		t.Errorf("json values %v", rows[0])
	}
	// A zip with several candidates says which it holds.
	z2 := zip.NewWriter(&zb)
	zb.Reset()
	for _, n := range []string{"a.csv", "b.csv"} {
		w, _ := z2.Create(n)
		w.Write([]byte("id\n1\n"))
	}
	z2.Close()
	write("people.zip", zb.Bytes())
	code, out, _ = runIngest(t, "run", "-pipelines", dir, "-store", store, "fromzip")
	if code != 1 || !strings.Contains(out, "people.zip: the zip holds a.csv, b.csv; it must hold one data file, or one .ndjson file") {
		t.Errorf("exit %d: %s", code, out)
	}
}

// Burmese text mixing Zawgyi and Unicode: reported by column, converted on
// request.
func TestZawgyi(t *testing.T) {
	// Four Zawgyi cells (rows 3, 4, 6, 7) among Unicode ones (rows 2, 8).
	csv := "id,name\n1,\u1019\u103C\u1014\u103A\u1019\u102C\n2,\u103B\u1019\u1014\u1039\u1019\u102C\n3,\u1031\u1000\u103A\u102C\u1004\u1039\u1038\n4,Yangon\n" +
		"5,မႏၲေလး\n6,ရန္ကုန္ၿမိဳ႕\n7,မန္တလေး\n"
	for _, mode := range []string{"detect", "convert"} {
		t.Run(mode, func(t *testing.T) {
			store := t.TempDir()
			p := newPipeline(t, "places", csv, peopleSchema, "")
			p.write("places.yaml", strings.Replace(p.yaml, "url: data.csv", "url: data.csv\n  zawgyi: "+mode, 1))
			if code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
				t.Fatalf("%s%s", out, errs)
			}
			s := testStore(t, store)
			m := manifest(t, s, "places", 1)
			var zw []govlake.Warning
			for _, w := range m.Validation.Warnings {
				if w.Keyword == "zawgyi" {
					zw = append(zw, w)
				}
			}
			if len(zw) != 1 || zw[0].Column != "name" || zw[0].Row != 3 {
				t.Fatalf("warnings %+v", m.Validation.Warnings)
			}
			w := zw[0]
			rows := query(t, s, "SELECT string_agg(name, '|' ORDER BY id) FROM d", map[string]string{"d": m.Files[0].Key})
			got := str(rows[0][0])
			switch mode {
			case "detect":
				if w.Message != `column "name": 4 cells look Zawgyi-encoded (rows 3, 4, 6 and 7); the column mixes them with 2 Burmese cells in Unicode; set source.zawgyi: convert to store them as Unicode` {
					t.Errorf("warning %q", w.Message)
				}
				if !strings.Contains(got, "\u103B\u1019\u1014\u1039\u1019\u102C") {
					t.Errorf("detect changed the text: %q", got)
				}
			case "convert":
				if w.Message != `column "name": converted 4 Zawgyi-encoded cells to Unicode (rows 3, 4, 6 and 7); the column mixes them with 2 Burmese cells in Unicode` {
					t.Errorf("warning %q", w.Message)
				}
				want := "\u1019\u103C\u1014\u103A\u1019\u102C|\u1019\u103C\u1014\u103A\u1019\u102C|\u1000\u103B\u1031\u102C\u1004\u103A\u1038|Yangon|မန္တလေး|ရန်ကုန်မြို့|မန္တလေး"
				if got != want {
					t.Errorf("stored %q, want %q", got, want)
				}
			}
		})
	}
}
