package csv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// serial reads every record with Read; the error, if any, ends the list.
func serial(in string, o Options) ([]row, error) {
	r, err := NewReader(strings.NewReader(in), "test.csv", o)
	if err != nil {
		return nil, err
	}
	var rows []row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row{rec.Row, append([]string(nil), rec.Cells...), rec.Note})
	}
}

// chunked reads every record with ReadChunk and the chunks' Records, in
// chunks of about size bytes, and drops the blank rows at the end as the
// ingest does.
func chunked(in string, o Options, size int) ([]row, error) {
	r, err := NewReader(strings.NewReader(in), "test.csv", o)
	if err != nil {
		return nil, err
	}
	if !r.Chunks() {
		return nil, fmt.Errorf("no chunks for %+v", o)
	}
	r.chunkBytes = size
	var rows []row
	for {
		ch, err := r.ReadChunk()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rows, err
		}
		recs, _, err := ch.Records()
		if err != nil {
			return rows, err
		}
		for _, rec := range recs {
			rows = append(rows, row{rec.Row, cloned(rec.Cells), rec.Note})
		}
		ch.Release() // the next chunks parse into this chunk's memory
	}
	for len(rows) > 0 && rows[len(rows)-1].Cells == nil {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

// same checks that chunked parsing gives Read's records, or its error.
func same(t *testing.T, name, in string, o Options, size int) {
	t.Helper()
	want, werr := serial(in, o)
	got, gerr := chunked(in, o, size)
	if werr != nil || gerr != nil {
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("%s (chunks of %d): errors differ:\nRead:   %v\nchunks: %v", name, size, werr, gerr)
		}
		return
	}
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if !reflect.DeepEqual(want, got) {
		n := min(len(want), len(got))
		for i := 0; i < n; i++ {
			if !reflect.DeepEqual(want[i], got[i]) {
				t.Fatalf("%s (chunks of %d): record %d: Read %+v, chunks %+v", name, size, i, want[i], got[i])
			}
		}
		t.Fatalf("%s (chunks of %d): Read gave %d records, chunks %d", name, size, len(want), len(got))
	}
}

func TestChunksAgreeWithRead(t *testing.T) {
	inputs := map[string]string{
		"plain":          "a,b\n1,2\n3,4\n",
		"no final":       "a,b\n1,2\n3,4",
		"crlf":           "a,b\r\n1,2\r\n3,4\r\n",
		"quoted":         "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"3\",4\n",
		"multi-line":     "a,b\n\"line1\nline2\",2\n3,\"x\r\ny\"\n5,6\n",
		"after quote":    "a,b\n\"ab\"cd,2\n\"x\"\"\",\"\"\n",
		"inner quote":    "a,b\n5'11\",2\nx\"y,3\n",
		"blank rows":     "a,b\n\n1,2\n,\n\n3,4\n\n\n,,\n",
		"only blanks":    "a,b\n\n\n,\n",
		"quoted blanks":  "a,b\n1,2\n\"\",\"\"\n\n",
		"unclosed":       "a,b\n1,2\n\"never,3\n4,5\n",
		"unclosed late":  "a,b\n1,2\n3,4\n5,\"x",
		"bad utf8":       "a,b\n1,2\n\xff,3\n4,5\n",
		"bad then open":  "a,b\n\xff,2\n\"x,3\n",
		"extra cells":    "a,b\n1,2,3\n4,5,,\n",
		"short rows":     "a,b,c\n1\n2,3\n",
		"trailing cr":    "a,b\n1,2\n\r",
		"empty quoted":   "a,b\n\"\",\n\"\"\"\",x\n",
		"quote at end":   "a,b\n1,\"2\"",
		"long quoted":    "a,b\n\"" + strings.Repeat("x\n", 300) + "\",1\n2,3\n",
		"na":             "a,b\nna,-\n-,1\nna,na\n",
		"semicolons":     "a;b\n1;\"2;3\"\n",
		"myanmar":        "a,b\nမြန်မာ,\"ရန်ကုန်, မန္တလေး\"\n",
		"header only":    "a,b\n",
		"many columns":   strings.Repeat("c,", 40) + "z\n" + strings.Repeat(strings.Repeat("\"q\",", 40)+"1\n", 50),
		"mixed quoting":  "a,b,c\n1,\"x\",3\n4,y,\"6\"\n\"7\",\"8\",\"9\"\n10,11,12\n",
		"quote mid-file": strings.Repeat("1,2\n", 100) + "\"x\ny\",3\n" + strings.Repeat("4,5\n", 100),
	}
	for name, in := range inputs {
		o := Options{}
		if name == "na" {
			o.NAValues = []string{"na", "-"}
		}
		for _, size := range []int{1, 2, 3, 5, 8, 13, 64, 4096} {
			same(t, name, in, o, size)
		}
	}
}

// Every real file of ../shared/data parses the same in chunks as by Read.
func TestChunksAgreeOnRealFiles(t *testing.T) {
	root := "../../../shared/data"
	if _, err := os.Stat(root); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	n := 0
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(strings.ToLower(p), ".csv") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		o := Options{}
		if _, err := serial(string(b), o); err != nil && strings.Contains(err.Error(), "UTF-8") {
			o.Encoding = "latin1"
		}
		for _, size := range []int{97, 4096, 1 << 20} {
			same(t, p, string(b), o, size)
		}
		n++
		return nil
	})
	if n < 5 {
		t.Fatalf("only %d CSV files under %s", n, root)
	}
	t.Logf("%d real files parse the same in chunks", n)
}

func FuzzChunksAgreeWithRead(f *testing.F) {
	for _, s := range []string{"1,2\n3,4\n", "\"a\nb\",c\n\n", "x\"y,\"z\"\"\"\n,\n", "\"open,\n1\n", "\xff,\"\"\r\n"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, body string, size uint8) {
		same(t, "fuzz", "a,b\n"+body, Options{Delimiter: ","}, int(size%32)+1)
	})
}

func cloned(cells []string) []string {
	if cells == nil {
		return nil
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.Clone(c)
	}
	return out
}

// A released chunk's records and text are the memory of the next chunks'.
func TestReleasedChunksAreReused(t *testing.T) {
	r, err := NewReader(strings.NewReader("id,name\n"+strings.Repeat("1,Aung\n2,Hla\n", 400)), "t.csv", Options{ChunkBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.ReadChunk()
	if err != nil {
		t.Fatal(err)
	}
	recs, text, err := first.Records()
	if err != nil {
		t.Fatal(err)
	}
	where, at := &recs[0], unsafe.StringData(text)
	first.Release()
	found := false
	for range 3 { // the next chunk's buffer was taken before the release
		next, err := r.ReadChunk()
		if err != nil {
			t.Fatal(err)
		}
		again, text, err := next.Records()
		if err != nil {
			t.Fatal(err)
		}
		if &again[0] != where {
			t.Error("a chunk's records are new memory, not the released chunk's")
		}
		if unsafe.StringData(text) == at {
			found = true
			if again[0].Cells[1] != "Aung" && again[0].Cells[1] != "Hla" {
				t.Errorf("the reused text reads %q", again[0].Cells)
			}
		}
		next.Release()
	}
	if !found {
		t.Error("the released chunk's text was not reused")
	}
}
