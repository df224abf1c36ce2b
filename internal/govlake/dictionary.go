package govlake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// ColumnDoc is one line of a dataset's data dictionary: a stored column
// with what its JSON Schema says of it, and example values.
type ColumnDoc struct {
	Column
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Required    bool         `json:"required"`
	Constraints []Constraint `json:"constraints,omitempty"`
	Examples    []string     `json:"examples,omitempty"`
}

// Constraint is a JSON Schema keyword that limits a column's values, with
// its value written out ("minimum", "0").
type Constraint struct {
	Keyword string `json:"keyword"`
	Value   string `json:"value"`
}

// constraintKeywords are the keywords a dictionary shows, in this order.
var constraintKeywords = []string{"format", "enum", "const", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum",
	"minLength", "maxLength", "pattern", "multipleOf"}

// Dictionary documents each column from the schema (title, description,
// required, constraints, examples) and, where the schema gives no
// examples, the profile's most frequent values (or, for a column of too
// many distinct values to count them, its smallest and largest).
func Dictionary(schema any, cols []Column, profile []ColumnProfile) []ColumnDoc {
	var s struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	raw, ok := schema.(json.RawMessage)
	if !ok {
		raw, _ = json.Marshal(schema)
	}
	json.Unmarshal(raw, &s)
	out := make([]ColumnDoc, 0, len(cols))
	for _, c := range cols {
		p := s.Properties[c.Name]
		d := ColumnDoc{Column: c, Required: slices.Contains(s.Required, c.Name)}
		d.Title, _ = p["title"].(string)
		d.Description, _ = p["description"].(string)
		for _, k := range constraintKeywords {
			if v, ok := p[k]; ok {
				d.Constraints = append(d.Constraints, Constraint{k, schemaValue(v)})
			}
		}
		if ex, ok := p["examples"].([]any); ok {
			for _, e := range ex {
				d.Examples = append(d.Examples, schemaValue(e))
			}
		}
		for _, pr := range profile {
			if pr.Name == c.Name && len(d.Examples) == 0 {
				for i, t := range pr.Top {
					if i < 3 {
						d.Examples = append(d.Examples, t.Value)
					}
				}
				if len(pr.Top) == 0 && pr.Min != "" {
					// Too many distinct values to list the most frequent: the range.
					d.Examples = append(d.Examples, pr.Min)
					if pr.Max != pr.Min {
						d.Examples = append(d.Examples, pr.Max)
					}
				}
			}
		}
		out = append(out, d)
	}
	return out
}

// schemaValue writes a keyword's value: text as it is, lists joined.
func schemaValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = schemaValue(e)
		}
		return strings.Join(parts, ", ")
	case float64:
		b, _ := json.Marshal(x)
		return string(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// License is a licence's full name and where its text is.
type License struct {
	ID, Name, URL string
}

// licenses are the licences open data portals use most, by SPDX id.
var licenses = map[string]License{
	"CC-BY-4.0":     {"CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"},
	"CC-BY-SA-4.0":  {"CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/"},
	"CC-BY-3.0-IGO": {"CC-BY-3.0-IGO", "Creative Commons Attribution 3.0 IGO", "https://creativecommons.org/licenses/by/3.0/igo/"},
	"CC0-1.0":       {"CC0-1.0", "Creative Commons Zero v1.0 Universal (public domain dedication)", "https://creativecommons.org/publicdomain/zero/1.0/"},
	"ODC-BY-1.0":    {"ODC-BY-1.0", "Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"},
	"ODbL-1.0":      {"ODbL-1.0", "Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"},
	"PDDL-1.0":      {"PDDL-1.0", "Open Data Commons Public Domain Dedication and License v1.0", "https://opendatacommons.org/licenses/pddl/1-0/"},
	"OGL-UK-3.0":    {"OGL-UK-3.0", "Open Government Licence v3.0", "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
	// CKAN's licence ids, and others the demo's sources use.
	"ODC-PDDL-1.0":                    {"ODC-PDDL-1.0", "Open Data Commons Public Domain Dedication and License v1.0", "https://opendatacommons.org/licenses/pddl/1-0/"},
	"odc-pddl":                        {"odc-pddl", "Open Data Commons Public Domain Dedication and License v1.0", "https://opendatacommons.org/licenses/pddl/1-0/"},
	"odc-odbl":                        {"odc-odbl", "Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"},
	"cc-by":                           {"cc-by", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"},
	"cc-zero":                         {"cc-zero", "Creative Commons Zero v1.0 Universal (public domain dedication)", "https://creativecommons.org/publicdomain/zero/1.0/"},
	"Singapore Open Data Licence 1.0": {"Singapore Open Data Licence 1.0", "Singapore Open Data Licence version 1.0", "https://data.gov.sg/open-data-licence"},
}

// LicenseOf names a licence id: its full name and link when it is a known
// SPDX id (any case), else the id itself without a link.
func LicenseOf(id string) License {
	for k, l := range licenses {
		if strings.EqualFold(k, id) {
			return l
		}
	}
	return License{ID: id, Name: id}
}
