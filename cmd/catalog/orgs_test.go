package main

import (
	"net/http"
	"strings"
	"testing"
)

// Organisations from their files, with the datasets that name them; the
// logo served as an inert image; the pages list them.
func TestOrganizations(t *testing.T) {
	base := bundledCatalog(t)
	var list struct {
		Organizations []struct {
			ID, Name, Website string
			LogoURL           string `json:"logo_url"`
			Defined           bool
			Datasets          []string
		}
	}
	getJSON(t, "GET", base+"/api/v1/organizations?lang=vi", "", 200, &list)
	got := map[string]string{}
	for _, o := range list.Organizations {
		got[o.ID] = o.Name + " | " + strings.Join(o.Datasets, ",")
		if !o.Defined || o.LogoURL != "/organizations/"+o.ID+"/logo" {
			t.Errorf("%s: defined %v, logo %q", o.ID, o.Defined, o.LogoURL)
		}
	}
	want := map[string]string{
		"datahub":   "DataHub core datasets | country_codes",
		"singstat":  "Singapore Department of Statistics (SingStat) | retail_prices",
		"undesa":    "Vụ Kinh tế và Xã hội Liên Hợp Quốc (UN DESA) | egdi",
		"worldbank": "Ngân hàng Thế giới | country_groups,gdp,internet_users,population",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
	resp, err := http.Get(base + "/organizations/worldbank/logo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("logo: %d %v", resp.StatusCode, resp.Header)
	}
	var e struct{ Error struct{ Message string } }
	getJSON(t, "GET", base+"/api/v1/organizations/nobody", "", 404, &e)
	if e.Error.Message != `no organization "nobody"; GET /api/v1/organizations lists them` {
		t.Errorf("unknown organisation: %q", e.Error.Message)
	}
	page := string(getBody(t, base+"/organizations/worldbank"))
	for _, w := range []string{"The World Bank", `href="https://data.worldbank.org"`, `<tr data-id="gdp">`, `<tr data-id="population">`} {
		if !strings.Contains(page, w) {
			t.Errorf("the organisation page lacks %q", w)
		}
	}
	if p := string(getBody(t, base+"/")); !strings.Contains(p, `<a href="/organizations/worldbank">worldbank</a>`) {
		t.Error("the catalogue does not link datasets to their organisation")
	}
}
