package access

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// PasswordHasher hashes and checks passwords; the argon2 adapter is one.
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(encoded, password string) bool
}

// Account is a person who signs in on the web, as stored.
type Account struct {
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	Org         string    `json:"organization"`
	Role        string    `json:"role"`
	Hash        string    `json:"password_argon2id"`
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
}

// Lockout: after MaxFailures wrong passwords in a row an account is locked
// for LockFor.
const (
	MaxFailures     = 5
	LockFor         = 15 * time.Minute
	SessionLifetime = 8 * time.Hour
	MinPassword     = 12
)

// Accounts keeps people's accounts and sessions in the store.
type Accounts struct {
	store  govlake.Store
	now    func() time.Time
	hasher PasswordHasher

	// dummy is a hash to check unknown accounts against, so that they take
	// as long; made at the first sign-in, not at start (64 MiB of work).
	dummyOnce sync.Once
	dummy     string
}

// NewAccounts returns the accounts of store.
func NewAccounts(store govlake.Store, hasher PasswordHasher, now func() time.Time) *Accounts {
	return &Accounts{store: store, now: now, hasher: hasher}
}

// waste checks a password against the dummy hash.
func (a *Accounts) waste(password string) {
	a.dummyOnce.Do(func() { a.dummy, _ = a.hasher.Hash("no account has this password") })
	a.hasher.Verify(a.dummy, password)
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func accountKey(email string) string { return "accounts/" + digest(strings.ToLower(email)) + ".json" }
func sessionKey(id string) string    { return "sessions/" + digest(id) + ".json" }

// Create adds an account; its password is stored only as an argon2id hash.
func (a *Accounts) Create(ctx context.Context, email, name, org, role, password string) (*Account, error) {
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return nil, govlake.Errorf(govlake.EINVALID, "%q is not an e-mail address", email)
	}
	if !govlake.DatasetIDPattern.MatchString(org) || !govlake.ValidRole(role) {
		return nil, govlake.Errorf(govlake.EINVALID, "an account needs an organization id and a role (admin, publisher or editor)")
	}
	if len([]rune(password)) < MinPassword {
		return nil, govlake.Errorf(govlake.EINVALID, "the password must have at least %d characters", MinPassword)
	}
	hash, err := a.hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	acc := &Account{Email: email, Name: name, Org: org, Role: role, Hash: hash, CreatedAt: a.now().UTC()}
	b, _ := json.MarshalIndent(acc, "", "  ")
	if err := a.store.Create(ctx, accountKey(email), bytes.NewReader(b)); govlake.ErrorCode(err) == govlake.ECONFLICT {
		return nil, govlake.Errorf(govlake.ECONFLICT, "an account for %s exists already", email)
	} else if err != nil {
		return nil, fmt.Errorf("store the account: %w", err)
	}
	return acc, nil
}

// errSignIn is the one answer to every failed sign-in: it does not say
// whether the account exists or is locked.
func errSignIn() error {
	return govlake.Errorf(govlake.EUNAUTHORIZED, "the e-mail address or the password is wrong (after %d wrong passwords an account waits %d minutes)", MaxFailures, int(LockFor.Minutes()))
}

// SignIn checks a password and opens a session: it returns the session id
// for the cookie.
func (a *Accounts) SignIn(ctx context.Context, email, password string) (string, *govlake.Session, error) {
	var acc Account
	err := govlake.ReadJSON(ctx, a.store, accountKey(email), &acc)
	if govlake.ErrorCode(err) == govlake.ENOTFOUND {
		a.waste(password)
		return "", nil, errSignIn()
	} else if err != nil {
		return "", nil, govlake.Errorf(govlake.EUNAVAILABLE, "read the account: %w", err)
	}
	now := a.now()
	if now.Before(acc.LockedUntil) {
		a.waste(password)
		return "", nil, errSignIn()
	}
	if !a.hasher.Verify(acc.Hash, password) {
		acc.Failures++
		if acc.Failures >= MaxFailures {
			acc.Failures, acc.LockedUntil = 0, now.Add(LockFor).UTC()
		}
		a.put(ctx, accountKey(email), acc)
		return "", nil, errSignIn()
	}
	if acc.Failures > 0 {
		acc.Failures = 0
		a.put(ctx, accountKey(email), acc)
	}
	return a.Open(ctx, acc.Email, acc.Org, acc.Role)
}

// Open starts a session for someone an identity provider vouched for.
func (a *Accounts) Open(ctx context.Context, email, org, role string) (string, *govlake.Session, error) {
	id, csrf := random(), random()
	s := &govlake.Session{Email: email, Org: org, Role: role, CSRF: csrf, Expires: a.now().Add(SessionLifetime).UTC()}
	if err := a.put(ctx, sessionKey(id), s); err != nil {
		return "", nil, err
	}
	return id, s, nil
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (a *Accounts) put(ctx context.Context, key string, v any) error {
	b, _ := json.MarshalIndent(v, "", "  ")
	if err := a.store.Put(ctx, key, bytes.NewReader(b)); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

// Session returns the live session of a cookie's id, or nil.
func (a *Accounts) Session(ctx context.Context, id string) (*govlake.Session, *govlake.Principal) {
	if len(id) < 40 {
		return nil, nil
	}
	rc, err := a.store.Get(ctx, sessionKey(id))
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	var s govlake.Session
	if json.NewDecoder(io.LimitReader(rc, 1<<16)).Decode(&s) != nil || !a.now().Before(s.Expires) {
		return nil, nil
	}
	return &s, &govlake.Principal{Org: s.Org, Role: s.Role, Who: "account " + s.Email}
}

// SignOut ends a session.
func (a *Accounts) SignOut(ctx context.Context, id string) error {
	return a.store.Delete(ctx, sessionKey(id))
}
