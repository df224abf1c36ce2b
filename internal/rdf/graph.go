// Package rdf holds a small RDF graph and writes it as Turtle, RDF/XML and
// JSON-LD: enough for the catalogue's DCAT and schema.org descriptions,
// which are built as triples once and written in whichever syntax a
// harvester asks for, so the three always say the same thing.
package rdf

import (
	"fmt"
	"sort"
	"strings"
)

// Kind is what a term is.
type Kind int

// The kinds of term.
const (
	KindIRI Kind = iota
	KindBlank
	KindLiteral
)

// Term is an IRI, a blank node or a literal.
type Term struct {
	Kind     Kind
	Value    string // the IRI, the blank node's label, or the literal's text
	Datatype string // a typed literal's datatype IRI
	Lang     string // a language-tagged literal's language
}

// IRI names a resource.
func IRI(v string) Term { return Term{Kind: KindIRI, Value: v} }

// Literal is a plain string.
func Literal(v string) Term { return Term{Kind: KindLiteral, Value: v} }

// Typed is a literal of a datatype (XSD+"date", ...).
func Typed(v, datatype string) Term { return Term{Kind: KindLiteral, Value: v, Datatype: datatype} }

// Lang is a literal in a language.
func Lang(v, lang string) Term { return Term{Kind: KindLiteral, Value: v, Lang: lang} }

// Triple is one statement.
type Triple struct{ S, P, O Term }

// Namespaces the catalogue's descriptions use, by their usual prefixes.
const (
	RDF    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	RDFS   = "http://www.w3.org/2000/01/rdf-schema#"
	XSD    = "http://www.w3.org/2001/XMLSchema#"
	DCAT   = "http://www.w3.org/ns/dcat#"
	DCT    = "http://purl.org/dc/terms/"
	FOAF   = "http://xmlns.com/foaf/0.1/"
	VCARD  = "http://www.w3.org/2006/vcard/ns#"
	SPDX   = "http://spdx.org/rdf/terms#"
	SKOS   = "http://www.w3.org/2004/02/skos/core#"
	ADMS   = "http://www.w3.org/ns/adms#"
	HYDRA  = "http://www.w3.org/ns/hydra/core#"
	DCATAP = "http://data.europa.eu/r5r/"
	LOCN   = "http://www.w3.org/ns/locn#"
	PROV   = "http://www.w3.org/ns/prov#"
)

// Prefix is a namespace's short name.
type Prefix struct{ Name, NS string }

// Prefixes are written in this order, and used to shorten IRIs.
var Prefixes = []Prefix{
	{"rdf", RDF}, {"rdfs", RDFS}, {"xsd", XSD}, {"dcat", DCAT}, {"dct", DCT}, {"foaf", FOAF},
	{"vcard", VCARD}, {"spdx", SPDX}, {"skos", SKOS}, {"adms", ADMS}, {"hydra", HYDRA},
	{"dcatap", DCATAP}, {"locn", LOCN}, {"prov", PROV},
}

// Graph is a set of triples kept in the order they were added.
type Graph struct {
	triples []Triple
	seen    map[Triple]bool
	blanks  int
}

// NewGraph returns an empty graph.
func NewGraph() *Graph { return &Graph{seen: map[Triple]bool{}} }

// Blank returns a new blank node.
func (g *Graph) Blank() Term {
	g.blanks++
	return Term{Kind: KindBlank, Value: fmt.Sprintf("b%d", g.blanks)}
}

// Add states s p o once; an empty literal or IRI object is left out, so
// that a missing field adds nothing rather than an empty value.
func (g *Graph) Add(s Term, p string, o Term) {
	if o.Value == "" && o.Kind != KindBlank {
		return
	}
	t := Triple{s, IRI(p), o}
	if g.seen[t] {
		return
	}
	g.seen[t] = true
	g.triples = append(g.triples, t)
}

// Len is the number of triples.
func (g *Graph) Len() int { return len(g.triples) }

// Triples returns the triples in the order they were added.
func (g *Graph) Triples() []Triple { return g.triples }

// subjects groups the triples by subject, subjects in the order first
// seen, each subject's predicates in the order first seen.
func (g *Graph) subjects() []*subject {
	var out []*subject
	by := map[Term]*subject{}
	for _, t := range g.triples {
		s := by[t.S]
		if s == nil {
			s = &subject{term: t.S, objects: map[string][]Term{}}
			by[t.S] = s
			out = append(out, s)
		}
		if _, ok := s.objects[t.P.Value]; !ok {
			s.preds = append(s.preds, t.P.Value)
		}
		s.objects[t.P.Value] = append(s.objects[t.P.Value], t.O)
	}
	for _, s := range out {
		// rdf:type first, as people read it.
		sort.SliceStable(s.preds, func(i, j int) bool { return s.preds[i] == RDF+"type" && s.preds[j] != RDF+"type" })
	}
	return out
}

type subject struct {
	term    Term
	preds   []string
	objects map[string][]Term
}

// split cuts an IRI into a known namespace's prefix and the local name.
func split(iri string) (prefix, local string, ok bool) {
	for _, p := range Prefixes {
		if rest, found := strings.CutPrefix(iri, p.NS); found && localName(rest) {
			return p.Name, rest, true
		}
	}
	return "", "", false
}

// localName reports whether s can follow a prefix in Turtle and XML.
func localName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// used lists the prefixes a graph's IRIs use, in the order of Prefixes.
func (g *Graph) used() []Prefix {
	in := map[string]bool{}
	mark := func(t Term) {
		if t.Kind == KindIRI {
			if p, _, ok := split(t.Value); ok {
				in[p] = true
			}
		}
		if t.Datatype != "" {
			if p, _, ok := split(t.Datatype); ok {
				in[p] = true
			}
		}
	}
	for _, t := range g.triples {
		mark(t.S)
		mark(t.P)
		mark(t.O)
	}
	var out []Prefix
	for _, p := range Prefixes {
		if in[p.Name] {
			out = append(out, p)
		}
	}
	return out
}
