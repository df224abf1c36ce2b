package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// Org is an organisation in the API: its texts in the language asked for.
type Org struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Names       govlake.Text `json:"names"`
	Description string       `json:"description,omitempty"`
	Website     string       `json:"website,omitempty"`
	Email       string       `json:"email,omitempty"`
	LogoURL     string       `json:"logo_url,omitempty"`
	Review      string       `json:"review,omitempty"`
	// Defined says an organisation file defines it; otherwise only its
	// datasets name it.
	Defined  bool     `json:"defined"`
	Datasets []string `json:"datasets"`
}

// OrgList is GET /api/v1/organizations.
type OrgList struct {
	Organizations []Org `json:"organizations"`
}

func orgOf(o *catalog.OrgSummary, lang string) Org {
	out := Org{ID: o.ID, Name: o.Name.In(lang), Names: o.Name, Description: o.Description.In(lang),
		Website: o.Website, Email: o.Email, Review: o.Review, Defined: o.Defined, Datasets: []string{}}
	if o.Logo != "" {
		out.LogoURL = "/organizations/" + o.ID + "/logo"
	}
	for _, d := range o.Datasets {
		out.Datasets = append(out.Datasets, d.ID)
	}
	return out
}

func (s *Server) apiOrganizations(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.catalog.Organizations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list := OrgList{Organizations: []Org{}}
	for _, o := range orgs {
		list.Organizations = append(list.Organizations, orgOf(o, s.lang(r)))
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) apiOrganization(w http.ResponseWriter, r *http.Request) {
	o, err := s.catalog.Organization(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgOf(o, s.lang(r)))
}

// logo serves an organisation's logo file.
func (s *Server) logo(w http.ResponseWriter, r *http.Request) {
	o, err := s.catalog.Organization(r.Context(), r.PathValue("id"))
	if err == nil && o.Logo == "" {
		err = govlake.Errorf(govlake.ENOTFOUND, "organization %s has no logo", o.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := os.ReadFile(o.Logo)
	if err != nil || len(b) > govlake.MaxLogoBytes {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "the logo of %s cannot be read", o.ID))
		return
	}
	w.Header().Set("Content-Type", govlake.LogoTypes[strings.ToLower(filepath.Ext(o.Logo))])
	w.Header().Set("Cache-Control", "public, max-age=3600")
	// A logo is shown as an image, never run: an SVG's scripts stay inert.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	w.Write(b)
}

// orgsView is /organizations; orgView one organisation's page.
type orgsView struct {
	Orgs []Org
}

type orgView struct {
	Org
	Datasets []govlake.Summary
}

func (s *Server) pageOrganizations(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.catalog.Organizations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := orgsView{}
	for _, o := range orgs {
		v.Orgs = append(v.Orgs, orgOf(o, s.lang(r)))
	}
	s.render(w, r, "orgs.html", v)
}

func (s *Server) pageOrganization(w http.ResponseWriter, r *http.Request) {
	o, err := s.catalog.Organization(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "org.html", orgView{Org: orgOf(o, s.lang(r)), Datasets: o.Datasets})
}
