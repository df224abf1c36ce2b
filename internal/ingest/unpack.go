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

// maxUnpacked bounds what a compressed source may expand to, against
// archives built to fill the disk.
const maxUnpacked = 64 << 30

// unpack returns the file to decode: the source itself, or what a gzip or
// zip source holds, told by its first bytes rather than its name. A zip
// must hold one data file, or one whose extension is the format's.
func unpack(src, name, format, tmp string) (string, string, error) {
	f, err := os.Open(src)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
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
		if err := copyLimited(out, zr); err != nil {
			return "", "", damaged(name, "gzip", err)
		}
		return out, strings.TrimSuffix(name, ".gz"), nil
	case bytes.Equal(magic, []byte("PK\x03\x04")) && format != "xlsx": // an xlsx is a zip too
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
		if err := copyLimited(out, rc); err != nil {
			return "", "", damaged(name+": "+pick[0].Name, "zip", err)
		}
		return out, name + ":" + pick[0].Name, nil
	}
	return src, name, nil
}

// errTooBig is a compressed file that unpacks past the limit.
var errTooBig = errors.New("unpacks past the limit")

// damaged says in words which compressed file cannot be unpacked and why:
// cut short, damaged, or too big; never the decompressor's own text.
func damaged(name, kind string, err error) error {
	switch {
	case errors.Is(err, errTooBig):
		return govlake.Errorf(govlake.ETOOLARGE, "%s unpacks to more than %d bytes; split it or send it uncompressed", name, int64(maxUnpacked))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return govlake.Errorf(govlake.EINVALID, "%s: the %s file is cut short (it ends before its data does); download or export it again", name, kind)
	case errors.Is(err, gzip.ErrChecksum) || errors.Is(err, zip.ErrChecksum):
		return govlake.Errorf(govlake.EINVALID, "%s: the %s file is damaged (its checksum does not match its data); download or export it again", name, kind)
	case errors.Is(err, zip.ErrAlgorithm):
		return govlake.Errorf(govlake.EINVALID, "%s: the zip file uses a compression method govlake cannot read; store it with deflate", name)
	}
	return &govlake.Error{Code: govlake.EINVALID, Message: fmt.Sprintf("%s: the %s file is damaged and cannot be unpacked; download or export it again", name, kind), Err: err}
}

func copyLimited(dst string, r io.Reader) error {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(r, maxUnpacked+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxUnpacked {
		err = errTooBig
	}
	return err
}
