package govlake

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A version number is claimed before anything is uploaded under it. The
// first claim is generation 1 and writes directly in the version's folder;
// a writer that takes over a claim whose writer died (its deadline passed)
// makes the next generation and writes under its own gN/ folder. No two
// generations share a key, so a writer that was only paused, not dead,
// can never overwrite the files of the writer that took over: whichever
// creates manifest.json first has made the version, with its own files,
// and the other gives the number up.

// GenPrefix is the folder of generation g of version n's claim.
func GenPrefix(id string, n, g int) string {
	if g <= 1 {
		return VersionPrefix(id, n)
	}
	return fmt.Sprintf("%sg%d/", VersionPrefix(id, n), g)
}

// GenClaimKey, GenPartKey and GenRejectedKey name generation g's files.
func GenClaimKey(id string, n, g int) string { return GenPrefix(id, n, g) + "claim.json" }
func GenPartKey(id string, n, g, k int) string {
	return fmt.Sprintf("%spart-%05d.parquet", GenPrefix(id, n, g), k)
}
func GenRejectedKey(id string, n, g int) string { return GenPrefix(id, n, g) + "rejected.parquet" }

// Claim is the content of a claim file.
type Claim struct {
	RunID     string    `json:"run_id"`
	ClaimedAt time.Time `json:"claimed_at"`
	// ExpiresAt is the claiming run's deadline: past it, the run no longer
	// commits, and the number may be taken over.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Expired reports whether the claim's writer can no longer commit at now
// by its own clock. Taking a number over needs no margin for clock skew:
// a writer whose clock is behind may still commit, and the taker then
// loses the manifest and moves on. A claim from before deadlines were
// recorded lasts DefaultRunTimeout.
func (c Claim) Expired(now time.Time) bool {
	end := c.ExpiresAt
	if end.IsZero() {
		end = c.ClaimedAt.Add(DefaultRunTimeout)
	}
	return now.After(end)
}

// VersionFolder is what one version number's folder holds.
type VersionFolder struct {
	Version  int
	Manifest *ObjectInfo
	// Claims holds the claim files by generation.
	Claims map[int]ObjectInfo
	// Data holds the data files (parts and rejections) by generation.
	Data map[int][]ObjectInfo
	// Other holds everything else (withdrawn.json, published.json).
	Other []ObjectInfo
	// MaxGen is the highest generation any file belongs to.
	MaxGen int
}

// Newest is the latest modification time of anything in the folder.
func (f *VersionFolder) Newest() time.Time {
	var t time.Time
	see := func(o ObjectInfo) {
		if o.ModTime.After(t) {
			t = o.ModTime
		}
	}
	for _, o := range f.Claims {
		see(o)
	}
	for _, files := range f.Data {
		for _, o := range files {
			see(o)
		}
	}
	return t
}

// VersionFolders groups a listing of a dataset's versions/ folder by
// version number, lowest first.
func VersionFolders(id string, objs []ObjectInfo) []*VersionFolder {
	byN := map[int]*VersionFolder{}
	for _, o := range objs {
		n, _, ok := ParseVersionKey(id, o.Key)
		if !ok {
			continue
		}
		f := byN[n]
		if f == nil {
			f = &VersionFolder{Version: n, Claims: map[int]ObjectInfo{}, Data: map[int][]ObjectInfo{}}
			byN[n] = f
		}
		g, name := genOf(strings.TrimPrefix(o.Key, VersionPrefix(id, n)))
		switch {
		case g == 1 && name == "manifest.json":
			o := o
			f.Manifest = &o
		case name == "claim.json":
			f.Claims[g] = o
		case strings.HasSuffix(name, ".parquet"):
			f.Data[g] = append(f.Data[g], o)
		default:
			f.Other = append(f.Other, o)
		}
		if g > f.MaxGen && (name == "claim.json" || strings.HasSuffix(name, ".parquet")) {
			f.MaxGen = g
		}
	}
	out := make([]*VersionFolder, 0, len(byN))
	for _, f := range byN {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// GenOf returns the generation that a key in version n's folder belongs to.
func GenOf(id string, n int, key string) int {
	g, _ := genOf(strings.TrimPrefix(key, VersionPrefix(id, n)))
	return g
}

// genOf splits a name inside a version folder into its generation and the
// rest: "g3/part-00000.parquet" is generation 3, "claim.json" generation 1.
func genOf(name string) (int, string) {
	dir, rest, found := strings.Cut(name, "/")
	if !found || len(dir) < 2 || dir[0] != 'g' {
		return 1, name
	}
	g, err := strconv.Atoi(dir[1:])
	if err != nil || g < 2 {
		return 1, name
	}
	return g, rest
}
