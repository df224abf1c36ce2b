package csv

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

type row struct {
	N     int64
	Cells []string
	Note  string
}

func readAll(t *testing.T, in string, o Options) ([]string, []row, error) {
	t.Helper()
	r, err := NewReader(strings.NewReader(in), "test.csv", o)
	if err != nil {
		return nil, nil, err
	}
	var rows []row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return r.Header(), rows, nil
		}
		if err != nil {
			return r.Header(), rows, err
		}
		rows = append(rows, row{rec.Row, rec.Cells, rec.Note})
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opts   Options
		header []string
		rows   []row
	}{
		{"plain", "a,b\n1,2\n3,4\n", Options{}, []string{"a", "b"},
			[]row{{2, []string{"1", "2"}, ""}, {3, []string{"3", "4"}, ""}}},
		{"no final newline", "a,b\n1,2", Options{}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"crlf", "a,b\r\n1,2\r\n", Options{}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"bom", "\ufeffa,b\n1,2\n", Options{}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"quotes", "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n", Options{}, []string{"a", "b"},
			[]row{{2, []string{"x, y", `say "hi"`}, ""}}},
		{"embedded newline counts one row", "a,b\n\"line1\nline2\",2\n3,4\n", Options{}, []string{"a", "b"},
			[]row{{2, []string{"line1\nline2", "2"}, ""}, {3, []string{"3", "4"}, ""}}},
		{"embedded crlf", "a,b\r\n\"x\r\ny\",2\r\n", Options{}, []string{"a", "b"}, []row{{2, []string{"x\ny", "2"}, ""}}},
		{"quoted header with newline", "\"long\nlabel\",b\n1,2\n", Options{}, []string{"long\nlabel", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"blank row inside is a row", "a,b\n1,2\n\n3,4\n", Options{}, []string{"a", "b"},
			[]row{{2, []string{"1", "2"}, ""}, {3, nil, ""}, {4, []string{"3", "4"}, ""}}},
		{"delimiter-only row is blank", "a,b\n1,2\n,\n3,4\n", Options{}, []string{"a", "b"},
			[]row{{2, []string{"1", "2"}, ""}, {3, nil, ""}, {4, []string{"3", "4"}, ""}}},
		{"trailing blank lines are not rows", "a,b\n1,2\n\n\n", Options{}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"detect semicolon", "a;b;c\n1;2,5;3\n", Options{}, []string{"a", "b", "c"}, []row{{2, []string{"1", "2,5", "3"}, ""}}},
		{"detect tab", "a\tb\n1\t2\n", Options{}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"given delimiter", "a|b,c\n1|2,3\n", Options{Delimiter: "|"}, []string{"a", "b,c"}, []row{{2, []string{"1", "2,3"}, ""}}},
		{"skip rows", "Title line\nUnits: persons\na,b\n1,2\n", Options{SkipRows: 2}, []string{"a", "b"}, []row{{4, []string{"1", "2"}, ""}}},
		{"footer rows", "a,b\n1,2\n3,4\nSource: x\nNote: y\n", Options{FooterRows: 2}, []string{"a", "b"},
			[]row{{2, []string{"1", "2"}, ""}, {3, []string{"3", "4"}, ""}}},
		{"na values", "a,b\nna,-\n1,..\n", Options{NAValues: []string{"na", "-", ".."}}, []string{"a", "b"},
			[]row{{2, []string{"", ""}, ""}, {3, []string{"1", ""}, ""}}},
		{"ragged rows kept as read", "a,b,c\n1\n1,2,3,4\n", Options{}, []string{"a", "b", "c"},
			[]row{{2, []string{"1"}, ""}, {3, []string{"1", "2", "3", "4"}, ""}}},
		{"stray quote inside a cell is text", "a,b\n5\" screen,2\n", Options{}, []string{"a", "b"}, []row{{2, []string{`5" screen`, "2"}, ""}}},
		{"latin1", "nom,ville\nJos\xe9,Qu\xe9bec\n", Options{Encoding: "latin1"}, []string{"nom", "ville"}, []row{{2, []string{"José", "Québec"}, ""}}},
		{"utf-16 with bom", "\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00", Options{Encoding: "utf-16le"}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"utf-16 bom, no encoding given", "\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00", Options{}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
		{"utf-16be bom, no encoding given", "\xfe\xff\x00a\x00,\x00b\x00\n\x001\x00,\x002\x00\n", Options{}, []string{"a", "b"}, []row{{2, []string{"1", "2"}, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header, rows, err := readAll(t, tt.in, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(header, tt.header) {
				t.Errorf("header %q, want %q", header, tt.header)
			}
			if !reflect.DeepEqual(rows, tt.rows) {
				t.Errorf("rows\n got %v\nwant %v", rows, tt.rows)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		want string
	}{
		{"empty", "", Options{}, "test.csv: the file is empty"},
		{"unclosed quote", "a,b\n1,2\n\"open,3\n4,5\n", Options{}, "test.csv: row 3: a quoted cell that starts on line 3 is never closed"},
		{"latin1 read as utf-8", "a,b\n1,Jos\xe9\n", Options{}, "test.csv: row 2, column 2: the bytes are not valid UTF-8; set source.encoding"},
		{"unknown encoding", "a\n", Options{Encoding: "klingon"}, `encoding "klingon" is not known`},
		{"skip past the end", "a\n", Options{SkipRows: 5}, "fewer than skip_rows (5)"},
		{"blank header", "\na,b\n", Options{}, "row 1, where the header should be, is blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, tt.in, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if govlake.ErrorCode(err) != govlake.EINVALID {
				t.Errorf("code %s, want invalid", govlake.ErrorCode(err))
			}
		})
	}
}

// The messy files of ../shared/data, read as a data officer would configure them.
func TestMessyFiles(t *testing.T) {
	const dir = "../../../shared/data/messy/"
	tests := []struct {
		file   string
		opts   Options
		rows   int
		header []string // a prefix
		check  func(t *testing.T, rows []row)
	}{
		{"invalid-structure.csv", Options{}, 4, []string{"id", "name", "", "name"}, func(t *testing.T, rows []row) {
			want := []row{{2, []string{"1", "english"}, ""}, {3, []string{"1", "english"}, ""}, {4, nil, ""}, {5, []string{"2", "german", "1", "2", "3"}, ""}}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("rows %v", rows)
			}
		}},
		{"bom-chinese.csv", Options{}, 2, []string{"id", "name"}, func(t *testing.T, rows []row) {
			if rows[1].Cells[1] != "中国人" {
				t.Errorf("row 3 name %q", rows[1].Cells[1])
			}
		}},
		{"table-with-accents-latin1-crlf.csv", Options{Encoding: "latin1"}, -1, nil, nil},
		{"istat-municipalities-latin1-semicolon.csv", Options{Encoding: "latin1"}, -1, nil, nil},
		{"fr-ev-charging-latin1-semicolon.csv", Options{Encoding: "latin1"}, -1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(dir + tt.file)
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatal(err)
				}
				t.Skip(err)
			}
			header, rows, err := readAll(t, string(b), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.rows >= 0 && len(rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(rows), tt.rows)
			}
			if len(rows) == 0 {
				t.Fatal("no rows")
			}
			for i, h := range tt.header {
				if header[i] != h {
					t.Errorf("header %q, want prefix %q", header, tt.header)
					break
				}
			}
			if tt.check != nil {
				tt.check(t, rows)
			}
		})
	}
}

// A cell that starts with a quote and goes on after its closing quote was
// not a quoted cell: it is kept exactly as written, and its record noted.
func TestQuoteKeptAsWritten(t *testing.T) {
	in := "a,b,c\n\"bad\"quote,2,x\n\"ok\",\"say \"\"hi\"\"\"\"!\",y\n\"two\nlines\"after,3,z\n5'11\",4,w\n"
	recs, err := serial(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{2, []string{`"bad"quote`, "2", "x"}, tabular.NoteQuoteKept},
		{3, []string{"ok", `say "hi""!`, "y"}, ""},
		{4, []string{"\"two\nlines\"after", "3", "z"}, tabular.NoteQuoteKept},
		{5, []string{`5'11"`, "4", "w"}, ""},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records\n%v\nwant\n%v", recs, want)
	}
}

// A file whose line breaks are all a lone CR is read line by line, and
// says so; a CR inside a line of an LF file stays text.
func TestLoneCR(t *testing.T) {
	r, err := NewReader(strings.NewReader("a,b\r1,x\r2,y\r"), "mac.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		rows = append(rows, rec.Cells)
	}
	if !reflect.DeepEqual(r.Header(), []string{"a", "b"}) || !reflect.DeepEqual(rows, [][]string{{"1", "x"}, {"2", "y"}}) {
		t.Errorf("header %q rows %q", r.Header(), rows)
	}
	if w := r.Warnings(); len(w) != 1 || w[0].Message != "mac.csv ends its lines with a lone CR (as old Mac files do); each is read as a line break" {
		t.Errorf("warnings %+v", w)
	}
	recs, err := serial("a,b\n1,x\ry\n", Options{})
	if err != nil || len(recs) != 1 || recs[0].Cells[1] != "x\ry" {
		t.Errorf("a CR inside a line of an LF file: %v %v", recs, err)
	}
}
