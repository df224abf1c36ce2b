package parquet

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
)

// Once a writer is made, zstd pages are compressed by the C library and
// read back by arrow's own decoder, blocks and streams alike.
func TestZstdPages(t *testing.T) {
	if _, err := NewWriter(io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	codec, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	z, ok := codec.(*zstdPages)
	if !ok {
		t.Fatalf("arrow compresses zstd pages with %T", codec)
	}
	var page []byte
	for i := range 50000 {
		page = fmt.Appendf(page, "%d,person%d@example.org,%d;", i, i*7, i%13)
	}
	dst := make([]byte, 0, z.CompressBound(int64(len(page))))
	packed := z.EncodeLevel(dst, page, 1)
	if len(packed) == 0 || len(packed) > len(page)/3 || &packed[0] != &dst[:1][0] {
		t.Fatalf("%d bytes compressed to %d (in the given room: %v)", len(page), len(packed), len(packed) > 0 && &packed[0] == &dst[:1][0])
	}
	back, err := z.DecodeWithError(nil, packed)
	if err != nil || !bytes.Equal(back, page) {
		t.Fatalf("decoded %d bytes, %v", len(back), err)
	}
	r := z.NewReader(bytes.NewReader(packed))
	streamed, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(streamed, page) {
		t.Fatalf("streamed %d bytes, %v", len(streamed), err)
	}
	if empty := z.EncodeLevel(nil, nil, 1); len(empty) == 0 {
		t.Error("an empty page compressed to nothing, not to an empty frame")
	}
}
