// Package json decodes JSON sources into records with encoding/json: an
// array of objects ("json"), at the top or at a path inside the document
// (records: data.items), or one object per line ("ndjson", where a broken
// line is one rejected record, not a failed file).
// Values become text cells, so the same conversion and checks apply as to
// CSV: numbers keep their literal text, null is empty, and nested values
// are kept as compact JSON.
package json

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Reader reads records of flat JSON objects. It implements tabular.RecordReader.
type Reader struct {
	name   string
	ndjson bool
	path   []string // keys leading to the array of records
	header []string
	index  map[string]int
	dec    *json.Decoder  // array form
	lines  *bufio.Scanner // ndjson form
	row    int64
	cells  []string
}

// Options say which form a JSON source has.
type Options struct {
	NDJSON  bool   // one object per line
	Records string // the dotted path to the array of records, for a wrapped document
}

// NewReader reads the source twice: once to learn every key (the header,
// in order of first appearance), then record by record.
func NewReader(r io.ReadSeeker, name string, o Options) (*Reader, error) {
	jr := &Reader{name: name, ndjson: o.NDJSON, index: map[string]int{}}
	if o.Records != "" {
		jr.path = strings.Split(o.Records, ".")
	}
	if err := jr.start(r); err != nil {
		return nil, err
	}
	for {
		obj, err := jr.next()
		if err == io.EOF {
			break
		}
		var bad *badLine
		if errors.As(err, &bad) {
			continue // a broken line is rejected when read for good
		}
		if err != nil {
			return nil, err
		}
		for _, kv := range obj {
			if _, ok := jr.index[kv.key]; !ok {
				jr.index[kv.key] = len(jr.header)
				jr.header = append(jr.header, kv.key)
			}
		}
	}
	if len(jr.header) == 0 {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: no records with any keys", name)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	jr.row = 0
	if err := jr.start(r); err != nil {
		return nil, err
	}
	return jr, nil
}

func (r *Reader) start(rd io.Reader) error {
	if r.ndjson {
		r.lines = bufio.NewScanner(rd)
		r.lines.Buffer(make([]byte, 0, 1<<20), 64<<20)
		return nil
	}
	r.dec = json.NewDecoder(bufio.NewReaderSize(rd, 1<<20))
	r.dec.UseNumber()
	tok, err := r.dec.Token()
	if err == io.EOF {
		return govlake.Errorf(govlake.EINVALID, "%s: the file is empty: expected a JSON array of objects", r.name)
	}
	if err != nil {
		return govlake.Errorf(govlake.EINVALID, "%s: the file is not JSON (%s)", r.name, syntaxProblem(err, "file"))
	}
	where := "the document"
	for _, key := range r.path {
		if tok != json.Delim('{') {
			return govlake.Errorf(govlake.EINVALID, "%s: source.records is %s, but %s is not an object", r.name, strings.Join(r.path, "."), where)
		}
		if err := r.seekKey(key, where); err != nil {
			return err
		}
		where = fmt.Sprintf("the value of %q", key)
		if tok, err = r.dec.Token(); err != nil {
			return govlake.Errorf(govlake.EINVALID, "%s: %s is not valid JSON (%s)", r.name, where, syntaxProblem(err, "file"))
		}
	}
	if tok != json.Delim('[') {
		if len(r.path) == 0 && tok == json.Delim('{') {
			return govlake.Errorf(govlake.EINVALID, "%s: the document is an object, not an array of records; name the array inside it with source.records (such as data.items), or use format: ndjson for one object per line", r.name)
		}
		return govlake.Errorf(govlake.EINVALID, "%s: expected an array of objects in %s, found %v; use format: ndjson for one object per line", r.name, where, tok)
	}
	return nil
}

// seekKey reads an object's members up to key, skipping the others.
func (r *Reader) seekKey(key, where string) error {
	var keys []string
	for r.dec.More() {
		k, err := r.dec.Token()
		if err != nil {
			return govlake.Errorf(govlake.EINVALID, "%s: %s is not valid JSON (%s)", r.name, where, syntaxProblem(err, "file"))
		}
		if k == key {
			return nil
		}
		keys = append(keys, fmt.Sprintf("%q", k))
		var skip json.RawMessage
		if err := r.dec.Decode(&skip); err != nil {
			return govlake.Errorf(govlake.EINVALID, "%s: %s is not valid JSON (%s)", r.name, where, syntaxProblem(err, "file"))
		}
	}
	return govlake.Errorf(govlake.EINVALID, "%s: %s has no key %q (source.records); it has %s", r.name, where, key, strings.Join(keys, ", "))
}

// syntaxProblem says where JSON text stops being JSON, in words: the byte
// (from 1) of the file, or of the line for NDJSON.
func syntaxProblem(err error, of string) string {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("a syntax error at byte %d of the %s", syn.Offset, of)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "it ends in the middle of a value"
	}
	return "it could not be read"
}

// badLine is an NDJSON line that is not a JSON object: that record is
// rejected, and the reading goes on.
type badLine struct{ msg string }

func (b *badLine) Error() string { return b.msg }

type pair struct {
	key string
	val json.RawMessage
}

// next returns the next object's members in their order, or io.EOF.
func (r *Reader) next() ([]pair, error) {
	var raw json.RawMessage
	if r.ndjson {
		for {
			if !r.lines.Scan() {
				if err := r.lines.Err(); err != nil {
					if errors.Is(err, bufio.ErrTooLong) {
						return nil, govlake.Errorf(govlake.ETOOLARGE, "%s: line %d is longer than 64 MB", r.name, r.row+1)
					}
					return nil, &govlake.Error{Code: govlake.EUNAVAILABLE, Message: fmt.Sprintf("%s: line %d could not be read", r.name, r.row+1), Err: err}
				}
				return nil, io.EOF
			}
			r.row++
			line := bytes.TrimSpace(r.lines.Bytes())
			if len(line) > 0 {
				raw = append(raw[:0], line...)
				break
			}
		}
	} else {
		if !r.dec.More() {
			if _, err := r.dec.Token(); err != nil { // ]
				return nil, govlake.Errorf(govlake.EINVALID, "%s: the array of records does not end properly after record %d (%s)", r.name, r.row, syntaxProblem(err, "file"))
			}
			return nil, io.EOF
		}
		r.row++
		if err := r.dec.Decode(&raw); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: record %d is not valid JSON (%s)", r.name, r.row, syntaxProblem(err, "file"))
		}
	}
	return r.members(raw)
}

func (r *Reader) members(raw json.RawMessage) ([]pair, error) {
	what := "record"
	if r.ndjson {
		what = "line"
	}
	fail := func(problem string) error {
		if r.ndjson {
			return &badLine{fmt.Sprintf("line %d %s; fix or remove the line", r.row, problem)}
		}
		return govlake.Errorf(govlake.EINVALID, "%s: %s %d %s", r.name, what, r.row, problem)
	}
	if !json.Valid(raw) {
		var v any
		return nil, fail(fmt.Sprintf("is not valid JSON (%s)", syntaxProblem(json.Unmarshal(raw, &v), what)))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return nil, fail("is not a JSON object")
	}
	var out []pair
	for dec.More() {
		k, _ := dec.Token() // valid JSON: a key, then its value
		var v json.RawMessage
		dec.Decode(&v)
		out = append(out, pair{k.(string), v})
	}
	return out, nil
}

// Header returns every key seen, in order of first appearance.
func (r *Reader) Header() []string { return r.header }

// HeaderRow is 0: JSON has no header row; records count from 1.
func (r *Reader) HeaderRow() int64 { return 0 }

// Close does nothing: the reader holds only what its caller opened.
func (r *Reader) Close() error { return nil }

// Read returns the next record: its position (array index or line, from 1)
// and one text cell per header key.
func (r *Reader) Read() (tabular.Record, error) {
	obj, err := r.next()
	var bad *badLine
	if errors.As(err, &bad) {
		return tabular.Record{Row: r.row, Problem: bad.msg}, nil
	}
	if err != nil {
		return tabular.Record{}, err
	}
	cells := make([]string, len(r.header))
	for _, kv := range obj {
		i, ok := r.index[kv.key]
		if !ok {
			return tabular.Record{}, govlake.Errorf(govlake.EINVALID, "%s: the file changed while it was read (key %q appeared only on the second read)", r.name, kv.key)
		}
		cells[i] = text(kv.val)
	}
	return tabular.Record{Row: r.row, Cells: cells}, nil
}

// text turns a JSON value into a cell: strings unquoted, null empty, numbers
// and booleans as written, objects and arrays as compact JSON.
func text(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return ""
	case v[0] == '"':
		var s string
		json.Unmarshal(v, &s)
		return s
	case v[0] == '{' || v[0] == '[':
		var b bytes.Buffer
		json.Compact(&b, v)
		return b.String()
	}
	return strings.TrimSpace(string(v))
}
