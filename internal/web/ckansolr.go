package web

import (
	"strings"
	"time"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// The part of Solr's query syntax that CKAN clients and harvesters send in
// package_search's q and fq: field:value, field:"a value", +field:value,
// -field:value, terms joined by OR, field:(a OR b), date ranges
// field:[2024-01-01T00:00:00Z TO *], and *:*. This file only reads the
// syntax into the catalogue's clauses; the catalogue applies them.

// solrFields maps CKAN's field names to the catalogue's clause fields;
// frequency and language are filters of the search index.
var solrFields = map[string]string{
	"organization": "organization", "owner_org": "owner_org", "tags": "tags", "groups": "groups", "res_format": "format",
	"license_id": "license", "name": "name", "id": "id", "metadata_modified": "modified", "metadata_created": "created",
	"frequency": "frequency", "language": "language",
}

// indexFilters are the fields the search index filters on itself.
var indexFilters = map[string]string{"organization": "organization", "tags": "tags", "license_id": "license", "res_format": "format", "frequency": "frequency", "language": "language"}

// solrFieldList names the fields, for messages.
const solrFieldList = "organization, owner_org, tags, groups, res_format, license_id, name, id, metadata_modified, metadata_created, frequency, language"

// solrTokens cuts a query into terms and OR, keeping quoted values,
// ranges and parenthesised groups whole.
func solrTokens(q string) []string {
	var out []string
	var b strings.Builder
	depth, quoted := 0, false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[' || r == '(':
			depth++
		case r == ']' || r == ')':
			depth--
		case depth <= 0 && (r == ' ' || r == '\t' || r == '\n'):
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// solrQuery is what q or fq asks: plain words, the catalogue's clauses and
// the index's filters.
type solrQuery struct {
	Words   []string
	Clauses []catalog.Clause
	Filters map[string][]string
}

// parseSolr reads q or fq (param names it in messages). Terms joined by OR
// must name one field; a plain word may not be joined by OR.
func parseSolr(param, q string, into *solrQuery) error {
	toks := solrTokens(q)
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		if tok == "*:*" || tok == "*" {
			continue
		}
		if tok == "OR" || tok == "AND" {
			return govlake.Errorf(govlake.EINVALID, "%s: %q must stand between two field:value terms", param, tok)
		}
		group := []string{tok}
		for i+2 < len(toks) && toks[i+1] == "OR" {
			group = append(group, toks[i+2])
			i += 2
		}
		if i+1 < len(toks) && toks[i+1] == "AND" {
			i++ // AND is what terms side by side mean anyway
		}
		if err := solrGroup(param, group, into); err != nil {
			return err
		}
	}
	return nil
}

// solrGroup adds one term, or terms joined by OR, as one clause.
func solrGroup(param string, group []string, into *solrQuery) error {
	var cl catalog.Clause
	for k, term := range group {
		not := strings.HasPrefix(term, "-")
		term = strings.TrimLeft(term, "+-")
		name, value, ok := strings.Cut(term, ":")
		if !ok {
			if len(group) > 1 {
				return govlake.Errorf(govlake.EINVALID, "%s: OR joins field:value terms, not the word %q; search words are all required", param, term)
			}
			into.Words = append(into.Words, strings.Trim(term, `"`))
			return nil
		}
		field, known := solrFields[name]
		if idx, ok := indexFilters[name]; ok && len(group) == 1 && !not && !strings.HasPrefix(value, "(") {
			// One required value of a field the search index knows: a
			// filter of the index, whose facets then count as before.
			v := strings.Trim(value, `"`)
			if idx == "format" {
				v = strings.ToLower(v) // CKAN writes formats upper-case; the index keeps them as read
			}
			into.Filters[idx] = append(into.Filters[idx], v)
			return nil
		}
		if !known {
			return govlake.Errorf(govlake.EINVALID, "%s: field %q is not supported (%s)", param, name, solrFieldList)
		}
		if k == 0 {
			cl = catalog.Clause{Field: field, Not: not}
		} else if field != cl.Field || not != cl.Not {
			return govlake.Errorf(govlake.EINVALID, "%s: the terms joined by OR must name one field the same way (%s)", param, strings.Join(group, " OR "))
		}
		if err := solrValue(param, name, value, &cl); err != nil {
			return err
		}
	}
	into.Clauses = append(into.Clauses, cl)
	return nil
}

// solrValue reads a term's value: a word, "a phrase", (a OR b), or a range.
func solrValue(param, name, value string, cl *catalog.Clause) error {
	if strings.HasPrefix(value, "[") {
		if cl.Field != "modified" && cl.Field != "created" {
			return govlake.Errorf(govlake.EINVALID, "%s: %s takes a value, not a range", param, name)
		}
		from, to, ok := strings.Cut(strings.Trim(value, "[]"), " TO ")
		if !ok || !strings.HasSuffix(value, "]") {
			return govlake.Errorf(govlake.EINVALID, "%s: %q must be a range such as [2024-01-01T00:00:00Z TO *]", param, value)
		}
		var err error
		if cl.From, err = solrTime(param, strings.TrimSpace(from)); err != nil {
			return err
		}
		cl.To, err = solrTime(param, strings.TrimSpace(to))
		return err
	}
	if cl.Field == "modified" || cl.Field == "created" {
		return govlake.Errorf(govlake.EINVALID, "%s: %s takes a range such as [2024-01-01T00:00:00Z TO *]", param, name)
	}
	if strings.HasPrefix(value, "(") && strings.HasSuffix(value, ")") {
		for _, v := range strings.Split(strings.Trim(value, "()"), " OR ") {
			cl.Values = append(cl.Values, strings.Trim(strings.TrimSpace(v), `"`))
		}
		return nil
	}
	cl.Values = append(cl.Values, strings.Trim(value, `"`))
	return nil
}

// solrTime reads one end of a range: * is open; times as Solr writes them
// (UTC, Z, fractions of a second as Python's isoformat makes them).
func solrTime(param, v string) (time.Time, error) {
	if v == "*" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, govlake.Errorf(govlake.EINVALID, "%s: %q must be a time such as 2024-01-01T00:00:00Z, or *", param, v)
}

// ckanSorts maps CKAN's sort fields to the catalogue's orders.
var ckanSorts = map[string]string{"name": "id", "title": "title", "title_string": "title", "metadata_modified": "modified",
	"metadata_created": "created", "id": "package_id"}

// solrSort reads sort: comma-separated "field dir" pairs, of which the
// first decides ("score" only when there are words to score; CKAN's
// default is "score desc, metadata_modified desc").
func solrSort(spec string, words bool) (field string, desc bool, err error) {
	for _, part := range strings.Split(spec, ",") {
		name, dir, _ := strings.Cut(strings.TrimSpace(part), " ")
		dir = strings.ToLower(strings.TrimSpace(dir))
		if dir != "" && dir != "asc" && dir != "desc" {
			return "", false, govlake.Errorf(govlake.EINVALID, "sort: %q: the direction is asc or desc", part)
		}
		if name == "score" {
			if words {
				return "", false, nil
			}
			continue
		}
		f, ok := ckanSorts[name]
		if !ok {
			return "", false, govlake.Errorf(govlake.EINVALID, "sort: %q is not supported (score, id, name, title_string, metadata_modified, metadata_created; asc or desc)", name)
		}
		return f, dir == "desc", nil
	}
	return "modified", true, nil
}
