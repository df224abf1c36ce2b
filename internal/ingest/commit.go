package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"govlake/internal/govlake"
	"io"
	"os"
	"strings"
	"time"
)

// The commit protocol: a version number is claimed with a conditional
// create, the files are uploaded under it, and the manifest is created
// last, so a version exists exactly when its manifest does.

// commit claims the next version number, uploads the files under it, and
// creates the manifest last. The claim is a conditional create: of two
// writers, only one gets number n, so no writer ever overwrites another's
// files; the loser moves on to n+1.
func (r *Runner) commit(ctx context.Context, m *govlake.Manifest, res *result) (int, error) {
	id := m.Dataset
	for attempt := 0; attempt < 100; attempt++ {
		n, err := nextVersion(ctx, r.Store, id)
		if err != nil {
			return 0, err
		}
		claim, _ := json.Marshal(map[string]any{"run_id": m.RunID, "claimed_at": r.Now().UTC()})
		err = r.Store.Create(ctx, govlake.ClaimKey(id, n), strings.NewReader(string(claim)))
		if govlake.ErrorCode(err) == govlake.ECONFLICT {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("claim version %d of %s: %w", n, id, err)
		}
		if err := r.upload(ctx, m, n, res); err != nil {
			r.abandon(ctx, m.Dataset, n)
			return 0, err
		}
		return n, nil
	}
	return 0, govlake.Errorf(govlake.ECONFLICT, "could not claim a version number for %s after 100 attempts", id)
}

// upload writes a claimed version's files, then its manifest.
func (r *Runner) upload(ctx context.Context, m *govlake.Manifest, n int, res *result) error {
	id := m.Dataset
	m.Version = n
	m.Files = nil
	for k, p := range res.parts {
		key := govlake.PartKey(id, n, k)
		size, sum, err := r.putFileSize(ctx, key, p.path)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, govlake.FileInfo{Key: key, Size: size, Rows: p.rows, SHA256: sum})
	}
	key := govlake.RejectedKey(id, n)
	size, sum, err := r.putFileSize(ctx, key, res.rejectedPath)
	if err != nil {
		return err
	}
	m.Rejected = &govlake.FileInfo{Key: key, Size: size, Rows: res.rejections, SHA256: sum}
	m.CreatedAt = r.Now().UTC()
	if err := r.putJSON(ctx, govlake.ManifestKey(id, n), m, true); err != nil {
		return fmt.Errorf("commit version %d of %s: %w", n, id, err)
	}
	return nil
}

// abandon removes what a failed commit left under its claimed number, files
// first and the claim last, so the number can be used again. If this fails
// too, the files are unreferenced garbage and the number is skipped: the
// version does not exist either way, since it has no manifest.
func (r *Runner) abandon(ctx context.Context, id string, n int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	objs, err := r.Store.List(ctx, govlake.VersionPrefix(id, n))
	if err != nil {
		r.Logger.Warn("clean up failed version", "dataset", id, "version", n, "err", err)
		return
	}
	claim := govlake.ClaimKey(id, n)
	for _, o := range objs {
		if o.Key == govlake.ManifestKey(id, n) {
			return // committed after all (the error came after the write)
		}
	}
	for _, o := range objs {
		if o.Key != claim {
			if err := r.Store.Delete(ctx, o.Key); err != nil {
				r.Logger.Warn("clean up failed version", "dataset", id, "version", n, "err", err)
				return
			}
		}
	}
	if err := r.Store.Delete(ctx, claim); err != nil {
		r.Logger.Warn("clean up failed version", "dataset", id, "version", n, "err", err)
	}
}

// nextVersion returns one more than the highest version claimed or committed.
func nextVersion(ctx context.Context, s govlake.Store, id string) (int, error) {
	objs, err := s.List(ctx, govlake.VersionsPrefix(id))
	if err != nil {
		return 0, err
	}
	max := 0
	for _, o := range objs {
		if n, _, ok := govlake.ParseVersionKey(id, o.Key); ok && n > max {
			max = n
		}
	}
	return max + 1, nil
}

// introduce writes a dataset's metadata after a failed run if it has none
// yet, so that a dataset whose first runs fail is listed, and its page
// says why, instead of not existing.
func (r *Runner) introduce(ctx context.Context, p *govlake.Pipeline) {
	objs, err := r.Store.List(ctx, govlake.DatasetKey(p.Dataset))
	if err == nil && len(objs) > 0 {
		return
	}
	if err == nil {
		meta := p.MetadataWith(nil)
		meta.UpdatedAt = r.Now().UTC()
		err = r.putJSON(ctx, govlake.DatasetKey(p.Dataset), meta, false)
	}
	if err != nil {
		r.Logger.Warn("write the metadata of a dataset with no version", "dataset", p.Dataset, "err", err)
	}
}

// updateMetadata rewrites dataset.json when the metadata changed.
func (r *Runner) updateMetadata(ctx context.Context, id string, meta govlake.Metadata) error {
	var cur govlake.Metadata
	err := govlake.ReadJSON(ctx, r.Store, govlake.DatasetKey(id), &cur)
	if err == nil && cur.SameAs(meta) {
		return nil
	}
	if err != nil && govlake.ErrorCode(err) != govlake.ENOTFOUND {
		return err
	}
	meta.UpdatedAt = r.Now().UTC()
	return r.putJSON(ctx, govlake.DatasetKey(id), meta, false)
}

func (r *Runner) putJSON(ctx context.Context, key string, v any, create bool) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if create {
		return r.Store.Create(ctx, key, strings.NewReader(string(b)))
	}
	return r.Store.Put(ctx, key, strings.NewReader(string(b)))
}

func (r *Runner) putFile(ctx context.Context, key, path string) error {
	_, _, err := r.putFileSize(ctx, key, path)
	return err
}

// FilePutter is a store that takes a finished work file whole, by a hard
// link where it can, instead of a copy.
type FilePutter interface {
	PutFile(ctx context.Context, key, path string) error
}

func (r *Runner) putFileSize(ctx context.Context, key, path string) (int64, string, error) {
	// The digest is read from the local file before the upload, so that a
	// catalogue can publish it (DCAT's spdx:checksum) without reading the
	// stored object back.
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if fp, ok := r.Store.(FilePutter); ok {
		if err := fp.PutFile(ctx, key, path); err != nil {
			return 0, "", fmt.Errorf("upload %s: %w", key, err)
		}
		return size, sum, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, "", err
	}
	if err := r.Store.Put(ctx, key, f); err != nil {
		return 0, "", fmt.Errorf("upload %s: %w", key, err)
	}
	return size, sum, nil
}

// compactJSON keeps the schema's key order, which a decode would lose.
func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}
