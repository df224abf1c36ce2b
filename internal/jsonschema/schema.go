// Package jsonschema compiles a dataset's JSON Schema (draft 2020-12) with
// santhosh-tekuri/jsonschema and validates records against it, one at a
// time. It also derives the stored columns from the schema's properties.
package jsonschema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	js "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"govlake/internal/govlake"
)

// Schema is a compiled dataset schema.
type Schema struct {
	raw      []byte
	sha      string
	sch      *js.Schema
	columns  []govlake.Column
	required map[string]bool
	printer  *message.Printer
	examples map[string][]any // each property's "examples", for messages
}

// Load reads and compiles the schema file at path. Errors name the file and
// say what to fix.
func Load(path string) (*Schema, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "read schema %s: %w", path, err)
	}
	return Compile(path, raw)
}

// Compile compiles a schema given as bytes; name is used in messages and as
// its location.
func Compile(name string, raw []byte) (*Schema, error) {
	doc, err := js.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "schema %s is not valid JSON: %w", name, err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, govlake.Errorf(govlake.EINVALID, "schema %s: a dataset schema must be a JSON object with \"properties\"", name)
	}
	if t, ok := obj["type"]; ok && t != "object" {
		return nil, govlake.Errorf(govlake.EINVALID, "schema %s: \"type\" must be \"object\": each record is an object", name)
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	loc := "file://" + filepath.ToSlash(abs)
	c := js.NewCompiler()
	c.DefaultDraft(js.Draft2020)
	// Dates and times become typed columns, so their format must hold.
	c.AssertFormat()
	if err := c.AddResource(loc, doc); err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "schema %s: %w", name, err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "schema %s does not compile: %s", name, oneLine(err))
	}
	cols, required, err := columns(name, raw, obj)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &Schema{
		raw: raw, sha: hex.EncodeToString(sum[:]), sch: sch,
		columns: cols, required: required,
		printer:  message.NewPrinter(language.English),
		examples: examplesOf(obj),
	}, nil
}

// examplesOf collects each property's "examples".
func examplesOf(schema map[string]any) map[string][]any {
	out := map[string][]any{}
	props, _ := schema["properties"].(map[string]any)
	for name, p := range props {
		if def, ok := p.(map[string]any); ok {
			if ex, ok := def["examples"].([]any); ok {
				out[name] = ex
			}
		}
	}
	return out
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// Raw returns the schema file's bytes.
func (s *Schema) Raw() []byte { return s.raw }

// SHA256 returns the hex digest of the schema file.
func (s *Schema) SHA256() string { return s.sha }

// Columns returns the stored columns, in the order of the schema's properties.
func (s *Schema) Columns() []govlake.Column { return s.columns }

// Required returns the names of required properties.
func (s *Schema) Required() map[string]bool { return s.required }

// columns derives stored columns from top-level properties. The order is the
// order in the file, which a Go map would lose, so the keys are read again
// with a token decoder.
func columns(name string, raw []byte, obj map[string]any) ([]govlake.Column, map[string]bool, error) {
	props, _ := obj["properties"].(map[string]any)
	if len(props) == 0 {
		return nil, nil, govlake.Errorf(govlake.EINVALID, "schema %s: \"properties\" must name at least one column", name)
	}
	required := map[string]bool{}
	if req, ok := obj["required"].([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	}
	order, err := propertyOrder(raw)
	if err != nil {
		return nil, nil, govlake.Errorf(govlake.EINVALID, "schema %s: %w", name, err)
	}
	var cols []govlake.Column
	for _, p := range order {
		def, _ := props[p].(map[string]any)
		c, err := column(p, shape(def, obj), required[p])
		if err != nil {
			return nil, nil, govlake.Errorf(govlake.EINVALID, "schema %s: property %q: %w", name, p, err)
		}
		cols = append(cols, c)
	}
	return cols, required, nil
}

// column maps one property to a stored column: integer → int64, number →
// float64, boolean → bool, string with format date → date32, with format
// date-time → timestamp (UTC), other strings → string; a type list with
// "null", or a property that is not required, makes the column nullable.
func column(name string, def map[string]any, required bool) (govlake.Column, error) {
	var types []string
	nullable := !required
	switch t := def["type"].(type) {
	case nil:
		types = []string{"string"}
	case string:
		types = []string{t}
	case []any:
		for _, v := range t {
			s, _ := v.(string)
			if s == "null" {
				nullable = true
				continue
			}
			types = append(types, s)
		}
	}
	c := govlake.Column{Name: name, Nullable: nullable, JSONType: govlake.JSONString, Type: govlake.TypeString}
	if len(types) != 1 {
		// Several types: the cell stays text.
		return c, nil
	}
	switch types[0] {
	case "integer":
		c.JSONType, c.Type = govlake.JSONInteger, govlake.TypeInt64
	case "number":
		c.JSONType, c.Type = govlake.JSONNumber, govlake.TypeFloat64
	case "boolean":
		c.JSONType, c.Type = govlake.JSONBoolean, govlake.TypeBool
	case "string":
		switch def["format"] {
		case "date":
			c.Type = govlake.TypeDate
		case "date-time":
			c.Type = govlake.TypeTimestamp
		}
	case "object", "array":
		return c, errors.New("nested objects and arrays are not supported in tabular datasets")
	default:
		return c, fmt.Errorf("unknown type %q", types[0])
	}
	return c, nil
}

// shape gives the keywords that decide a property's column: those of the
// local definition a $ref names ("#/$defs/x", "#/definitions/x"), and for
// an anyOf of simple schemas a type list of its branches' types, with the
// branches' format when they share one. Anything else is left as it is
// (the column is then text, as for several types).
func shape(def, root map[string]any) map[string]any {
	def = follow(def, root)
	branches, ok := def["anyOf"].([]any)
	if !ok || def["type"] != nil || def["$ref"] != nil {
		return def
	}
	var types []any
	formats := map[any]bool{}
	for _, b := range branches {
		bd, _ := b.(map[string]any)
		bd = follow(bd, root)
		switch t := bd["type"].(type) {
		case string:
			types = append(types, t)
		case []any:
			types = append(types, t...)
		default:
			return def
		}
		if bd["type"] != "null" {
			formats[bd["format"]] = true
		}
	}
	out := map[string]any{"type": dedupe(types)}
	if len(formats) == 1 {
		for f := range formats {
			if f != nil {
				out["format"] = f
			}
		}
	}
	return out
}

// follow resolves a local $ref, as often as it leads to another.
func follow(def, root map[string]any) map[string]any {
	for range 16 {
		ref, ok := def["$ref"].(string)
		if !ok {
			return def
		}
		var target any = root
		for _, seg := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := target.(map[string]any)
			target = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)]
		}
		next, ok := target.(map[string]any)
		if !strings.HasPrefix(ref, "#/") || !ok {
			return def
		}
		def = next
	}
	return def
}

func dedupe(types []any) []any {
	var out []any
	seen := map[any]bool{}
	for _, t := range types {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func propertyOrder(raw []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if tok != "properties" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil, errors.New("\"properties\" must be an object")
		}
		var keys []string
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			keys = append(keys, k.(string))
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
		return keys, nil
	}
	return nil, nil
}

// Validate checks one record. The record's values are what ConvertCell
// produced: int64, float64, bool or string. It returns the leaf violations,
// nil when the record is valid.
func (s *Schema) Validate(record map[string]any, out []govlake.Violation) []govlake.Violation {
	err := s.sch.Validate(record)
	if err == nil {
		return out
	}
	var ve *js.ValidationError
	if !errors.As(err, &ve) {
		return append(out, govlake.Violation{Keyword: "schema", Message: "the record could not be checked against the schema"})
	}
	start := len(out)
	out = s.leaves(ve, out)
	// The validator visits properties in map order: sort for stable reports.
	found := out[start:]
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].Column != found[j].Column {
			return found[i].Column < found[j].Column
		}
		return found[i].Keyword < found[j].Keyword
	})
	return out
}

func (s *Schema) leaves(e *js.ValidationError, out []govlake.Violation) []govlake.Violation {
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				out = s.leaves(c, out)
			}
			return out
		}
	case *kind.Required:
		for _, m := range k.Missing {
			out = append(out, govlake.Violation{Column: m, Keyword: "required", Message: fmt.Sprintf("%q is required but the cell is empty", m)})
		}
		return out
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			out = append(out, govlake.Violation{Column: p, Keyword: "additionalProperties", Message: fmt.Sprintf("column %q is not allowed by the schema", p)})
		}
		return out
	}
	col := ""
	if len(e.InstanceLocation) > 0 {
		col = e.InstanceLocation[0]
	}
	kw := "schema"
	if p := e.ErrorKind.KeywordPath(); len(p) > 0 {
		kw = p[0]
	}
	return append(out, govlake.Violation{Column: col, Keyword: kw, Message: words(e.ErrorKind, s.examples[col], s.printer)})
}
