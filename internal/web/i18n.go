package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
	"golang.org/x/text/number"
)

// The page chrome's messages, one file per language (messages/xx.json,
// a flat map of message keys to text; English is the reference and the
// fallback). Adding a language is adding a file and its code to
// languageOrder; TestMessages fails until every key is translated.
//
//go:embed messages/*.json
var messageFS embed.FS

// languageOrder is the order of the language switch, English first.
var languageOrder = []string{"en", "my", "lo", "vi", "th", "km"}

// locale is one language of the page chrome: its messages and how it
// writes numbers (CLDR's symbols and digits, through x/text).
type locale struct {
	Code, Name string
	printer    *message.Printer
	group      string
	decimal    string
	digits     [10]string
}

// locales are the languages of the site and how a request picks one.
type locales struct {
	all     []*locale
	byCode  map[string]*locale
	matcher language.Matcher
}

// loadLocales reads the message files into an x/text catalog.
func loadLocales() (*locales, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	ls := &locales{byCode: map[string]*locale{}}
	var tags []language.Tag
	for _, code := range languageOrder {
		msgs, err := readMessages(code)
		if err != nil {
			return nil, err
		}
		tag := language.MustParse(code)
		for k, v := range msgs {
			if err := b.SetString(tag, k, v); err != nil {
				return nil, fmt.Errorf("message %s in messages/%s.json: %w", k, code, err)
			}
		}
		l := &locale{Code: code, Name: msgs["language.name"], printer: message.NewPrinter(tag, message.Catalog(b))}
		l.symbols()
		ls.all = append(ls.all, l)
		ls.byCode[code] = l
		tags = append(tags, tag)
	}
	ls.matcher = language.NewMatcher(tags)
	return ls, nil
}

func readMessages(code string) (map[string]string, error) {
	name := path.Join("messages", code+".json")
	data, err := messageFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var msgs map[string]string
	if err := json.Unmarshal(data, &msgs); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return msgs, nil
}

// symbols learns the language's group and decimal marks and digits from
// CLDR by writing probe numbers, so that a value's own digits can be
// rewritten exactly (x/text would round a float to its own precision).
func (l *locale) symbols() {
	for d := range 10 {
		l.digits[d] = l.printer.Sprint(number.Decimal(d))
	}
	probe := []rune(l.printer.Sprint(number.Decimal(1234.5, number.MinFractionDigits(1))))
	l.group, l.decimal = string(probe[1]), string(probe[5])
}

// pick chooses the request's language: ?lang=, the cookie the page
// with ?lang= set, the browser's Accept-Language, or English.
func (ls *locales) pick(r *http.Request) *locale {
	if l, ok := ls.byCode[r.URL.Query().Get("lang")]; ok {
		return l
	}
	if c, err := r.Cookie("lang"); err == nil {
		if l, ok := ls.byCode[c.Value]; ok {
			return l
		}
	}
	if accept := r.Header.Get("Accept-Language"); accept != "" {
		tags, _, err := language.ParseAcceptLanguage(accept)
		if err == nil && len(tags) > 0 {
			_, i, conf := ls.matcher.Match(tags...)
			if conf != language.No {
				return ls.all[i]
			}
		}
	}
	return ls.all[0]
}

// T is the message key in the locale's language, with fmt's verbs filled
// (numbers in the language's digits and marks).
func (l *locale) T(key string, args ...any) string { return l.printer.Sprintf(key, args...) }

// number rewrites a decimal written with ASCII digits, '-' and '.' in the
// locale's digits and marks, grouping the whole part by thousands; every
// digit is kept.
func (l *locale) number(s string) string {
	var b strings.Builder
	whole, frac, hasFrac := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return s // not a plain decimal: written as it is
		}
	}
	b.WriteString(sign)
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(l.group)
		}
		b.WriteString(l.digits[c-'0'])
	}
	if hasFrac {
		b.WriteString(l.decimal)
		for _, c := range frac {
			b.WriteString(l.digits[c-'0'])
		}
	}
	return b.String()
}

// date writes a time as an ISO date and time in UTC (one form every
// reader of the site can read), with the language's digits.
func (l *locale) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	var b strings.Builder
	for _, c := range t.UTC().Format("2006-01-02 15:04 UTC") {
		if c >= '0' && c <= '9' {
			b.WriteString(l.digits[c-'0'])
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// localize rewrites a number already written in English (digits, ','
// between thousands, '.' before decimals, a sign or a unit around them)
// in the locale's digits and marks.
func (l *locale) localize(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteString(l.digits[c-'0'])
		case c == ',':
			b.WriteString(l.group)
		case c == '.':
			b.WriteString(l.decimal)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
