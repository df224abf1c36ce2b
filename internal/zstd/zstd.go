// Package zstd compresses HTTP answers with Zstandard (klauspost/compress).
package zstd

import (
	"io"

	"github.com/klauspost/compress/zstd"
)

// NewWriter compresses to w at the default level, on one goroutine (an
// answer is one stream; the server already runs many).
func NewWriter(w io.Writer) (io.WriteCloser, error) {
	return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
}
