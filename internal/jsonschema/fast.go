package jsonschema

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	js "github.com/santhosh-tekuri/jsonschema/v6"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Fast checks flat records a column at a time, for the keywords tabular
// schemas use: type, enum, const, format, minLength, maxLength, pattern,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf,
// required and additionalProperties: false; a property may also be a $ref
// to such a schema (a local definition), or an anyOf of them (a nullable
// column as generators write it). It reads the keywords from the schema
// the reference validator compiled, calls the same format and pattern
// functions, and builds its messages from the same error kinds, so its
// verdicts and errors are the reference's; a value no anyOf branch
// certainly accepts is judged by the reference itself. Schemas with
// anything else (nested values, other combinators, conditionals) get no
// fast path.
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
	f := &Fast{s: s, props: map[string]*js.Schema{}, required: root.Required}
	switch ap := root.AdditionalProperties.(type) {
	case nil:
	case bool:
		f.closed = !ap
	default:
		return nil
	}
	for name, p := range root.Properties {
		p = deref(p)
		if !plainProperty(p) && !plainAnyOf(p) {
			return nil
		}
		f.props[name] = p
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

	// The typed loops (prepareFast): which apply, and their caches.
	strOK, intOK, floatOK bool
	multiple              int64             // an integral multipleOf, else 0
	fastFormat            func(string) bool // accepts a subset of what the format's function does, fast
	format, pattern       *memo
	verdicts              []bool // validString of verdictsOf's values
	verdictsOf            *tabular.Dictionary

	anyOf []*colCheck // an anyOf's branches, each with its loops
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
	few   []string // the strings when there are few: a loop is quicker than a map
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
			if !vs.strs[x] {
				vs.few = append(vs.few, x)
			}
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
	if len(vs.few) > fewStrings {
		vs.few = nil
	}
	return vs
}

// fewStrings is the most strings an enum checks by a loop: compares of
// short strings beat hashing (a two-value enum: 6.3 ns a cell, the map 9.2).
const fewStrings = 8

// hasString reports whether x is one of the set's strings.
func (vs *valueSet) hasString(x string) bool {
	if vs.few == nil {
		return vs.strs[x]
	}
	for _, s := range vs.few {
		if s == x {
			return true
		}
	}
	return false
}

func (vs *valueSet) has(v any) bool {
	switch x := v.(type) {
	case string:
		return vs.hasString(x)
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
// The result keeps caches: use one per goroutine.
func (f *Fast) Columns(labels []string) *FastColumns {
	fc := &FastColumns{f: f, cols: make([]*colCheck, len(labels)), labels: labels}
	for i, l := range labels {
		p, ok := f.props[l]
		if !ok {
			continue
		}
		c := newColCheck(l, p)
		for _, b := range p.AnyOf {
			c.anyOf = append(c.anyOf, newColCheck(l, deref(b)))
		}
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

func newColCheck(name string, p *js.Schema) *colCheck {
	c := &colCheck{name: name, s: p}
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
	c.prepareFast()
	return c
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
//
// Each column's typed loop only answers "certainly valid", by the same
// keywords in the same terms as the reference; any other value goes through
// check, the one place that reports, so messages never differ.
func (fc *FastColumns) Check(b *tabular.Batch, bad func(row int, v govlake.Violation)) {
	for ci, c := range fc.cols {
		vec := &b.Cols[ci]
		if c == nil {
			if fc.f.closed {
				for r := 0; r < b.N; r++ {
					if vec.Present[r] {
						bad(r, govlake.Violation{Column: fc.labels[ci], Keyword: "additionalProperties", Message: fmt.Sprintf("column %q is not allowed by the schema", fc.labels[ci])})
					}
				}
			}
			continue
		}
		if c.anyOf != nil {
			fc.checkAnyOf(c, vec, b.N, bad)
			continue
		}
		valid := c.validator(vec)
		for r := 0; r < b.N; r++ {
			if !vec.Present[r] {
				continue
			}
			if valid != nil && !vec.Bad[r] && valid(r) {
				continue
			}
			c.check(fc.f.s, vec.Value(r), r, bad)
		}
	}
	for _, q := range fc.required {
		for r := 0; r < b.N; r++ {
			if q.index < 0 || !b.Cols[q.index].Present[r] {
				bad(r, govlake.Violation{Column: q.name, Keyword: "required", Message: fmt.Sprintf("%q is required but the cell is empty", q.name)})
			}
		}
	}
}

// validator is the column's typed loop for vec's type: it answers
// "certainly valid" or nil when no loop applies.
func (c *colCheck) validator(vec *tabular.Vector) func(r int) bool {
	switch vec.Type {
	case govlake.JSONString:
		if c.strOK && vec.Codes != nil {
			// Each distinct value checked once (its verdict kept while
			// the column keeps its dictionary); a row reads its verdict.
			if c.verdictsOf != vec.Dict {
				c.verdictsOf, c.verdicts = vec.Dict, c.verdicts[:0]
			}
			for _, x := range vec.Dict.Values[len(c.verdicts):] {
				c.verdicts = append(c.verdicts, c.validString(x))
			}
			ok, codes := c.verdicts, vec.Codes
			return func(r int) bool { return ok[codes[r]] }
		}
		if c.strOK {
			return func(r int) bool { return c.validString(vec.Text[r]) }
		}
	case govlake.JSONInteger:
		if c.intOK {
			return func(r int) bool { return c.validInt(vec.Ints[r]) }
		}
	case govlake.JSONNumber:
		if c.floatOK {
			return func(r int) bool { return c.validFloat(vec.Floats[r]) }
		}
	}
	return nil
}

// prepareFast decides which typed loops may answer for this property: only
// those whose every keyword has an exact shortcut.
func (c *colCheck) prepareFast() {
	p := c.s
	typeOK := func(t string) bool { return c.types == nil || c.types[t] }
	c.strOK = typeOK("string") && p.Const == nil && (c.enum == nil || len(c.enum.strs) > 0)
	if p.Format != nil {
		c.format = newMemo()
		c.fastFormat = fastFormats[p.Format.Name]
	}
	if p.Pattern != nil {
		c.pattern = newMemo()
	}
	plainBounds := true
	for _, b := range c.bound {
		if b.r != nil && !b.exact {
			plainBounds = false
		}
	}
	num := p.Const == nil && p.Enum == nil && p.Format == nil && plainBounds
	c.floatOK = num && typeOK("number") && p.MultipleOf == nil
	if p.MultipleOf != nil && p.MultipleOf.IsInt() && p.MultipleOf.Num().IsInt64() && p.MultipleOf.Num().Int64() > 0 {
		c.multiple = p.MultipleOf.Num().Int64()
	}
	c.intOK = num && (typeOK("integer") || typeOK("number")) && (p.MultipleOf == nil || c.multiple > 0)
}

// validString reports whether a string certainly passes every keyword.
func (c *colCheck) validString(x string) bool {
	p := c.s
	if c.enum != nil && !c.enum.hasString(x) {
		return false
	}
	if p.Format != nil {
		if c.fastFormat == nil || !c.fastFormat(x) {
			if !c.format.pass(x, func(x string) bool { return p.Format.Validate(x) == nil }) {
				return false
			}
		}
	}
	if (p.MinLength != nil || p.MaxLength != nil) && !lengthSurely(x, p.MinLength, p.MaxLength) {
		n := len(x)
		if n > 0 && !tabular.IsASCII(x) {
			n = utf8.RuneCountInString(x)
		}
		if (p.MinLength != nil && n < *p.MinLength) || (p.MaxLength != nil && n > *p.MaxLength) {
			return false
		}
	}
	if p.Pattern != nil && !c.pattern.pass(x, p.Pattern.MatchString) {
		return false
	}
	return true
}

// lengthSurely reports whether x's length in characters is within the
// bounds whatever its characters: n bytes are from n/4 (rounded up) to n
// characters (an invalid byte counts as one), so most cells pass without
// being counted.
func lengthSurely(x string, least, most *int) bool {
	n := len(x)
	return (least == nil || (n+3)/4 >= *least) && (most == nil || n <= *most)
}

// validInt reports whether an integer certainly passes every keyword.
func (c *colCheck) validInt(x int64) bool {
	if x <= -1<<53 || x >= 1<<53 {
		return false // beyond exact float compares
	}
	if !c.inBounds(float64(x)) {
		return false
	}
	return c.multiple == 0 || x%c.multiple == 0
}

// validFloat reports whether a number certainly passes every keyword.
func (c *colCheck) validFloat(x float64) bool {
	return c.inBounds(x)
}

// inBounds compares with bounds that are exact as float64 (prepareFast
// sends others to check).
func (c *colCheck) inBounds(f float64) bool {
	if b := c.bound[0]; b.r != nil && !(f >= b.f) {
		return false
	}
	if b := c.bound[1]; b.r != nil && !(f <= b.f) {
		return false
	}
	if b := c.bound[2]; b.r != nil && !(f > b.f) {
		return false
	}
	if b := c.bound[3]; b.r != nil && !(f < b.f) {
		return false
	}
	return true
}
