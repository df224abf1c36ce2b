package jsonschema

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	js "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/message"

	"govlake/internal/tabular"
)

// words says in plain words what a failed keyword means for a value, the
// same for both validators: the bound or the pattern it missed, what a
// valid value looks like, never the validator's or Go's own text. examples
// are the property's "examples", if the schema gives them.
func words(k js.ErrorKind, examples []any, printer *message.Printer) string {
	switch k := k.(type) {
	case *kind.Minimum:
		return fmt.Sprintf("%s is less than the minimum, %s", rat(k.Got), rat(k.Want))
	case *kind.Maximum:
		return fmt.Sprintf("%s is more than the maximum, %s", rat(k.Got), rat(k.Want))
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("%s must be more than %s", rat(k.Got), rat(k.Want))
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("%s must be less than %s", rat(k.Got), rat(k.Want))
	case *kind.MultipleOf:
		return fmt.Sprintf("%s is not a multiple of %s", rat(k.Got), rat(k.Want))
	case *kind.MinLength:
		return fmt.Sprintf("the text is %s long; it must be at least %s", chars(k.Got), chars(k.Want))
	case *kind.MaxLength:
		return fmt.Sprintf("the text is %s long; it must be at most %s", chars(k.Got), chars(k.Want))
	case *kind.Pattern:
		return fmt.Sprintf("%q does not match the pattern %s%s", clip(k.Got), k.Want, suchAs(examples))
	case *kind.Enum:
		return fmt.Sprintf("%s is not one of the allowed values: %s", value(k.Got), list(k.Want))
	case *kind.Const:
		return fmt.Sprintf("%s must be %s", value(k.Got), value(k.Want))
	case *kind.Type:
		return fmt.Sprintf("the value is %s; the schema wants %s", article(k.Got), strings.Join(k.Want, " or "))
	case *kind.Format:
		return formatWords(k, examples)
	}
	// Keywords flat tables rarely use: the validator's text, without its
	// leading keyword (the rejection names the keyword already).
	s := k.LocalizedString(printer)
	if p := k.KeywordPath(); len(p) > 0 {
		s = strings.TrimPrefix(s, p[0]+": ")
	}
	return s
}

// formatWords explains a value that is not in its format.
func formatWords(k *kind.Format, examples []any) string {
	got := fmt.Sprint(k.Got)
	switch k.Want {
	case "date":
		return dateWords(got)
	case "date-time":
		return fmt.Sprintf("%q is not a date and time in RFC 3339 form, such as 2024-01-31T09:30:00Z or 2024-01-31T16:30:00+07:00", clip(got))
	case "time":
		return fmt.Sprintf("%q is not a time of day in RFC 3339 form, such as 09:30:00Z", clip(got))
	case "email":
		return fmt.Sprintf("%q is not an e-mail address%s", clip(got), suchAs(examples))
	case "uuid":
		return fmt.Sprintf("%q is not a UUID (32 hexadecimal digits in groups of 8-4-4-4-12)", clip(got))
	case "uri", "iri":
		return fmt.Sprintf("%q is not an absolute address (URI), such as https://example.org/page", clip(got))
	case "ipv4", "ipv6":
		return fmt.Sprintf("%q is not an %s address", clip(got), strings.ToUpper(k.Want[:2])+k.Want[2:])
	}
	return fmt.Sprintf("%q is not a valid %s%s", clip(got), k.Want, suchAs(examples))
}

var dateForm = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// dateWords says why text is not a date: its form, or the day that does
// not exist.
func dateWords(s string) string {
	m := dateForm.FindStringSubmatch(s)
	if m == nil {
		return fmt.Sprintf("%q is not a date written YYYY-MM-DD, such as 2024-01-31", clip(s))
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if mo < 1 || mo > 12 {
		return fmt.Sprintf("%q is not a real date (there is no month %d)", s, mo)
	}
	month := time.Month(mo)
	days := time.Date(y, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch {
	case month == time.February && d == 29:
		return fmt.Sprintf("%q is not a real date (%d is not a leap year: February has 28 days)", s, y)
	case month == time.February:
		return fmt.Sprintf("%q is not a real date (February has 28 or 29 days)", s)
	case d < 1 || d > days:
		return fmt.Sprintf("%q is not a real date (%s has %d days)", s, month, days)
	}
	return fmt.Sprintf("%q is not a date written YYYY-MM-DD, such as 2024-01-31", s)
}

// rat writes an exact number as people write it.
func rat(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func chars(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

// value writes a JSON value for a message: text quoted, cut at 200
// characters.
func value(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", clip(x))
	case nil:
		return "empty"
	}
	return clip(fmt.Sprint(v))
}

// list writes allowed values, at most 10 of them.
func list(vs []any) string {
	var out []string
	for i, v := range vs {
		if i == 10 {
			out = append(out, fmt.Sprintf("and %d more", len(vs)-10))
			break
		}
		out = append(out, value(v))
	}
	return strings.Join(out, ", ")
}

func article(t string) string {
	switch t {
	case "string":
		return "text"
	case "null":
		return "empty"
	case "integer":
		return "an integer"
	case "array", "object":
		return "an " + t
	}
	return "a " + t
}

// suchAs offers the schema's first example of a valid value.
func suchAs(examples []any) string {
	if len(examples) == 0 {
		return ""
	}
	return "; a valid value looks like " + value(examples[0])
}

// clip cuts a value for a message, so a huge cell makes a short message.
func clip(s string) string { return tabular.Clip(s, 200) }
