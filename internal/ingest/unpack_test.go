package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		_, _, err := unpack(src, tc.name, "csv", dir, 0)
		if govlake.ErrorMessage(err) != tc.want {
			t.Errorf("%s: %q\nwant %q", tc.name, govlake.ErrorMessage(err), tc.want)
		}
	}
}

// Bombs stop at the bound while they unpack: the disk gets no more than
// the bound (the unpacked file is what was written), and the message says
// which bound and what to do.
func TestDecompressionBombs(t *testing.T) {
	zeros := make([]byte, 1<<20)
	var bomb bytes.Buffer // 1 GB of zeros, about 1 MB compressed
	gw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	for range 1024 {
		gw.Write(zeros)
	}
	gw.Close()
	var zbomb bytes.Buffer
	zw := zip.NewWriter(&zbomb)
	f, _ := zw.Create("data.csv")
	for range 1024 {
		f.Write(zeros)
	}
	zw.Close()
	// Text that compresses as data does (about 3:1), 3 MB of it.
	var text, plain bytes.Buffer
	for i := range 200000 {
		fmt.Fprintf(&plain, "%d,name %d\n", i*7919%1000003, i)
	}
	gw, _ = gzip.NewWriterLevel(&text, gzip.BestCompression)
	gw.Write(plain.Bytes())
	gw.Close()
	for _, tc := range []struct {
		name   string
		data   []byte
		format string
		limit  int64
		want   string
		most   int64 // bytes the unpacked file may hold when stopped
	}{
		// About 1 MB compressed: the bound is 100 times that.
		{"bomb.csv.gz", bomb.Bytes(), "csv", 0, fmt.Sprintf("bomb.csv.gz: %s compressed unpacks to more than %s, over 100 times its size, which data files do not; unpacking stopped there (a decompression bomb?). Send it uncompressed if it is genuine", govlake.ByteSize(int64(bomb.Len())), govlake.ByteSize(int64(bomb.Len())*100)), int64(bomb.Len()) * 100},
		{"bomb.zip", zbomb.Bytes(), "csv", 0, "bomb.zip: data.csv: " + govlake.ByteSize(int64(zbomb.Len())) + " compressed unpacks to more than " + govlake.ByteSize(int64(zbomb.Len())*100), int64(zbomb.Len()) * 100},
		{"text.csv.gz", text.Bytes(), "csv", 1 << 20, "text.csv.gz unpacks to more than 1 MB (max_bytes, which bounds the unpacked size too); unpacking stopped there. Raise max_bytes in the pipeline's source if the data really is this large", 1 << 20},
		{"bomb.xlsx", zbomb.Bytes(), "xlsx", 0, "bomb.xlsx: " + govlake.ByteSize(int64(zbomb.Len())) + " compressed unpacks to more than " + govlake.ByteSize(int64(zbomb.Len())*100), 0},
	} {
		dir := t.TempDir()
		src := filepath.Join(dir, "source")
		os.WriteFile(src, tc.data, 0o644)
		_, _, err := unpack(src, tc.name, tc.format, dir, tc.limit)
		if !strings.HasPrefix(govlake.ErrorMessage(err), tc.want) || govlake.ErrorCode(err) != govlake.ETOOLARGE {
			t.Errorf("%s: %q\nwant %q", tc.name, govlake.ErrorMessage(err), tc.want)
		}
		var written int64
		if st, err := os.Stat(filepath.Join(dir, "unpacked")); err == nil {
			written = st.Size()
		}
		if written > tc.most {
			t.Errorf("%s: %d bytes written to disk, more than %d", tc.name, written, tc.most)
		}
	}
	// Within the bounds, the same text unpacks whole.
	dir := t.TempDir()
	src := filepath.Join(dir, "source")
	os.WriteFile(src, text.Bytes(), 0o644)
	out, _, err := unpack(src, "text.csv.gz", "csv", dir, 0)
	if got, _ := os.ReadFile(out); err != nil || !bytes.Equal(got, plain.Bytes()) {
		t.Errorf("text within bounds: %v, %d bytes of %d", err, len(got), plain.Len())
	}
}
