package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"govlake/internal/govlake"
)

// Against archives built to fill the disk or memory ("bombs"): what a
// compressed source unpacks to is bounded by the pipeline's max_bytes, and,
// past ratioFloor, by maxRatio times its compressed size. Both are checked
// while unpacking, so a bomb stops at the bound.
const (
	maxRatio   = 100
	ratioFloor = 64 << 20
)

// unpack returns the file to decode: the source itself, or what a gzip or
// zip source holds, told by its first bytes rather than its name. A zip
// must hold one data file, or one whose extension is the format's. An xlsx
// (a zip too) is checked against the same bounds, from its parts' sizes.
func unpack(src, name, format, tmp string, limit int64) (string, string, error) {
	if limit <= 0 {
		limit = govlake.DefaultMaxBytes
	}
	f, err := os.Open(src)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	var packed int64
	if st, err := f.Stat(); err == nil {
		packed = st.Size()
	}
	b := bound{name: name, packed: packed, limit: limit}
	magic := make([]byte, 4)
	n, _ := io.ReadFull(f, magic)
	magic = magic[:n]
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		f.Seek(0, io.SeekStart)
		zr, err := gzip.NewReader(f)
		if err != nil {
			return "", "", damaged(name, "gzip", err)
		}
		out := filepath.Join(tmp, "unpacked")
		if err := b.copy(out, zr); err != nil {
			return "", "", damaged(name, "gzip", err)
		}
		return out, strings.TrimSuffix(name, ".gz"), nil
	case bytes.Equal(magic, []byte("PK\x03\x04")) && format == "xlsx":
		return src, name, b.workbook(src)
	case bytes.Equal(magic, []byte("PK\x03\x04")):
		zr, err := zip.OpenReader(src)
		if err != nil {
			return "", "", damaged(name, "zip", err)
		}
		defer zr.Close()
		var files, matching []*zip.File
		for _, zf := range zr.File {
			if zf.FileInfo().IsDir() || strings.HasPrefix(zf.Name, "__MACOSX/") || strings.HasPrefix(path.Base(zf.Name), ".") {
				continue
			}
			files = append(files, zf)
			if strings.EqualFold(strings.TrimPrefix(path.Ext(zf.Name), "."), format) {
				matching = append(matching, zf)
			}
		}
		pick := matching
		if len(files) == 1 {
			pick = files
		}
		if len(pick) != 1 {
			var names []string
			for _, zf := range files {
				names = append(names, zf.Name)
			}
			return "", "", govlake.Errorf(govlake.EINVALID, "%s: the zip holds %s; it must hold one data file, or one .%s file", name, strings.Join(names, ", "), format)
		}
		rc, err := pick[0].Open()
		if err != nil {
			return "", "", damaged(name+": "+pick[0].Name, "zip", err)
		}
		defer rc.Close()
		out := filepath.Join(tmp, "unpacked")
		b.name = name + ": " + pick[0].Name
		if err := b.copy(out, rc); err != nil {
			return "", "", damaged(b.name, "zip", err)
		}
		return out, name + ":" + pick[0].Name, nil
	}
	return src, name, nil
}

// damaged says in words which compressed file cannot be unpacked and why:
// cut short, damaged, or too big; never the decompressor's own text.
func damaged(name, kind string, err error) error {
	switch {
	case govlake.ErrorCode(err) == govlake.ETOOLARGE:
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return govlake.Errorf(govlake.EINVALID, "%s: the %s file is cut short (it ends before its data does); download or export it again", name, kind)
	case errors.Is(err, gzip.ErrChecksum) || errors.Is(err, zip.ErrChecksum):
		return govlake.Errorf(govlake.EINVALID, "%s: the %s file is damaged (its checksum does not match its data); download or export it again", name, kind)
	case errors.Is(err, zip.ErrAlgorithm):
		return govlake.Errorf(govlake.EINVALID, "%s: the zip file uses a compression method govlake cannot read; store it with deflate", name)
	}
	return &govlake.Error{Code: govlake.EINVALID, Message: fmt.Sprintf("%s: the %s file is damaged and cannot be unpacked; download or export it again", name, kind), Err: err}
}

// bound is what one compressed source may unpack to.
type bound struct {
	name          string
	packed, limit int64
}

// allows says whether n unpacked bytes are within the bound, and if not,
// why not.
func (b bound) allows(n int64) error {
	if n > b.limit {
		return govlake.Errorf(govlake.ETOOLARGE, "%s unpacks to more than %s (max_bytes, which bounds the unpacked size too); unpacking stopped there. Raise max_bytes in the pipeline's source if the data really is this large", b.name, govlake.ByteSize(b.limit))
	}
	if most := max(ratioFloor, b.packed*maxRatio); n > most {
		return govlake.Errorf(govlake.ETOOLARGE, "%s: %s compressed unpacks to more than %s, over %d times its size, which data files do not; unpacking stopped there (a decompression bomb?). Send it uncompressed if it is genuine", b.name, govlake.ByteSize(b.packed), govlake.ByteSize(most), maxRatio)
	}
	return nil
}

// copy unpacks r into the file dst, stopping at the bound.
func (b bound) copy(dst string, r io.Reader) error {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			if err := b.allows(n + int64(k)); err != nil {
				return err
			}
			if _, err := f.Write(buf[:k]); err != nil {
				return err
			}
			n += int64(k)
		}
		if rerr == io.EOF {
			return f.Close()
		}
		if rerr != nil {
			return rerr
		}
	}
}

// workbook checks an xlsx's parts before it is read: the sizes a zip
// declares are the sizes Go's zip reader delivers (it refuses more), so
// their sum is what reading the workbook unpacks.
func (b bound) workbook(src string) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return nil // not a readable zip: the workbook reader says why
	}
	defer zr.Close()
	var n int64
	for _, zf := range zr.File {
		n += int64(zf.UncompressedSize64)
		if n < 0 {
			n = 1<<63 - 1
		}
	}
	return b.allows(n)
}
