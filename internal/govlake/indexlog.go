package govlake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// listAfter lists the keys under prefix after the key after: in one
// request on a store that can start a listing there.
func listAfter(ctx context.Context, s Store, prefix, after string) ([]ObjectInfo, error) {
	if la, ok := s.(ListerAfter); ok {
		return la.ListAfter(ctx, prefix, after)
	}
	objs, err := s.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	i := 0
	for i < len(objs) && objs[i].Key <= after {
		i++
	}
	return objs[i:], nil
}

// head is a hint kept beside the log: a recent sequence number, so that a
// writer lists only the log's tail. It may lag (it is written now and then,
// without a condition); the listing after it finds the true end.
type head struct {
	Seq int64 `json:"seq"`
}

// headEvery is how often (in sequence numbers) a writer moves the hint.
const headEvery = 100

// lastSeq finds the log's last sequence number.
func lastSeq(ctx context.Context, s Store) (int64, error) {
	var h head
	if err := ReadJSON(ctx, s, IndexHeadKey, &h); err != nil && ErrorCode(err) != ENOTFOUND {
		return 0, fmt.Errorf("read the index head: %w", err)
	}
	after := IndexLogPrefix
	if h.Seq > 0 {
		after = LogKey(h.Seq)
	}
	objs, err := listAfter(ctx, s, IndexLogPrefix, after)
	if err != nil {
		return 0, fmt.Errorf("list the index log: %w", err)
	}
	last := h.Seq
	for _, o := range objs {
		if n, ok := seqOf(IndexLogPrefix, o.Key); ok && n > last {
			last = n
		}
	}
	return last, nil
}

// AppendChange adds c to the log under the next sequence number, which it
// sets; of two writers taking the same number one wins and the other takes
// the next.
func AppendChange(ctx context.Context, s Store, c *Change) error {
	if c.At.IsZero() {
		c.At = time.Now().UTC()
	}
	for attempt := 0; attempt < 100; attempt++ {
		last, err := lastSeq(ctx, s)
		if err != nil {
			return err
		}
		c.Seq = last + 1
		b, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode change: %w", err)
		}
		err = s.Create(ctx, LogKey(c.Seq), bytes.NewReader(b))
		if ErrorCode(err) == ECONFLICT {
			continue
		}
		if err != nil {
			return fmt.Errorf("append change %d to the index log: %w", c.Seq, err)
		}
		if c.Seq%headEvery == 0 {
			h, _ := json.Marshal(head{Seq: c.Seq})
			s.Put(ctx, IndexHeadKey, bytes.NewReader(h)) // a hint: a failure costs a longer listing
		}
		return nil
	}
	return Errorf(ECONFLICT, "could not append to the index log after 100 attempts")
}

// ErrIndexGap says the log no longer holds the changes right after the
// reader's sequence (pruned after a newer snapshot): start again from the
// newest snapshot.
var ErrIndexGap = Errorf(ECONFLICT, "the index log has moved past this reader: reload from the newest snapshot")

// ReadChanges returns the changes after seq, in order, at most max of
// them (0: all).
func ReadChanges(ctx context.Context, s Store, seq int64, max int) ([]*Change, error) {
	after := IndexLogPrefix
	if seq > 0 {
		after = LogKey(seq)
	}
	objs, err := listAfter(ctx, s, IndexLogPrefix, after)
	if err != nil {
		return nil, fmt.Errorf("list the index log after %d: %w", seq, err)
	}
	var out []*Change
	for _, o := range objs {
		n, ok := seqOf(IndexLogPrefix, o.Key)
		if !ok || n <= seq {
			continue
		}
		if n != seq+int64(len(out))+1 {
			return nil, ErrIndexGap
		}
		var c Change
		if err := ReadJSON(ctx, s, o.Key, &c); err != nil {
			return nil, fmt.Errorf("read index change %d: %w", n, err)
		}
		c.Seq = n
		out = append(out, &c)
		if max > 0 && len(out) == max {
			break
		}
	}
	return out, nil
}

// Snapshots lists the sequence numbers of the stored snapshots, oldest first.
func Snapshots(ctx context.Context, s Store) ([]int64, error) {
	objs, err := s.List(ctx, IndexSnapPrefix)
	if err != nil {
		return nil, fmt.Errorf("list index snapshots: %w", err)
	}
	var out []int64
	for _, o := range objs {
		if n, ok := seqOf(IndexSnapPrefix, o.Key); ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// LoadIndex reads the newest snapshot and applies the changes after it.
// With neither, it returns an empty index at sequence 0 and found false:
// the store was never indexed (see ScanIndex).
func LoadIndex(ctx context.Context, s Store, read ManifestReader) (x *Index, found bool, err error) {
	snaps, err := Snapshots(ctx, s)
	if err != nil {
		return nil, false, err
	}
	return LoadIndexFrom(ctx, s, snaps, read)
}

// LoadIndexFrom is LoadIndex for a caller that has listed the snapshots
// (Snapshots) already.
func LoadIndexFrom(ctx context.Context, s Store, snaps []int64, read ManifestReader) (x *Index, found bool, err error) {
	x = NewIndex()
	if len(snaps) > 0 {
		if x, err = ReadSnapshot(ctx, s, snaps[len(snaps)-1]); err != nil {
			return nil, false, err
		}
	}
	x, n, err := CatchUp(ctx, s, x, read, nil)
	if err != nil {
		return nil, false, err
	}
	return x, len(snaps) > 0 || n > 0, nil
}

// CatchUp applies to x the changes after its sequence, and returns the
// index (another, when the log says it was rebuilt) and how many changes
// it read.
func CatchUp(ctx context.Context, s Store, x *Index, read ManifestReader, seen func(*Change)) (*Index, int, error) {
	changes, err := ReadChanges(ctx, s, x.Seq, 0)
	if err != nil {
		return nil, 0, err
	}
	for i, c := range changes {
		if c.Kind == ChangeReindex && c.Seq != x.rebuiltAt {
			// Rebuilt from a listing made after c.From: start again from
			// the rebuild, with the changes after From applied over it.
			y, err := readSnapshotKey(ctx, s, c.Snapshot)
			if err != nil {
				return nil, 0, err
			}
			y.Seq, y.rebuiltAt = c.From, c.Seq
			y, n, err := CatchUp(ctx, s, y, read, seen)
			return y, i + 1 + n, err
		}
		if err := x.Apply(ctx, c, read); err != nil {
			return nil, 0, err
		}
		if seen != nil {
			seen(c)
		}
	}
	return x, len(changes), nil
}

// PruneIndex removes all but the keep newest snapshots, and the changes
// and rebuilds older than before that the oldest snapshot kept already
// holds. A reader left behind them is told so (ErrIndexGap) and starts
// again from the newest snapshot. It returns how many objects it removed.
func PruneIndex(ctx context.Context, s Store, keep int, before time.Time) (int, error) {
	snaps, err := Snapshots(ctx, s)
	if err != nil || len(snaps) <= keep {
		return 0, err
	}
	cut := snaps[len(snaps)-keep]
	removed := 0
	for _, n := range snaps[:len(snaps)-keep] {
		if err := s.Delete(ctx, SnapKey(n)); err != nil {
			return removed, fmt.Errorf("remove index snapshot %d: %w", n, err)
		}
		removed++
	}
	for _, prefix := range []string{IndexLogPrefix, "index/rebuild/"} {
		objs, err := s.List(ctx, prefix)
		if err != nil {
			return removed, fmt.Errorf("list %s: %w", prefix, err)
		}
		for _, o := range objs {
			n, ok := seqOf(IndexLogPrefix, o.Key)
			if prefix != IndexLogPrefix {
				n, ok = rebuildSeq(o.Key)
			}
			if !ok || n > cut || !o.ModTime.Before(before) {
				continue
			}
			if err := s.Delete(ctx, o.Key); err != nil {
				return removed, fmt.Errorf("remove %s: %w", o.Key, err)
			}
			removed++
		}
	}
	return removed, nil
}

// rebuildSeq reads the change a rebuild was listed after from its key.
func rebuildSeq(key string) (int64, bool) {
	i := strings.LastIndexByte(key, '-')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(key[i+1:], ".json"), 10, 64)
	return n, err == nil
}
