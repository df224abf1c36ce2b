package govlake

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Organization is a ministry or agency that publishes datasets: the owner
// named by a pipeline's organization and a KPI's owner.
type Organization struct {
	ID          string `json:"id"`
	Name        Text   `json:"name"`
	Description Text   `json:"description,omitempty"`
	Website     string `json:"website,omitempty"`
	Email       string `json:"email,omitempty"`
	// Logo is the logo file's path, resolved against the organisation
	// file's folder; it is served, never shown.
	Logo string `json:"-"`
	// Review "required" makes every upload a draft that a publisher of the
	// organisation publishes.
	Review string `json:"review,omitempty"`
	// Created is when the organisation's file was last written.
	Created time.Time `json:"created"`
	File    string    `json:"-"`
}

// Logo files an organisation may have, by extension.
var LogoTypes = map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml", ".webp": "image/webp"}

// MaxLogoBytes is the largest logo served.
const MaxLogoBytes = 1 << 20

// Validate names every problem of an organisation definition.
func (o *Organization) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...)})
	}
	if !DatasetIDPattern.MatchString(o.ID) {
		add("id: %q must match %s", o.ID, DatasetIDPattern)
	}
	if o.Name.In("en") == "" {
		add("name: required (a text, or a map of languages with en)")
	}
	if o.Website != "" {
		if u, err := url.Parse(o.Website); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("website: %q must be an http(s) address", o.Website)
		}
	}
	if o.Email != "" {
		if a, err := mail.ParseAddress(o.Email); err != nil || a.Address != o.Email {
			add("email: %q must be an e-mail address such as data@moh.gov.mm", o.Email)
		}
	}
	if o.Logo != "" {
		ext := ""
		if i := strings.LastIndex(o.Logo, "."); i >= 0 {
			ext = strings.ToLower(o.Logo[i:])
		}
		if LogoTypes[ext] == "" {
			add("logo: %q must be a .png, .jpg, .svg or .webp file", o.Logo)
		}
	}
	switch o.Review {
	case "", "none", "required":
	default:
		add("review: %q must be required or none", o.Review)
	}
	return errors.Join(errs...)
}
