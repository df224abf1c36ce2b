package jsonschema

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	js "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"govlake/internal/govlake"
)

// Fast checks flat records a column at a time, for the keywords tabular
// schemas use: type, enum, const, format, minLength, maxLength, pattern,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf,
// required and additionalProperties: false. It reads the keywords from the
// schema the reference validator compiled, calls the same format and
// pattern functions, and builds its messages from the same error kinds, so
// its verdicts and errors are the reference's. Schemas with anything else
// (nested values, combinators, $ref, conditionals) get no fast path.
type Fast struct {
	s        *Schema
	props    map[string]*js.Schema
	required []string
	closed   bool // additionalProperties: false
}

// Fast returns the fast validator, or nil when the schema needs the
// reference validator.
func (s *Schema) Fast() *Fast {
	root := s.sch
	if !plainRoot(root) {
		return nil
	}
	f := &Fast{s: s, props: root.Properties, required: root.Required}
	switch ap := root.AdditionalProperties.(type) {
	case nil:
	case bool:
		f.closed = !ap
	default:
		return nil
	}
	for _, p := range root.Properties {
		if !plainProperty(p) {
			return nil
		}
	}
	return f
}

func plainRoot(r *js.Schema) bool {
	return r.Bool == nil && r.Ref == nil && r.RecursiveRef == nil && r.DynamicRef == nil &&
		r.Enum == nil && r.Const == nil && r.Not == nil && r.AllOf == nil && r.AnyOf == nil && r.OneOf == nil &&
		r.If == nil && r.Format == nil && r.MaxProperties == nil && r.MinProperties == nil && r.PropertyNames == nil &&
		len(r.PatternProperties) == 0 && len(r.Dependencies) == 0 && len(r.DependentRequired) == 0 &&
		len(r.DependentSchemas) == 0 && r.UnevaluatedProperties == nil && len(r.Extensions) == 0 &&
		(r.Types == nil || fmt.Sprint(r.Types.ToStrings()) == "[object]")
}

func plainProperty(p *js.Schema) bool {
	if p.Bool != nil {
		return false
	}
	return p.Ref == nil && p.RecursiveRef == nil && p.DynamicRef == nil && p.Not == nil && p.AllOf == nil &&
		p.AnyOf == nil && p.OneOf == nil && p.If == nil && p.MaxProperties == nil && p.MinProperties == nil &&
		p.Required == nil && p.PropertyNames == nil && p.Properties == nil && len(p.PatternProperties) == 0 &&
		p.AdditionalProperties == nil && len(p.Dependencies) == 0 && len(p.DependentRequired) == 0 &&
		len(p.DependentSchemas) == 0 && p.UnevaluatedProperties == nil && p.MinItems == nil && p.MaxItems == nil &&
		!p.UniqueItems && p.Contains == nil && p.Items == nil && p.AdditionalItems == nil && p.PrefixItems == nil &&
		p.Items2020 == nil && p.UnevaluatedItems == nil && p.ContentEncoding == nil && p.ContentMediaType == nil &&
		p.ContentSchema == nil && len(p.Extensions) == 0
}

// column holds one property's checks, prepared once.
type colCheck struct {
	name  string
	s     *js.Schema
	types map[string]bool
	want  []string
	enum  *valueSet
	bound [4]bound // minimum, maximum, exclusiveMinimum, exclusiveMaximum
}

type bound struct {
	r     *big.Rat
	f     float64
	exact bool // the bound is a float64's shortest decimal: float compares agree with Rat compares
}

func newBound(r *big.Rat) bound {
	if r == nil {
		return bound{}
	}
	f, _ := r.Float64()
	back, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	return bound{r: r, f: f, exact: ok && back.Cmp(r) == 0 && !math.IsInf(f, 0)}
}

// valueSet answers enum membership as the reference's equals does: strings
// and booleans by value, numbers by exact value.
type valueSet struct {
	strs  map[string]bool
	bools map[bool]bool
	nums  []*big.Rat
	null  bool
	kinds map[string]bool
}

func newValueSet(values []any) *valueSet {
	vs := &valueSet{strs: map[string]bool{}, bools: map[bool]bool{}, kinds: map[string]bool{}}
	for _, v := range values {
		switch x := v.(type) {
		case string:
			vs.strs[x] = true
			vs.kinds["string"] = true
		case bool:
			vs.bools[x] = true
			vs.kinds["boolean"] = true
		case nil:
			vs.null = true
		default:
			if r, ok := new(big.Rat).SetString(fmt.Sprint(x)); ok {
				vs.nums = append(vs.nums, r)
				vs.kinds["number"] = true
			} else {
				vs.kinds["other"] = true
			}
		}
	}
	return vs
}

func (vs *valueSet) has(v any) bool {
	switch x := v.(type) {
	case string:
		return vs.strs[x]
	case bool:
		return vs.bools[x]
	case int64, float64:
		r := numRat(v)
		for _, n := range vs.nums {
			if n.Cmp(r) == 0 {
				return true
			}
		}
	}
	return false
}

func numRat(v any) *big.Rat {
	r, _ := new(big.Rat).SetString(fmt.Sprint(v))
	return r
}

// Columns prepares the checks of the header's labels. Labels the schema
// does not name are extra: on a closed schema, a value in one is an error.
func (f *Fast) Columns(labels []string) *FastColumns {
	fc := &FastColumns{f: f, cols: make([]*colCheck, len(labels)), labels: labels}
	for i, l := range labels {
		p, ok := f.props[l]
		if !ok {
			continue
		}
		c := &colCheck{name: l, s: p}
		if p.Types != nil && !p.Types.IsEmpty() {
			c.want = p.Types.ToStrings()
			c.types = map[string]bool{}
			for _, t := range c.want {
				c.types[t] = true
			}
		}
		if p.Enum != nil {
			c.enum = newValueSet(p.Enum.Values)
		}
		c.bound = [4]bound{newBound(p.Minimum), newBound(p.Maximum), newBound(p.ExclusiveMinimum), newBound(p.ExclusiveMaximum)}
		fc.cols[i] = c
	}
	for _, r := range f.required {
		idx := -1
		for i, l := range labels {
			if l == r {
				idx = i
			}
		}
		fc.required = append(fc.required, req{name: r, index: idx})
	}
	return fc
}

// FastColumns checks batches of rows laid out by header position.
type FastColumns struct {
	f        *Fast
	labels   []string
	cols     []*colCheck
	required []req
}

type req struct {
	name  string
	index int // -1: not in the header
}

// Check checks every row of the batch, column by column, and calls bad for
// each violation with the row's index in the batch.
func (fc *FastColumns) Check(b *govlake.Batch, bad func(row int, v govlake.Violation)) {
	for ci, c := range fc.cols {
		vals, present := b.Values[ci], b.Present[ci]
		if c == nil {
			if fc.f.closed {
				for r := 0; r < b.N; r++ {
					if present[r] {
						bad(r, govlake.Violation{Column: fc.labels[ci], Keyword: "additionalProperties", Message: fmt.Sprintf("column %q is not allowed by the schema", fc.labels[ci])})
					}
				}
			}
			continue
		}
		for r := 0; r < b.N; r++ {
			if present[r] {
				c.check(fc.f.s, vals[r], r, bad)
			}
		}
	}
	for _, q := range fc.required {
		for r := 0; r < b.N; r++ {
			if q.index < 0 || !b.Present[q.index][r] {
				bad(r, govlake.Violation{Column: q.name, Keyword: "required", Message: fmt.Sprintf("%q is required but the cell is empty", q.name)})
			}
		}
	}
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
	f.bad(f.r, govlake.Violation{Column: f.c.name, Keyword: k.KeywordPath()[0], Message: k.LocalizedString(f.s.printer)})
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
