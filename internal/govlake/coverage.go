package govlake

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
)

// Coverage describes a dataset to harvesters (DCAT) and search: who
// answers for it, keywords in other languages than the tags', EU data
// themes, the places it covers (country codes, "world" or places'
// addresses) and the time (a declared period, or the column whose range is
// each version's).
type Coverage struct {
	Contact        *Contact            `json:"contact,omitempty"`
	Keywords       map[string][]string `json:"keywords,omitempty"`
	Themes         []string            `json:"themes,omitempty"`
	Spatial        []string            `json:"spatial,omitempty"`
	Temporal       *Period             `json:"temporal,omitempty"`
	TemporalColumn string              `json:"temporal_column,omitempty"`
}

// Contact is who answers questions about a dataset (DCAT's contact point,
// CKAN's maintainer). Without one, the organisation's e-mail and website
// are the contact.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Period is a time span a dataset covers, each end a year (2010), a month
// (2010-06) or a day (2010-06-30); either end may be open.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Themes are the EU's data themes (the vocabulary DCAT-AP asks for), by
// code, with their English names.
var Themes = map[string]string{
	"AGRI":      "Agriculture, fisheries, forestry and food",
	"ECON":      "Economy and finance",
	"EDUC":      "Education, culture and sport",
	"ENER":      "Energy",
	"ENVI":      "Environment",
	"GOVE":      "Government and public sector",
	"HEAL":      "Health",
	"INTR":      "International issues",
	"JUST":      "Justice, legal system and public safety",
	"REGI":      "Regions and cities",
	"SOCI":      "Population and society",
	"TECH":      "Science and technology",
	"TRAN":      "Transport",
	"OP_DATPRO": "Provisional data",
}

// SpatialWorld is the spatial coverage of a dataset about every country.
const SpatialWorld = "world"

var (
	periodEnd   = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)
	countryCode = regexp.MustCompile(`^[A-Z]{3}$`)
)

// validateDescription checks what describes a dataset to harvesters:
// contact, themes, spatial and temporal coverage.
func (p *Pipeline) validateDescription(add func(string, ...any)) {
	if c := p.Contact; c != nil {
		if c.Email != "" {
			if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
				add("contact.email: %q is not an e-mail address (write it as name@example.org)", c.Email)
			}
		}
		if c.URL != "" && !strings.HasPrefix(c.URL, "https://") && !strings.HasPrefix(c.URL, "http://") {
			add("contact.url: %q must be an http(s) address", c.URL)
		}
		if c.Name == "" && c.Email == "" && c.URL == "" {
			add("contact: give a name, an email or a url (or leave contact out to use the organisation's)")
		}
	}
	for lang, words := range p.Keywords {
		if !languageCode.MatchString(lang) {
			add("keywords: %q is not a language code (en, my, lo, vi, th, km ...)", lang)
		}
		for _, w := range words {
			if strings.TrimSpace(w) == "" {
				add("keywords.%s: a keyword is empty", lang)
			}
		}
	}
	for _, t := range p.Themes {
		if _, ok := Themes[t]; !ok {
			add("themes: %q is not an EU data theme; use one of %s", t, themeCodes())
		}
	}
	for _, s := range p.Spatial {
		if s != SpatialWorld && !countryCode.MatchString(s) && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			add("spatial: %q must be an ISO 3166-1 alpha-3 country code (MMR, LAO, VNM), %q, or the http(s) address of a place", s, SpatialWorld)
		}
	}
	if t := p.Temporal; t != nil {
		for name, v := range map[string]string{"start": t.Start, "end": t.End} {
			if v != "" && !periodEnd.MatchString(v) {
				add("temporal.%s: %q must be a year (2010), a month (2010-06) or a day (2010-06-30)", name, v)
			}
		}
		if t.Start != "" && t.End != "" && t.End < t.Start {
			add("temporal: end %s is before start %s", t.End, t.Start)
		}
		if p.TemporalColumn != "" {
			add("temporal_column: give temporal or temporal_column, not both")
		}
	}
}

func themeCodes() string {
	codes := make([]string, 0, len(Themes))
	for c := range Themes {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return strings.Join(codes, ", ")
}

// TemporalCoverage is the time the latest version covers: the declared
// period, else the smallest and largest value of the temporal column
// (cut to a day), as the version's profile found them.
func (d *Detail) TemporalCoverage() (Period, bool) {
	if d.Temporal != nil {
		return *d.Temporal, true
	}
	if d.TemporalColumn == "" {
		return Period{}, false
	}
	for _, c := range d.Profile {
		if c.Name == d.TemporalColumn && c.Min != "" {
			p := Period{Start: cutDay(c.Min), End: cutDay(c.Max)}
			if periodEnd.MatchString(p.Start) && periodEnd.MatchString(p.End) {
				return p, true
			}
		}
	}
	return Period{}, false
}

func cutDay(v string) string {
	if len(v) > 10 && v[4] == '-' {
		return v[:10]
	}
	return v
}

// ContactOf is who answers for a dataset: its contact, else its
// organisation's e-mail and website under the organisation's name.
func ContactOf(m *Metadata, org *Organization) (Contact, bool) {
	if m.Contact != nil {
		return *m.Contact, true
	}
	if org == nil || (org.Email == "" && org.Website == "") {
		return Contact{}, false
	}
	return Contact{Name: org.Name.In("en"), Email: org.Email, URL: org.Website}, true
}
