package rdf

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteTurtle writes the graph as Turtle, one block per subject.
func (g *Graph) WriteTurtle(w io.Writer) error {
	b := bufio.NewWriter(w)
	for _, p := range g.used() {
		fmt.Fprintf(b, "@prefix %s: <%s> .\n", p.Name, p.NS)
	}
	for _, s := range g.subjects() {
		fmt.Fprintf(b, "\n%s", turtleTerm(s.term))
		for i, p := range s.preds {
			sep := " ;\n    "
			if i == 0 {
				sep = "\n    "
			}
			pred := turtleTerm(IRI(p))
			if p == RDF+"type" {
				pred = "a"
			}
			objs := make([]string, len(s.objects[p]))
			for k, o := range s.objects[p] {
				objs[k] = turtleTerm(o)
			}
			fmt.Fprintf(b, "%s%s %s", sep, pred, strings.Join(objs, ", "))
		}
		b.WriteString(" .\n")
	}
	return b.Flush()
}

func turtleTerm(t Term) string {
	switch t.Kind {
	case KindBlank:
		return "_:" + t.Value
	case KindIRI:
		if p, local, ok := split(t.Value); ok {
			return p + ":" + local
		}
		return "<" + iriEscaper.Replace(t.Value) + ">"
	}
	s := `"` + literalEscaper.Replace(t.Value) + `"`
	switch {
	case t.Lang != "":
		return s + "@" + t.Lang
	case t.Datatype != "":
		return s + "^^" + turtleTerm(IRI(t.Datatype))
	}
	return s
}

// Turtle's string escapes (ECHAR), and the characters an IRI reference
// cannot hold, percent-encoded.
var (
	literalEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "\b", `\b`, "\f", `\f`)
	iriEscaper     = strings.NewReplacer(" ", "%20", "<", "%3C", ">", "%3E", `"`, "%22", "{", "%7B", "}", "%7D", "|", "%7C", "^", "%5E", "`", "%60", `\`, "%5C")
)

// WriteRDFXML writes the graph as RDF/XML: one rdf:Description per subject,
// every object by reference, so that no nesting rule is needed.
func (g *Graph) WriteRDFXML(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<rdf:RDF")
	used := g.used()
	if !hasPrefix(used, "rdf") {
		used = append([]Prefix{{"rdf", RDF}}, used...)
	}
	for _, p := range used {
		fmt.Fprintf(b, "\n    xmlns:%s=\"%s\"", p.Name, xmlEscape(p.NS))
	}
	b.WriteString(">\n")
	for _, s := range g.subjects() {
		if s.term.Kind == KindBlank {
			fmt.Fprintf(b, "  <rdf:Description rdf:nodeID=\"%s\">\n", s.term.Value)
		} else {
			fmt.Fprintf(b, "  <rdf:Description rdf:about=\"%s\">\n", xmlEscape(s.term.Value))
		}
		for _, p := range s.preds {
			prefix, local, ok := split(p)
			if !ok {
				return fmt.Errorf("write RDF/XML: predicate %s has no known namespace", p)
			}
			q := prefix + ":" + local
			for _, o := range s.objects[p] {
				switch {
				case o.Kind == KindIRI:
					fmt.Fprintf(b, "    <%s rdf:resource=\"%s\"/>\n", q, xmlEscape(o.Value))
				case o.Kind == KindBlank:
					fmt.Fprintf(b, "    <%s rdf:nodeID=\"%s\"/>\n", q, o.Value)
				case o.Lang != "":
					fmt.Fprintf(b, "    <%s xml:lang=\"%s\">%s</%s>\n", q, xmlEscape(o.Lang), xmlEscape(o.Value), q)
				case o.Datatype != "":
					fmt.Fprintf(b, "    <%s rdf:datatype=\"%s\">%s</%s>\n", q, xmlEscape(o.Datatype), xmlEscape(o.Value), q)
				default:
					fmt.Fprintf(b, "    <%s>%s</%s>\n", q, xmlEscape(o.Value), q)
				}
			}
		}
		b.WriteString("  </rdf:Description>\n")
	}
	b.WriteString("</rdf:RDF>\n")
	return b.Flush()
}

func hasPrefix(ps []Prefix, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// xmlEscape escapes text and attribute values; \r is kept as a reference
// so that an XML parser does not turn it into \n.
var xmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r", "&#13;", "\t", "&#9;").Replace

// WriteJSONLD writes the graph as flattened JSON-LD: a context of the
// prefixes used and one node object per subject in @graph.
func (g *Graph) WriteJSONLD(w io.Writer) error {
	ctx := map[string]string{}
	for _, p := range g.used() {
		ctx[p.Name] = p.NS
	}
	nodes := []map[string]any{}
	for _, s := range g.subjects() {
		n := map[string]any{"@id": jsonldID(s.term)}
		for _, p := range s.preds {
			var vals []any
			for _, o := range s.objects[p] {
				if p == RDF+"type" && o.Kind == KindIRI {
					vals = append(vals, compact(o.Value))
					continue
				}
				vals = append(vals, jsonldValue(o))
			}
			key := compact(p)
			if p == RDF+"type" {
				key = "@type"
			}
			n[key] = vals
		}
		nodes = append(nodes, n)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"@context": ctx, "@graph": nodes})
}

func jsonldID(t Term) string {
	if t.Kind == KindBlank {
		return "_:" + t.Value
	}
	return t.Value
}

func jsonldValue(o Term) map[string]string {
	switch {
	case o.Kind != KindLiteral:
		return map[string]string{"@id": jsonldID(o)}
	case o.Lang != "":
		return map[string]string{"@value": o.Value, "@language": o.Lang}
	case o.Datatype != "":
		return map[string]string{"@value": o.Value, "@type": compact(o.Datatype)}
	}
	return map[string]string{"@value": o.Value}
}

// compact shortens an IRI with a prefix of the context.
func compact(iri string) string {
	if p, local, ok := split(iri); ok {
		return p + ":" + local
	}
	return iri
}
