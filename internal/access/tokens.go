// Package access decides who may write: API tokens of organisations (made,
// listed, revoked, and checked on every request) and the audit trail of
// every write. Secrets are random, shown once, and stored only as hashes.
package access

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// tokenPrefix starts every token, so that a leaked one is easy to find in
// code and logs.
const tokenPrefix = "glk_"

// Tokens makes and checks API tokens kept in the store.
type Tokens struct {
	store govlake.Store
	now   func() time.Time
	rand  io.Reader
	// CacheFor is how long a checked token is trusted without reading its
	// record again; a revocation takes effect within it.
	CacheFor time.Duration

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	tok  govlake.Token
	read time.Time
}

// NewTokens returns the tokens of store.
func NewTokens(store govlake.Store, now func() time.Time) *Tokens {
	return &Tokens{store: store, now: now, rand: rand.Reader, CacheFor: 5 * time.Second, cache: map[string]cached{}}
}

// Create makes a token for org with role, named name, valid for ttl. The
// secret is returned once and never stored.
func (t *Tokens) Create(ctx context.Context, org, role, name string, ttl time.Duration) (string, govlake.Token, error) {
	if !govlake.DatasetIDPattern.MatchString(org) {
		return "", govlake.Token{}, govlake.Errorf(govlake.EINVALID, "organization %q must be an organization id such as moh", org)
	}
	if !govlake.ValidRole(role) {
		return "", govlake.Token{}, govlake.Errorf(govlake.EINVALID, "role %q must be admin, publisher or editor", role)
	}
	if strings.TrimSpace(name) == "" {
		return "", govlake.Token{}, govlake.Errorf(govlake.EINVALID, "a token needs a name that says who uses it, such as \"MoH ETL\"")
	}
	if ttl <= 0 {
		return "", govlake.Token{}, govlake.Errorf(govlake.EINVALID, "a token's lifetime must be positive")
	}
	idBytes, secretBytes := make([]byte, 8), make([]byte, 32)
	if _, err := io.ReadFull(t.rand, idBytes); err != nil {
		return "", govlake.Token{}, fmt.Errorf("make a token id: %w", err)
	}
	if _, err := io.ReadFull(t.rand, secretBytes); err != nil {
		return "", govlake.Token{}, fmt.Errorf("make a token secret: %w", err)
	}
	id := hex.EncodeToString(idBytes)
	secret := tokenPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(secretBytes)
	now := t.now().UTC()
	tok := govlake.Token{ID: id, Name: name, Org: org, Role: role, Hash: hash(secret), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	b, _ := json.MarshalIndent(tok, "", "  ")
	if err := t.store.Create(ctx, govlake.TokenKey(id), bytes.NewReader(b)); err != nil {
		return "", govlake.Token{}, fmt.Errorf("store token %s: %w", id, err)
	}
	return secret, tok, nil
}

func hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// List returns every token, newest first.
func (t *Tokens) List(ctx context.Context) ([]govlake.Token, error) {
	objs, err := t.store.List(ctx, "tokens/")
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := []govlake.Token{}
	for _, o := range objs {
		id, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, "tokens/"), ".json")
		if !ok {
			continue
		}
		tok, err := t.read(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

func (t *Tokens) read(ctx context.Context, id string) (govlake.Token, error) {
	rc, err := t.store.Get(ctx, govlake.TokenKey(id))
	if err != nil {
		return govlake.Token{}, err
	}
	defer rc.Close()
	var tok govlake.Token
	if err := json.NewDecoder(io.LimitReader(rc, 1<<16)).Decode(&tok); err != nil {
		return govlake.Token{}, fmt.Errorf("read token %s: %w", id, err)
	}
	return tok, nil
}

// Revoke ends a token now; it answers 401 from then on (within CacheFor
// on other servers).
func (t *Tokens) Revoke(ctx context.Context, id string) (govlake.Token, error) {
	tok, err := t.read(ctx, id)
	if govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return govlake.Token{}, govlake.Errorf(govlake.ENOTFOUND, "no token %s; catalog token list shows them", id)
	} else if err != nil {
		return govlake.Token{}, err
	}
	if tok.RevokedAt.IsZero() {
		tok.RevokedAt = t.now().UTC()
		b, _ := json.MarshalIndent(tok, "", "  ")
		if err := t.store.Put(ctx, govlake.TokenKey(id), bytes.NewReader(b)); err != nil {
			return govlake.Token{}, fmt.Errorf("revoke token %s: %w", id, err)
		}
	}
	t.mu.Lock()
	delete(t.cache, id)
	t.mu.Unlock()
	return tok, nil
}

// Verify returns who a secret belongs to. Every failure is the same 401,
// which does not say whether the token exists.
func (t *Tokens) Verify(ctx context.Context, secret string) (*govlake.Principal, error) {
	denied := govlake.Errorf(govlake.EUNAUTHORIZED, "the token is not valid: it is wrong, expired or revoked")
	rest, ok := strings.CutPrefix(secret, tokenPrefix)
	id, _, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 || len(id) != 16 || strings.Trim(id, "0123456789abcdef") != "" {
		return nil, denied
	}
	now := t.now()
	t.mu.Lock()
	c, hit := t.cache[id]
	t.mu.Unlock()
	if !hit || now.Sub(c.read) > t.CacheFor {
		tok, err := t.read(ctx, id)
		if govlake.ErrorCode(err) == govlake.ENOTFOUND {
			return nil, denied
		} else if err != nil {
			return nil, govlake.Errorf(govlake.EUNAVAILABLE, "check the token: %w", err)
		}
		c = cached{tok, now}
		t.mu.Lock()
		t.cache[id] = c
		t.mu.Unlock()
	}
	tok := c.tok
	if subtle.ConstantTimeCompare([]byte(hash(secret)), []byte(tok.Hash)) != 1 || !tok.RevokedAt.IsZero() || !now.Before(tok.ExpiresAt) {
		return nil, denied
	}
	return &govlake.Principal{Org: tok.Org, Role: tok.Role, Who: "token " + tok.ID + " (" + tok.Name + ")"}, nil
}
