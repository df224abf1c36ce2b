package catalog

import (
	"context"
	"io"
	"path"
	"strconv"

	"govlake/internal/govlake"
)

// VersionFile is a stored file of a version, as it is kept: a Parquet part
// or the source as it was received.
type VersionFile struct {
	Name string // for a download's file name
	Size int64
	Body io.ReadCloser
}

// SourcePart names the source file among a version's files.
const SourcePart = -1

// OpenFile opens part k of version n of dataset id (SourcePart for its
// source), for those who may see the version.
func (c *Catalog) OpenFile(ctx context.Context, id string, n, k int) (*VersionFile, error) {
	m, err := c.Version(ctx, id, n)
	if err != nil {
		return nil, err
	}
	var key string
	var size int64
	switch {
	case k == SourcePart && m.Source.RawKey != "":
		key, size = m.Source.RawKey, m.Source.Size
	case k >= 0 && k < len(m.Files):
		key, size = m.Files[k].Key, m.Files[k].Size
	default:
		return nil, govlake.Errorf(govlake.ENOTFOUND, "version %d of %s has no file %d", n, id, k)
	}
	body, err := c.store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return &VersionFile{Name: id + "-v" + strconv.Itoa(n) + "-" + path.Base(key), Size: size, Body: body}, nil
}
