package web

import (
	"net/http"
	"slices"
	"strings"

	"govlake/internal/govlake"
)

// CKAN's smaller read actions: groups (govlake's groups are the EU data
// themes its datasets name), resource_show, site_read and help_show.

// ckanGroupList lists the themes the datasets one sees are in, by name;
// all_fields=true gives each group's fields and package count.
func ckanGroupList(s *Server, r *http.Request) (any, error) {
	sums, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	for _, sum := range sums {
		d, err := s.catalog.Dataset(r.Context(), sum.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range d.Themes {
			count[t]++
		}
	}
	codes := make([]string, 0, len(count))
	for c := range count {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	if ckanParam(r, "all_fields") != "true" {
		names := []string{}
		for _, c := range codes {
			names = append(names, strings.ToLower(c))
		}
		return names, nil
	}
	type group struct {
		CKANGroupRef
		PackageCount   int    `json:"package_count"`
		Type           string `json:"type"`
		IsOrganization bool   `json:"is_organization"`
		State          string `json:"state"`
	}
	out := []group{}
	for _, c := range codes {
		out = append(out, group{ckanGroup(s.baseURL(r), c), count[c], "group", false, "active"})
	}
	return out, nil
}

// ckanResourceShow finds a resource by its id among the packages' resources.
func ckanResourceShow(s *Server, r *http.Request) (*CKANResource, error) {
	id, err := required(r, "id")
	if err != nil {
		return nil, err
	}
	base := s.baseURL(r)
	sums, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, err
	}
	for _, sum := range sums {
		if sum.Version == 0 {
			continue
		}
		d, err := s.catalog.Dataset(r.Context(), sum.ID)
		if err != nil {
			return nil, err
		}
		for _, res := range ckanResources(base, d) {
			if res.ID == id {
				return &res, nil
			}
		}
	}
	return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found")
}

// ckanSiteRead says the site may be read, as CKAN does.
func ckanSiteRead(s *Server, r *http.Request) (bool, error) { return true, nil }

// ckanHelpShow gives an action's description, from the route table.
func ckanHelpShow(s *Server, r *http.Request) (string, error) {
	name, err := required(r, "name")
	if err != nil {
		return "", err
	}
	for _, rt := range routes() {
		if rt.path == "/api/3/action/"+name {
			return rt.summary, nil
		}
	}
	return "", govlake.Errorf(govlake.ENOTFOUND, "Action name not known: %s", name)
}
