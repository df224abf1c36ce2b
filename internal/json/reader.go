// Package json decodes JSON sources into records with encoding/json: a
// top-level array of objects ("json") or one object per line ("ndjson").
// Values become text cells, so the same conversion and checks apply as to
// CSV: numbers keep their literal text, null is empty, and nested values
// are kept as compact JSON.
package json

import (
	"bufio"
	"bytes"
	"encoding/json"
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
	header []string
	index  map[string]int
	dec    *json.Decoder  // array form
	lines  *bufio.Scanner // ndjson form
	row    int64
	cells  []string
}

// NewReader reads the source twice: once to learn every key (the header,
// in order of first appearance), then record by record. ndjson selects the
// one-object-per-line form.
func NewReader(r io.ReadSeeker, name string, ndjson bool) (*Reader, error) {
	jr := &Reader{name: name, ndjson: ndjson, index: map[string]int{}}
	if err := jr.start(r); err != nil {
		return nil, err
	}
	for {
		obj, err := jr.next()
		if err == io.EOF {
			break
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
		return govlake.Errorf(govlake.EINVALID, "%s: not JSON: %v", r.name, err)
	}
	if tok != json.Delim('[') {
		return govlake.Errorf(govlake.EINVALID, "%s: expected a JSON array of objects, found %v; use format: ndjson for one object per line", r.name, tok)
	}
	return nil
}

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
					return nil, govlake.Errorf(govlake.EINVALID, "%s: line %d: %v", r.name, r.row+1, err)
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
				return nil, govlake.Errorf(govlake.EINVALID, "%s: after record %d: %v", r.name, r.row, err)
			}
			return nil, io.EOF
		}
		r.row++
		if err := r.dec.Decode(&raw); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: record %d is not valid JSON: %v", r.name, r.row, err)
		}
	}
	return r.members(raw)
}

func (r *Reader) members(raw json.RawMessage) ([]pair, error) {
	what := "record"
	if r.ndjson {
		what = "line"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: %s %d is not valid JSON: %v", r.name, what, r.row, err)
	}
	if tok != json.Delim('{') {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: %s %d is not a JSON object", r.name, what, r.row)
	}
	var out []pair
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: %s %d: %v", r.name, what, r.row, err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: %s %d: %v", r.name, what, r.row, err)
		}
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
	if err != nil {
		return tabular.Record{}, err
	}
	cells := make([]string, len(r.header))
	for _, kv := range obj {
		i, ok := r.index[kv.key]
		if !ok {
			return tabular.Record{}, fmt.Errorf("%s: key %q appeared only on the second read", r.name, kv.key)
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
