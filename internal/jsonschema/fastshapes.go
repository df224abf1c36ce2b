package jsonschema

import (
	js "github.com/santhosh-tekuri/jsonschema/v6"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// The shapes besides plain properties: a $ref to a plain schema, and an
// anyOf of plain schemas (how generators write a nullable column).

// deref follows a property that is only a $ref to its target: the
// reference reports the target's errors as its own (leaves flattens
// references), so the target's checks are the property's.
func deref(p *js.Schema) *js.Schema {
	for range 16 {
		if p.Ref == nil {
			return p
		}
		q := *p
		q.Ref = nil
		if !noKeywords(&q) {
			return p
		}
		p = p.Ref
	}
	return p
}

// plainAnyOf says whether p is only an anyOf of plain schemas (each maybe
// a $ref to one).
func plainAnyOf(p *js.Schema) bool {
	if len(p.AnyOf) == 0 {
		return false
	}
	q := *p
	q.AnyOf = nil
	if !noKeywords(&q) {
		return false
	}
	for _, b := range p.AnyOf {
		if b := deref(b); !plainProperty(b) {
			return false
		}
	}
	return true
}

// noKeywords says whether s asserts nothing (annotations only).
func noKeywords(s *js.Schema) bool {
	return plainProperty(s) && s.Types == nil && s.Enum == nil && s.Const == nil && s.Format == nil &&
		s.Minimum == nil && s.Maximum == nil && s.ExclusiveMinimum == nil && s.ExclusiveMaximum == nil &&
		s.MinLength == nil && s.MaxLength == nil && s.Pattern == nil && s.MultipleOf == nil
}

// checkAnyOf accepts a value one of the branches' typed loops certainly
// accepts, and asks the reference about any other: an anyOf's verdict on a
// failing value (which branches failed, and why) is the reference's own.
func (fc *FastColumns) checkAnyOf(c *colCheck, vec *tabular.Vector, n int, bad func(int, govlake.Violation)) {
	var loops []func(int) bool
	for _, br := range c.anyOf {
		if v := br.validator(vec); v != nil {
			loops = append(loops, v)
		}
	}
	for r := 0; r < n; r++ {
		if !vec.Present[r] {
			continue
		}
		if !vec.Bad[r] && anyValid(loops, r) {
			continue
		}
		for _, v := range fc.f.s.Validate(map[string]any{c.name: vec.Value(r)}, nil) {
			if v.Column == c.name {
				bad(r, v)
			}
		}
	}
}

// anyValid says whether one of the loops certainly accepts row r (a plain
// loop: no closure made per row on this hot path).
func anyValid(loops []func(int) bool, r int) bool {
	for _, valid := range loops {
		if valid(r) {
			return true
		}
	}
	return false
}
