package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"govlake/internal/govlake"
	"io"
	"os"
	"strings"
	"time"
)

// The commit protocol: a version number is claimed with a conditional
// create, the files are uploaded under it, and the manifest is created
// last, so a version exists exactly when its manifest does. A claim whose
// run died is taken over by a new generation with keys of its own (see
// govlake.GenPrefix), so numbers are not skipped and no writer, however
// late, overwrites another's files.

// slot is one claim: a version number and its generation.
type slot struct{ n, gen int }

// errLostRace is a manifest that another generation created first.
var errLostRace = errors.New("another writer committed this version number first")

// commit claims a version number, uploads the files under it, and creates
// the manifest last. The claim is a conditional create: of two writers,
// only one gets a number's generation; the loser moves on.
func (r *Runner) commit(ctx context.Context, m *govlake.Manifest, res *result) (int, error) {
	id := m.Dataset
	now := r.Now().UTC()
	expires := now.Add(govlake.DefaultRunTimeout)
	if dl, ok := ctx.Deadline(); ok {
		expires = now.Add(time.Until(dl)) // the run's deadline on the runner's clock
	}
	for attempt := 0; attempt < 100; attempt++ {
		s, err := r.nextSlot(ctx, id)
		if err != nil {
			return 0, err
		}
		claim, _ := json.Marshal(govlake.Claim{RunID: m.RunID, ClaimedAt: r.Now().UTC(), ExpiresAt: expires})
		err = r.Store.Create(ctx, govlake.GenClaimKey(id, s.n, s.gen), bytes.NewReader(claim))
		if govlake.ErrorCode(err) == govlake.ECONFLICT {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("claim version %d of %s: %w", s.n, id, err)
		}
		written, err := r.upload(ctx, m, s, res, expires)
		if err == nil {
			return s.n, nil
		}
		r.abandon(ctx, id, s, written)
		if err != errLostRace {
			return 0, err
		}
	}
	return 0, govlake.Errorf(govlake.ECONFLICT, "could not claim a version number for %s after 100 attempts", id)
}

// upload writes a claimed version's files, then its manifest, unless the
// run's deadline has passed: past it, another writer may take the number
// over. It returns the keys it wrote.
func (r *Runner) upload(ctx context.Context, m *govlake.Manifest, s slot, res *result, expires time.Time) ([]string, error) {
	id := m.Dataset
	m.Version = s.n
	m.Files = nil
	var written []string
	for k, p := range res.parts {
		key := govlake.GenPartKey(id, s.n, s.gen, k)
		written = append(written, key)
		size, sum, err := r.putPart(ctx, key, p)
		if err != nil {
			return written, err
		}
		m.Files = append(m.Files, govlake.FileInfo{Key: key, Size: size, Rows: p.rows, SHA256: sum})
	}
	key := govlake.GenRejectedKey(id, s.n, s.gen)
	written = append(written, key)
	size, sum, err := r.putPart(ctx, key, res.rejected)
	if err != nil {
		return written, err
	}
	m.Rejected = &govlake.FileInfo{Key: key, Size: size, Rows: res.rejections, SHA256: sum}
	m.CreatedAt = r.Now().UTC()
	if !m.CreatedAt.Before(expires) {
		return written, govlake.Errorf(govlake.ETIMEOUT, "version %d of %s was not committed: the run reached its deadline (%s) before its manifest was written", s.n, id, expires.Format(time.RFC3339))
	}
	err = r.putJSON(ctx, govlake.ManifestKey(id, s.n), m, true)
	if govlake.ErrorCode(err) == govlake.ECONFLICT {
		// Ours after all when a retried create found its own first write.
		if cur, rerr := govlake.ReadManifest(ctx, r.Store, id, s.n); rerr == nil && cur.RunID == m.RunID {
			return written, nil
		}
		return written, errLostRace
	}
	if err != nil {
		return written, fmt.Errorf("commit version %d of %s: %w", s.n, id, err)
	}
	return written, nil
}

// abandon removes what a failed commit wrote, its files first and its claim
// last, so the number can be used again. Only this run's own keys go: other
// generations' files are theirs. If this fails too, the files are garbage
// for the sweep; the version does not exist either way, since the manifest
// is not this run's.
func (r *Runner) abandon(ctx context.Context, id string, s slot, written []string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for _, key := range append(written, govlake.GenClaimKey(id, s.n, s.gen)) {
		if err := r.Store.Delete(ctx, key); err != nil {
			r.Logger.Warn("clean up failed version", "dataset", id, "version", s.n, "key", key, "err", err)
			return
		}
	}
}

// nextSlot returns the number and generation to claim: the lowest number
// above the latest version when every claim above it has expired (their
// writers died), taken over by a new generation; otherwise one more than
// the highest number in use.
func (r *Runner) nextSlot(ctx context.Context, id string) (slot, error) {
	objs, err := r.Store.List(ctx, govlake.VersionsPrefix(id))
	if err != nil {
		return slot{}, err
	}
	above := pending(govlake.VersionFolders(id, objs))
	if len(above) == 0 {
		return slot{latestNumber(objs, id) + 1, 1}, nil
	}
	for _, f := range above {
		if !claimsExpired(ctx, r.Store, f.Claims, r.Now()) {
			return slot{above[len(above)-1].Version + 1, 1}, nil
		}
	}
	return slot{above[0].Version, above[0].MaxGen + 1}, nil
}

// pending returns the folders above the highest committed version.
func pending(folders []*govlake.VersionFolder) []*govlake.VersionFolder {
	for i := len(folders) - 1; i >= 0; i-- {
		if folders[i].Manifest != nil {
			return folders[i+1:]
		}
	}
	return folders
}

func latestNumber(objs []govlake.ObjectInfo, id string) int {
	max := 0
	for _, o := range objs {
		if n, _, ok := govlake.ParseVersionKey(id, o.Key); ok && n > max {
			max = n
		}
	}
	return max
}

// claimsExpired reports whether every claim had passed its deadline at t.
// A claim that cannot be read counts from its file's time.
func claimsExpired(ctx context.Context, s govlake.Store, claims map[int]govlake.ObjectInfo, t time.Time) bool {
	for _, o := range claims {
		var c govlake.Claim
		err := govlake.ReadJSON(ctx, s, o.Key, &c)
		if govlake.ErrorCode(err) == govlake.ENOTFOUND {
			continue // given up meanwhile
		}
		if err != nil {
			c = govlake.Claim{ClaimedAt: o.ModTime}
		}
		if !c.Expired(t) {
			return false
		}
	}
	return true
}

// introduce writes a dataset's metadata after a failed run if it has none
// yet, so that a dataset whose first runs fail is listed, and its page
// says why, instead of not existing. It returns the metadata it wrote.
func (r *Runner) introduce(ctx context.Context, p *govlake.Pipeline) *govlake.Metadata {
	objs, err := r.Store.List(ctx, govlake.DatasetKey(p.Dataset))
	if err == nil && len(objs) > 0 {
		return nil
	}
	meta := p.MetadataWith(nil)
	if err == nil {
		meta.UpdatedAt = r.Now().UTC()
		err = r.putJSON(ctx, govlake.DatasetKey(p.Dataset), meta, false)
	}
	if err != nil {
		r.Logger.Warn("write the metadata of a dataset with no version", "dataset", p.Dataset, "err", err)
		return nil
	}
	return &meta
}

// updateMetadata rewrites dataset.json when the metadata changed, and
// logs the change to the index.
func (r *Runner) updateMetadata(ctx context.Context, id string, meta govlake.Metadata) error {
	_, err := r.storeMetadata(ctx, id, meta)
	return err
}

// keepMetadata is updateMetadata for a run: the run's change to the index
// carries the metadata, whether it changed or not, so that one killed
// between dataset.json and its change is mended by the next.
func (r *Runner) keepMetadata(ctx context.Context, id string, meta govlake.Metadata, out *outcome) error {
	stored, err := r.storeMetadata(ctx, id, meta)
	out.meta = stored
	return err
}

// storeMetadata writes dataset.json unless it says the same, and returns
// what it holds afterwards.
func (r *Runner) storeMetadata(ctx context.Context, id string, meta govlake.Metadata) (*govlake.Metadata, error) {
	var cur govlake.Metadata
	err := govlake.ReadJSON(ctx, r.Store, govlake.DatasetKey(id), &cur)
	if err == nil && cur.SameAs(meta) {
		return &cur, nil
	}
	if err != nil && govlake.ErrorCode(err) != govlake.ENOTFOUND {
		return nil, err
	}
	meta.UpdatedAt = r.Now().UTC()
	if err := r.putJSON(ctx, govlake.DatasetKey(id), meta, false); err != nil {
		return nil, err
	}
	r.logChange(ctx, &govlake.Change{Kind: govlake.ChangeMetadata, Dataset: id, Meta: &meta})
	return &meta, nil
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

// putPart stores a part file, digested as it was written, or now.
func (r *Runner) putPart(ctx context.Context, key string, p partFile) (int64, string, error) {
	if p.sum == "" {
		return r.putFileSize(ctx, key, p.path)
	}
	return p.size, p.sum, r.putFile(ctx, key, p.path)
}

// putFile stores a work file whose digest is already known (the raw
// source's is its key), so it is not read for one.
func (r *Runner) putFile(ctx context.Context, key, path string) error {
	if fp, ok := r.Store.(FilePutter); ok {
		if err := fp.PutFile(ctx, key, path); err != nil {
			return fmt.Errorf("upload %s: %w", key, err)
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := r.Store.Put(ctx, key, f); err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}

// FilePutter is a store that takes a finished work file whole, by a hard
// link where it can, instead of a copy.
type FilePutter interface {
	PutFile(ctx context.Context, key, path string) error
}

// syncWork says work files are flushed to disk as soon as each is
// finished, on the goroutine that finished it: a store that takes them
// whole flushes them before linking, and 800 MB left to that moment cost
// up to 4 s of waiting at the commit when the disk was slow; flushed
// early, the disk works while the rows are checked. (A store that copies
// them needs no flush.)
func (r *Runner) syncWork() bool {
	_, ok := r.Store.(FilePutter)
	return ok
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
	if err := r.putFile(ctx, key, path); err != nil {
		return 0, "", err
	}
	return size, hex.EncodeToString(h.Sum(nil)), nil
}

// compactJSON keeps the schema's key order, which a decode would lose.
func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}
