package jsonschema

import (
	js "github.com/santhosh-tekuri/jsonschema/v6"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
	"math"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// fastFormats accept, for some formats, the plain text that most values
// are, without the reference's allocations; what they do not accept goes
// to the reference's own function. Each accepts only what that function
// accepts (FuzzFastFormats checks).
var fastFormats = map[string]func(string) bool{
	"date":  isDate,
	"email": isEmail,
	"uuid":  isUUID,
}

// isDate is the reference's date format (time.Parse with "2006-01-02")
// for the text it accepts fast: exactly YYYY-MM-DD, a real calendar day.
// Anything else is left to the reference's own function.
func isDate(s string) bool { return tabular.IsPlainDate(s) }

// isEmail accepts plain addresses: a local part of letters, digits and
// . _ + - (no dot first, last or twice), and a host name of labels of
// letters, digits and inner hyphens, within the reference's lengths.
func isEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at < 1 || at > 64 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	prev := byte('.')
	for i := 0; i < len(local); i++ {
		c := local[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '+', c == '-':
		case c == '.' && prev != '.':
		default:
			return false
		}
		prev = c
	}
	if prev == '.' || len(domain) == 0 || len(domain) > 253 {
		return false
	}
	label := 0
	prev = '.'
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			label++
		case c == '-' && prev != '.':
			label++
		case c == '.' && prev != '.' && prev != '-':
			label = 0
		default:
			return false
		}
		if label > 63 {
			return false
		}
		prev = c
	}
	return prev != '.' && prev != '-'
}

// isUUID is the reference's uuid format: 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// memo remembers a keyword's verdicts on repeated text (codes, categories,
// dates repeat in most columns), and stops remembering when values do not
// repeat.
type memo struct {
	seen          map[string]bool
	lookups, hits int
	off           bool
}

const (
	memoSize  = 4096
	memoTrial = 8192
)

func newMemo() *memo { return &memo{seen: make(map[string]bool)} }

func (m *memo) pass(x string, test func(string) bool) bool {
	if m.off {
		return test(x)
	}
	m.lookups++
	if v, ok := m.seen[x]; ok {
		m.hits++
		return v
	}
	if m.lookups == memoTrial && m.hits < memoTrial/2 {
		m.off, m.seen = true, nil
		return test(x)
	}
	v := test(x)
	if len(m.seen) < memoSize {
		m.seen[strings.Clone(x)] = v // x may be cut from a large chunk
	}
	return v
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64:
		return "integer"
	case float64:
		return "number"
	case nil:
		return "null"
	}
	return "other"
}

// failure reports one failed keyword of a value in row r.
type failure struct {
	c   *colCheck
	s   *Schema
	r   int
	bad func(int, govlake.Violation)
}

func (f failure) fail(k js.ErrorKind) {
	f.bad(f.r, govlake.Violation{Column: f.c.name, Keyword: k.KeywordPath()[0], Message: words(k, f.s.examples[f.c.name], f.s.printer)})
}

// check applies the reference's order: type, const, enum and format each
// end the checks of the value; then the string or number keywords all apply.
// Nothing is allocated unless the value fails.
func (c *colCheck) check(s *Schema, v any, r int, bad func(int, govlake.Violation)) {
	fail := failure{c, s, r, bad}.fail
	p := c.s
	t := typeName(v)
	if c.types != nil {
		ok := c.types[t]
		switch t {
		case "integer":
			ok = ok || c.types["number"]
		case "number":
			ok = ok || (c.types["integer"] && isIntegral(v.(float64)))
		}
		if !ok {
			jt := t
			if t == "integer" {
				jt = "number" // the reference names an int64 a number
			}
			fail(&kind.Type{Got: jt, Want: c.want})
			return
		}
	}
	if p.Const != nil {
		if !newValueSet([]any{*p.Const}).has(v) {
			fail(&kind.Const{Got: v, Want: *p.Const})
			return
		}
	}
	if c.enum != nil {
		kindOK := c.enum.kinds[t] || ((t == "integer" || t == "number") && c.enum.kinds["number"])
		if !kindOK || !c.enum.has(v) {
			fail(&kind.Enum{Got: v, Want: p.Enum.Values})
			return
		}
	}
	if p.Format != nil {
		if err := p.Format.Validate(v); err != nil {
			fail(&kind.Format{Got: v, Want: p.Format.Name, Err: err})
			return
		}
	}
	switch x := v.(type) {
	case string:
		if p.MinLength != nil || p.MaxLength != nil {
			n := utf8.RuneCountInString(x)
			if p.MinLength != nil && n < *p.MinLength {
				fail(&kind.MinLength{Got: n, Want: *p.MinLength})
			}
			if p.MaxLength != nil && n > *p.MaxLength {
				fail(&kind.MaxLength{Got: n, Want: *p.MaxLength})
			}
		}
		if p.Pattern != nil && !p.Pattern.MatchString(x) {
			fail(&kind.Pattern{Got: x, Want: p.Pattern.String()})
		}
	case int64, float64:
		c.checkNumber(v, fail)
	}
}

func isIntegral(f float64) bool { return f == math.Trunc(f) && !math.IsInf(f, 0) }

// cmp compares a number with a bound as the reference does (exact decimal
// values), with float arithmetic where that gives the same answer.
func cmp(v any, b bound) int {
	if b.exact {
		var f float64
		switch x := v.(type) {
		case int64:
			if x > -1<<53 && x < 1<<53 {
				f = float64(x)
			} else {
				return numRat(v).Cmp(b.r)
			}
		case float64:
			f = x
		}
		switch {
		case f < b.f:
			return -1
		case f > b.f:
			return 1
		}
		return 0
	}
	return numRat(v).Cmp(b.r)
}

func (c *colCheck) checkNumber(v any, fail func(js.ErrorKind)) {
	p := c.s
	if b := c.bound[0]; b.r != nil && cmp(v, b) < 0 {
		fail(&kind.Minimum{Got: numRat(v), Want: b.r})
	}
	if b := c.bound[1]; b.r != nil && cmp(v, b) > 0 {
		fail(&kind.Maximum{Got: numRat(v), Want: b.r})
	}
	if b := c.bound[2]; b.r != nil && cmp(v, b) <= 0 {
		fail(&kind.ExclusiveMinimum{Got: numRat(v), Want: b.r})
	}
	if b := c.bound[3]; b.r != nil && cmp(v, b) >= 0 {
		fail(&kind.ExclusiveMaximum{Got: numRat(v), Want: b.r})
	}
	if p.MultipleOf != nil {
		if q := new(big.Rat).Quo(numRat(v), p.MultipleOf); !q.IsInt() {
			fail(&kind.MultipleOf{Got: numRat(v), Want: p.MultipleOf})
		}
	}
}
