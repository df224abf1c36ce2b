package govlake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
)

// MaxTableMetadata bounds a table metadata file read back (a table of
// 10,000 versions has about 4 MB).
const MaxTableMetadata = 64 << 20

// TableMetadata reads a dataset's newest Iceberg metadata file: the number
// the version hint gives, or a later one a writer made before it could
// update the hint. It returns 0 and no bytes when the dataset has no table.
func TableMetadata(ctx context.Context, s Store, id string) (int, []byte, error) {
	n, err := tableHint(ctx, s, id)
	if err != nil {
		return 0, nil, err
	}
	var data []byte
	for {
		b, err := readBounded(ctx, s, TableMetadataKey(id, n+1), MaxTableMetadata)
		if ErrorCode(err) == ENOTFOUND {
			break
		}
		if err != nil {
			return 0, nil, err
		}
		n, data = n+1, b
	}
	if data != nil || n == 0 {
		return n, data, nil
	}
	data, err = readBounded(ctx, s, TableMetadataKey(id, n), MaxTableMetadata)
	if ErrorCode(err) == ENOTFOUND {
		return n, nil, nil // the hint names a file that is gone: rebuilt from the store
	}
	return n, data, err
}

func tableHint(ctx context.Context, s Store, id string) (int, error) {
	b, err := readBounded(ctx, s, TableHintKey(id), 64)
	if ErrorCode(err) == ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil || n < 0 {
		return 0, nil // a damaged hint: probe from the start
	}
	return n, nil
}

func readBounded(ctx context.Context, s Store, key string, limit int64) ([]byte, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	if int64(len(b)) > limit {
		return nil, Errorf(ETOOLARGE, "%s is larger than %d bytes", key, limit)
	}
	return b, nil
}
