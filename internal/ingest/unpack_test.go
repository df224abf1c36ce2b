package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"govlake/internal/govlake"
)

// A damaged compressed source is named, and what is wrong with it said in
// words; never the decompressor's own text.
func TestDamagedArchives(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(bytes.Repeat([]byte("id,name\n1,Aung\n"), 1000))
	w.Close()
	good := gz.Bytes()
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-6] ^= 0xff // the checksum
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	f, _ := zw.Create("people.csv")
	f.Write(bytes.Repeat([]byte("id,name\n1,Aung\n"), 1000))
	zw.Close()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"cut.csv.gz", good[:len(good)/2], "cut.csv.gz: the gzip file is cut short (it ends before its data does); download or export it again"},
		{"sum.csv.gz", flipped, "sum.csv.gz: the gzip file is damaged (its checksum does not match its data); download or export it again"},
		{"cut.zip", zb.Bytes()[:len(zb.Bytes())-30], "cut.zip: the zip file is damaged and cannot be unpacked; download or export it again"},
	} {
		dir := t.TempDir()
		src := filepath.Join(dir, "source")
		os.WriteFile(src, tc.data, 0o644)
		_, _, err := unpack(src, tc.name, "csv", dir)
		if govlake.ErrorMessage(err) != tc.want {
			t.Errorf("%s: %q\nwant %q", tc.name, govlake.ErrorMessage(err), tc.want)
		}
	}
}
