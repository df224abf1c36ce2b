package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
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
			return "", "", govlake.Errorf(govlake.EINVALID, "%s: a broken gzip file: %v", name, err)
		}
		out := filepath.Join(tmp, "unpacked")
		if err := copyLimited(out, zr); err != nil {
			return "", "", govlake.Errorf(govlake.EINVALID, "%s: %v", name, err)
		}
		return out, strings.TrimSuffix(name, ".gz"), nil
	case bytes.Equal(magic, []byte("PK\x03\x04")) && format != "xlsx": // an xlsx is a zip too
		zr, err := zip.OpenReader(src)
		if err != nil {
			return "", "", govlake.Errorf(govlake.EINVALID, "%s: a broken zip file: %v", name, err)
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
			return "", "", govlake.Errorf(govlake.EINVALID, "%s: %v", name, err)
		}
		defer rc.Close()
		out := filepath.Join(tmp, "unpacked")
		if err := copyLimited(out, rc); err != nil {
			return "", "", govlake.Errorf(govlake.EINVALID, "%s: %s: %v", name, pick[0].Name, err)
		}
		return out, name + ":" + pick[0].Name, nil
	}
	return src, name, nil
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
		err = fmt.Errorf("unpacks to more than %d bytes", int64(maxUnpacked))
	}
	return err
}
