package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"govlake/internal/govlake"
)

// Chrome is what every page's layout needs besides its view: the title,
// the visitor's language (its messages, numbers and dates) and the
// links of the language switch (this page in each language).
type Chrome struct {
	Title string
	L     *locale
	Langs []langLink
	Head  Head
}

// Head is what a page adds to its head for machines: a JSON-LD block for
// search engines and the other documents that describe the same thing.
type Head struct {
	JSONLD     template.JS
	Alternates []Alternate
}

// Alternate is another representation of the page (its DCAT).
type Alternate struct{ Type, Href string }

// headed is a view that adds to its page's head.
type headed interface{ head() Head }

type langLink struct {
	Lang, Name, Href string
	Current          bool
}

// page is what a template is given: the chrome and the page's own view.
type page struct {
	Chrome
	V any
}

// chrome picks the request's language and makes the switch's links.
func (s *Server) chrome(w http.ResponseWriter, r *http.Request) Chrome {
	l := s.locales.pick(r)
	if r.URL.Query().Get("lang") == l.Code {
		// The choice holds for the next pages, which have no ?lang=.
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	c := Chrome{L: l}
	for _, o := range s.locales.all {
		q := cloneValues(r.URL.Query())
		q.Set("lang", o.Code)
		c.Langs = append(c.Langs, langLink{o.Code, o.Name, r.URL.Path + "?" + q.Encode(), o == l})
	}
	return c
}

// Titled is the chrome with the page's title.
func (c Chrome) Titled(title string) Chrome { c.Title = title; return c }

// Lang is the page's language code.
func (c Chrome) Lang() string { return c.L.Code }

// T is a message in the page's language.
func (c Chrome) T(key string, args ...any) string { return c.L.T(key, args...) }

// Num writes a count in the page's language.
func (c Chrome) Num(n any) string {
	if i, ok := n.(int); ok {
		n = int64(i)
	}
	return c.Cell(n)
}

// Date writes a time in the page's digits.
func (c Chrome) Date(t time.Time) string { return c.L.date(t) }

// Cell writes a value for people: numbers grouped by thousands in the
// page's marks and digits, never with an exponent (3,520,000,000, not
// 3.52e+09), every digit kept; anything else as in a CSV file.
func (c Chrome) Cell(v any) string {
	switch x := v.(type) {
	case int64:
		return c.L.number(strconv.FormatInt(x, 10))
	case uint64:
		return c.L.number(strconv.FormatUint(x, 10))
	case float64:
		return c.L.number(strconv.FormatFloat(x, 'f', -1, 64))
	case json.Number:
		return c.L.number(string(x))
	}
	return textCell(v)
}

// Local is a text in the page's language, or in English, with the
// language it is in (for the lang attribute that picks the font).
type Local struct {
	Text, Lang string
}

// In picks t's text for the page: in its language, else English, else
// fallback (the plain field), with the language it is in.
func (c Chrome) In(t govlake.Text, fallback string) Local {
	text, lang := t.Local(c.L.Code, fallback)
	return Local{text, lang}
}

// Status is a KPI status in words, in the page's language.
func (c Chrome) Status(st string) string { return c.T("status." + st) }

// statusMarks repeat each status in a sign, so that colour is never the
// only carrier.
var statusMarks = map[string]string{"achieved": "✔", "on_track": "↗", "needs_acceleration": "⚠",
	"regressing": "↘", "no_target": "–", "insufficient_data": "…", "error": "✖"}

// lang is the request's language code, for answers that carry texts in
// several languages (KPI and organisation titles).
func (s *Server) lang(r *http.Request) string { return s.locales.pick(r).Code }
