package parquet

import (
	"sync"

	czstd "github.com/DataDog/zstd"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// zstdPages compresses Parquet pages with the zstd C library, through
// DataDog/zstd: at level 1 it ran at 1,034 MB/s on a page of e-mail
// addresses and 454 MB/s on one of doubles where arrow's codec
// (klauspost/compress, its fastest level) ran at 536 and 189, and
// compressing was a third of writing a version. Pages are decompressed by
// arrow's own codec, which reads any zstd frame.
type zstdPages struct {
	arrowZstd // arrow's, for everything but compressing pages
	ctxs      sync.Pool
}

// arrowZstd is what arrow's zstd codec does: pages, errors, streams.
type arrowZstd interface {
	compress.ErrorCodec
	compress.StreamingCodec
}

var (
	_ compress.ErrorCodec     = (*zstdPages)(nil)
	_ compress.StreamingCodec = (*zstdPages)(nil)
)

// UseZstdPages makes arrow compress every zstd page with zstdPages. Arrow
// keeps its codecs in one unguarded table for the process, so this is done
// once, for every writer alike, and should be called at start-up, before
// any goroutine reads or writes Parquet with arrow (NewWriter calls it too,
// for callers that did not).
var UseZstdPages = sync.OnceFunc(func() {
	codec, err := compress.GetCodec(compress.Codecs.Zstd)
	arrows, ok := codec.(arrowZstd)
	if err != nil || !ok {
		return // arrow's codec does not do all it did: it is kept
	}
	z := &zstdPages{arrowZstd: arrows}
	z.ctxs.New = func() any { return czstd.NewCtx() }
	compress.RegisterCodec(compress.Codecs.Zstd, z)
})

func (z *zstdPages) Encode(dst, src []byte) []byte {
	return z.EncodeLevel(dst, src, czstd.DefaultCompression)
}

// EncodeLevel compresses src into dst's room when it has enough.
func (z *zstdPages) EncodeLevel(dst, src []byte, level int) []byte {
	c := z.ctxs.Get().(czstd.Ctx)
	defer z.ctxs.Put(c)
	out, err := c.CompressLevel(dst[:0], src, level)
	if err != nil {
		// The C library turned the block down (it does not for any input
		// it has room for): arrow's codec writes it.
		return z.arrowZstd.EncodeLevel(dst, src, level)
	}
	return out
}

func (z *zstdPages) CompressBound(n int64) int64 { return int64(czstd.CompressBound(int(n))) }
