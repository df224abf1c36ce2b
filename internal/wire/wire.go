// Package wire connects the adapters for the commands (cmd/* and bench/*):
// it is the one place
// that knows every concrete store, decoder, validator and writer.
package wire

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"govlake/internal/cache"
	"govlake/internal/csv"
	"govlake/internal/duckdb"
	"govlake/internal/fetch"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/icu"
	"govlake/internal/ingest"
	"govlake/internal/json"
	"govlake/internal/jsonschema"
	"govlake/internal/myanmar"
	"govlake/internal/norm"
	"govlake/internal/parquet"
	"govlake/internal/s3"
	"govlake/internal/tabular"
	"govlake/internal/web"
	"govlake/internal/xlsx"
)

// The stores' optional abilities that the runner looks for.
var (
	_ ingest.FilePutter    = (*file.Store)(nil)
	_ ingest.UploadSweeper = (*file.Store)(nil)
	_ ingest.UploadSweeper = (*s3.Store)(nil)
	_ ingest.AbortRuler    = (*s3.Store)(nil)
	_ govlake.ListerAfter  = (*file.Store)(nil)
	_ govlake.ListerAfter  = (*s3.Store)(nil)
)

// OpenStore opens the store a URL names: a folder path, file:///path, or
// s3://bucket/prefix?endpoint=...&region=... An S3 store is reached once,
// and its handling of conditional creates checked, before anything runs.
func OpenStore(ctx context.Context, url string, logger *slog.Logger) (govlake.Store, error) {
	switch {
	case strings.HasPrefix(url, "s3://"):
		cfg, err := s3.ParseURL(url)
		if err != nil {
			return nil, err
		}
		st, err := s3.New(ctx, cfg, logger)
		if err != nil {
			return nil, err
		}
		if err := st.Check(ctx); err != nil {
			return nil, err
		}
		if _, err := st.ProbeConditional(ctx); err != nil {
			return nil, err
		}
		return st, nil
	case strings.HasPrefix(url, "file://"):
		return file.NewStore(strings.TrimPrefix(url, "file://"))
	case strings.Contains(url, "://"):
		return nil, govlake.Errorf(govlake.EINVALID, "store %s: use a folder path, file:///path or s3://bucket/prefix?endpoint=...", url)
	}
	return file.NewStore(url)
}

// CreateBucket makes an S3 store's bucket when it has none (first setup,
// benchmarks); a folder store needs nothing.
func CreateBucket(ctx context.Context, url string, logger *slog.Logger) error {
	if !strings.HasPrefix(url, "s3://") {
		return nil
	}
	cfg, err := s3.ParseURL(url)
	if err != nil {
		return err
	}
	st, err := s3.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	return st.CreateBucket(ctx)
}

// Localizer gives the query engine local files for a store: a folder store's
// own files, or a bounded cache for a remote one. It returns the folder the
// engine may read.
func Localizer(store govlake.Store, url, cacheDir string, cacheBytes int64, logger *slog.Logger) (govlake.Localizer, string, error) {
	if fs, ok := store.(*file.Store); ok {
		return fs, fs.Root, nil
	}
	if cacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		// One folder per store, so two stores never share copies.
		sum := sha256.Sum256([]byte(url))
		cacheDir = filepath.Join(base, "govlake", hex.EncodeToString(sum[:8]))
	}
	c, err := cache.New(store, cacheDir, cacheBytes, logger, time.Now)
	if err != nil {
		return nil, "", err
	}
	return c, c.Dir(), nil
}

// NewRunner wires a pipeline runner.
func NewRunner(store govlake.Store, logger *slog.Logger) *ingest.Runner {
	parquet.UseZstdPages()
	r := ingest.NewRunner(store, logger, time.Now)
	r.Large = holdLargeGC
	router := &fetch.Router{Web: fetch.NewFetcher(logger), Local: file.Fetcher{}}
	r.Fetch = router.Fetch
	r.LoadSchema = func(path string) (ingest.Schema, error) {
		s, err := jsonschema.Load(path)
		if err != nil {
			return nil, err
		}
		return fastSchema{s}, nil
	}
	r.Decode = func(rd io.ReadSeeker, name string, src govlake.Source) (tabular.RecordReader, error) {
		switch src.Format {
		case "json", "ndjson":
			return json.NewReader(rd, name, json.Options{NDJSON: src.Format == "ndjson", Records: src.Records})
		case "xlsx":
			return xlsx.NewReader(rd, name, xlsx.Options{Sheet: src.Sheet, SkipRows: src.SkipRows, HeaderRows: src.HeaderRows, FooterRows: src.FooterRows, NAValues: src.NAValues})
		}
		return csv.NewReader(rd, name, csv.OptionsFrom(src))
	}
	r.Tables = Tables(store)
	r.Transform = duckdb.Transform
	r.Describe = duckdb.Describe
	if z, err := icu.NewZawgyi(); err == nil {
		r.Burmese = burmese{z}
	} else {
		// Without ICU's transliterator, Zawgyi is neither found nor
		// converted, and a pipeline that asks for conversion fails.
		logger.Error("Zawgyi conversion is not available", "err", err)
	}
	r.Normalizer = norm.NFC{}
	r.NewWriter = func(w io.Writer, cols []govlake.Column) (ingest.RowWriter, error) {
		return parquet.NewWriter(w, cols)
	}
	return r
}

// ParseSize reads sizes such as 512MB or 10GB.
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}}
	u := strings.ToUpper(strings.TrimSpace(s))
	for _, unit := range units {
		if n, ok := strings.CutSuffix(u, unit.suffix); ok {
			var v float64
			if _, err := fmt.Sscanf(n, "%g", &v); err != nil || v < 0 {
				break
			}
			return int64(v * float64(unit.mult)), nil
		}
	}
	return 0, govlake.Errorf(govlake.EINVALID, "size %q: use a number with B, KB, MB, GB or TB, such as 10GB", s)
}

// burmese finds Zawgyi with the myanmar package's model and converts it
// with ICU's rules.
type burmese struct{ z *icu.Zawgyi }

func (burmese) HasBurmese(s string) bool    { return myanmar.HasBurmese(s) }
func (burmese) IsZawgyi(s string) bool      { return myanmar.IsZawgyi(s) }
func (b burmese) ToUnicode(s string) string { return b.z.ToUnicode(s) }

// fastSchema offers the runner the schema's column-batch checks.
type fastSchema struct{ *jsonschema.Schema }

func (s fastSchema) FastColumns(labels []string) ingest.ColumnChecker {
	f := s.Schema.Fast()
	if f == nil {
		return nil
	}
	return f.Columns(labels)
}

// TableWriter makes the catalogue's writers for binary result formats.
func TableWriter(w io.Writer, format string, cols []govlake.Column) (web.TableWriter, error) {
	if format == "arrow" {
		return parquet.NewArrowStream(w, cols)
	}
	return parquet.NewWriter(w, cols)
}

// ParsePrefixes reads a comma-separated list of networks (10.0.0.0/8) or
// single addresses (127.0.0.1).
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "%q is not an address or network such as 10.0.0.0/8", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// NewLogger writes records at level and above to w, as logfmt text
// ("text", for people) or one JSON object a line ("json", for log
// collectors).
func NewLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, govlake.Errorf(govlake.EINVALID, "log format %q: use text or json", format)
}
