package yaml

import (
	"strings"
	"testing"
)

func TestOrganizationFiles(t *testing.T) {
	o, err := LoadOrganization("testdata/orgs/full.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "moh" || o.Name.In("my") != "ကျန်းမာရေးဝန်ကြီးဌာန" || o.Name.In("lo") != "Ministry of Health" ||
		o.Email != "data@mohs.gov.mm" || o.Review != "required" || !strings.HasSuffix(o.Logo, "testdata/orgs/logo.svg") {
		t.Errorf("loaded %+v", o)
	}
	for file, want := range map[string][]string{
		"website.bad.yaml":      {`website.bad.yaml: website: "mohs.gov.mm" must be an http(s) address`},
		"unknown-key.bad.yaml":  {"unknown-key.bad.yaml: line 3", `"phone"`},
		"logo-missing.bad.yaml": {"logo-missing.bad.yaml: logo: missing.png does not exist"},
		"several.bad.yaml":      {`review: "sometimes" must be required or none`, `email: "not an address" must be an e-mail address`},
	} {
		_, err := LoadOrganization("testdata/orgs/" + file)
		if err == nil {
			t.Errorf("%s loaded", file)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", file, err, w)
			}
		}
	}
	all, err := LoadOrganizations("../../organizations")
	if err != nil || len(all) != 4 {
		t.Errorf("the bundled organisations: %d, %v", len(all), err)
	}
}
