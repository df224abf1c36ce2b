package yaml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govlake/internal/govlake"
)

func TestGoodFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.good.yaml")
	if len(files) == 0 {
		t.Fatal("no good files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			p, err := LoadPipeline(f)
			if err != nil {
				t.Fatal(err)
			}
			abs, _ := filepath.Abs("testdata")
			if !filepath.IsAbs(p.Source.URL) || !filepath.IsAbs(p.Schema) {
				t.Errorf("paths not resolved: %s %s", p.Source.URL, p.Schema)
			}
			if filepath.Base(f) == "minimal.good.yaml" {
				// Defaults.
				if p.OnInvalid != govlake.OnInvalidQuarantine || p.MaxInvalidRatio != 0.1 || p.Source.Format != "csv" {
					t.Errorf("defaults: %+v", p)
				}
				if p.Source.URL != filepath.Join(abs, "data.csv") {
					t.Errorf("url %s, want relative to the file's folder", p.Source.URL)
				}
			}
		})
	}
	p, _ := LoadPipeline("testdata/full.good.yaml")
	abs, _ := filepath.Abs("data/population.csv")
	if p.Source.URL != abs || p.Schema != "/abs/population.schema.json" || p.MaxInvalidRatio != 0.05 ||
		p.OnInvalid != "reject" || p.Timeout != 20*time.Minute || strings.Join(p.Tags, ",") != "population,demography" || strings.Join(p.Source.NAValues, ",") != "..,-" {
		t.Errorf("full: %+v", p)
	}
}

// Titles and descriptions in several languages: the English one is the
// plain field; a map without English keeps its languages and offers
// one of them as the plain text.
func TestLanguages(t *testing.T) {
	p, err := LoadPipeline("testdata/languages.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := p.Metadata()
	if m.Title != "Hospitals of the Ministry of Health" || m.TitleTranslated["my"] != "ကျန်းမာရေးဝန်ကြီးဌာန ဆေးရုံများ" || len(m.TitleTranslated) != 3 ||
		m.Description != "မြို့နယ်အလိုက် ခုတင်များ" || m.DescriptionTranslated["my"] != m.Description || m.Frequency != "monthly" || strings.Join(p.PrimaryKey, ",") != "township" {
		t.Errorf("languages: %+v %v", m, p.PrimaryKey)
	}
	p, _ = LoadPipeline("testdata/full.good.yaml")
	if m := p.Metadata(); m.Title != "Population, total" || m.TitleTranslated != nil {
		t.Errorf("a plain title: %+v", m)
	}
}

func TestBadFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) == 0 {
		t.Fatal("no bad files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, _ := os.ReadFile(f)
			first, _, _ := strings.Cut(string(b), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			if !ok {
				t.Fatal("bad file lacks a '# want:' first line")
			}
			_, err := LoadPipeline(f)
			if err == nil {
				t.Fatal("no error")
			}
			if govlake.ErrorCode(err) != govlake.EINVALID {
				t.Errorf("code %s", govlake.ErrorCode(err))
			}
			for _, w := range strings.Split(want, " | ") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), f) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) { os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644) }
	write("a.yaml", "dataset: a\ntitle: A\nsource: {url: a.csv}\nschema: a.json\n")
	write("b.yml", "dataset: a\ntitle: B\nsource: {url: b.csv}\nschema: b.json\n")
	write("c.yaml", "dataset: c\ntitle: C\nsource: {url: c.csv}\nschema: c.json\nbogus: 1\n")
	write("notes.txt", "not a pipeline")
	ps, err := LoadDir(dir)
	if len(ps) != 1 || ps[0].Dataset != "a" {
		t.Fatalf("loaded %v", ps)
	}
	msg := err.Error()
	for _, w := range []string{`b.yml: dataset "a" is already defined by`, `c.yaml: line 5: unknown key "bogus"`} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q lacks %q", msg, w)
		}
	}
	if _, err := LoadDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing folder: no error")
	}
}

// Contact, themes and coverage are read as written, for DCAT.
func TestCoverage(t *testing.T) {
	p, err := LoadPipeline("testdata/coverage.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := p.Metadata()
	if m.Contact == nil || *m.Contact != (govlake.Contact{Name: "Planning Department", Email: "planning@moh.gov.mm", URL: "https://moh.gov.mm"}) {
		t.Errorf("contact %+v", m.Contact)
	}
	if strings.Join(m.Themes, ",") != "HEAL,SOCI" || strings.Join(m.Spatial, ",") != "MMR,https://sws.geonames.org/1298824/" ||
		m.Temporal == nil || *m.Temporal != (govlake.Period{Start: "2010", End: "2024-06-30"}) {
		t.Errorf("coverage %+v %+v %+v", m.Themes, m.Spatial, m.Temporal)
	}
	if strings.Join(m.Keywords["my"], ",") != "ဆေးရုံ,ခုတင်" || strings.Join(m.Keywords["th"], ",") != "เตียง" {
		t.Errorf("keywords %v", m.Keywords)
	}
}
