package govlake

import "testing"

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{
		512: "512 bytes", 1024: "1 KB", 1536: "1.5 KB", 1047552: "1023 KB", 64 << 20: "64 MB",
		100 << 20: "100 MB", 10*(1<<20) + (1 << 19): "10.5 MB", 3 << 30: "3 GB", 1<<40 + 1<<39: "1.5 TB",
	} {
		if got := ByteSize(n); got != want {
			t.Errorf("ByteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
