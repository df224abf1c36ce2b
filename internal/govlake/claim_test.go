package govlake

import (
	"testing"
	"time"
)

func TestVersionFolders(t *testing.T) {
	objs := []ObjectInfo{
		{Key: ClaimKey("pop", 1)}, {Key: PartKey("pop", 1, 0)}, {Key: RejectedKey("pop", 1)}, {Key: ManifestKey("pop", 1)},
		{Key: WithdrawnKey("pop", 1)},
		{Key: ClaimKey("pop", 2)}, {Key: GenClaimKey("pop", 2, 3)}, {Key: GenPartKey("pop", 2, 3, 1)},
		{Key: "datasets/pop/versions/00000002/gx/part-00000.parquet"}, // not a generation folder
		{Key: DatasetKey("pop")},
	}
	fs := VersionFolders("pop", objs)
	if len(fs) != 2 || fs[0].Version != 1 || fs[1].Version != 2 {
		t.Fatalf("folders %+v", fs)
	}
	one, two := fs[0], fs[1]
	if one.Manifest == nil || len(one.Claims) != 1 || len(one.Data[1]) != 2 || len(one.Other) != 1 || one.MaxGen != 1 {
		t.Errorf("version 1: %+v", one)
	}
	if two.Manifest != nil || len(two.Claims) != 2 || len(two.Data[3]) != 1 || len(two.Data[1]) != 1 || two.MaxGen != 3 {
		t.Errorf("version 2: %+v", two)
	}
	if GenPartKey("pop", 2, 3, 1) != "datasets/pop/versions/00000002/g3/part-00001.parquet" || GenPartKey("pop", 2, 1, 1) != PartKey("pop", 2, 1) {
		t.Errorf("generation keys %s %s", GenPartKey("pop", 2, 3, 1), GenPartKey("pop", 2, 1, 1))
	}
	for key, want := range map[string]int{GenPartKey("pop", 2, 3, 1): 3, PartKey("pop", 2, 0): 1, GenClaimKey("pop", 2, 12): 12} {
		if g := GenOf("pop", 2, key); g != want {
			t.Errorf("GenOf(%s) = %d, want %d", key, g, want)
		}
	}
}

func TestClaimExpired(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		c    Claim
		now  time.Time
		want bool
	}{
		{Claim{ClaimedAt: at, ExpiresAt: at.Add(time.Minute)}, at.Add(time.Minute), false},
		{Claim{ClaimedAt: at, ExpiresAt: at.Add(time.Minute)}, at.Add(time.Minute + time.Second), true},
		{Claim{ClaimedAt: at}, at.Add(DefaultRunTimeout), false}, // an older claim, with no deadline
		{Claim{ClaimedAt: at}, at.Add(DefaultRunTimeout + time.Second), true},
	}
	for i, tt := range tests {
		if got := tt.c.Expired(tt.now); got != tt.want {
			t.Errorf("%d: Expired = %v, want %v", i, got, tt.want)
		}
	}
}
