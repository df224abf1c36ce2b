package access

import (
	"context"
	"strings"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestTokens(t *testing.T) {
	store, err := file.NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := &clock{time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}
	tokens := NewTokens(store, c.now)
	secret, tok, err := tokens.Create(ctx, "moh", govlake.RolePublisher, "MoH ETL", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "glk_"+tok.ID+"_") || len(secret) < 4+16+1+43 || strings.Contains(tok.Hash, secret) {
		t.Errorf("token %q, record %+v", secret, tok)
	}
	rec, _ := store.Get(ctx, govlake.TokenKey(tok.ID))
	stored := make([]byte, 4096)
	n, _ := rec.Read(stored)
	rec.Close()
	if strings.Contains(string(stored[:n]), secret[len(secret)-20:]) {
		t.Error("the secret is stored")
	}
	p, err := tokens.Verify(ctx, secret)
	if err != nil || p.Org != "moh" || p.Role != govlake.RolePublisher || p.Who != "token "+tok.ID+" (MoH ETL)" {
		t.Fatalf("verify: %+v %v", p, err)
	}
	denied := "the token is not valid: it is wrong, expired or revoked"
	other := "A" // a last character the secret does not have
	if strings.HasSuffix(secret, "A") {
		other = "B"
	}
	for name, s := range map[string]string{
		"tampered": secret[:len(secret)-1] + other, "unknown id": "glk_0000000000000000_" + secret[len(secret)-43:],
		"no prefix": secret[4:], "empty": "", "path": "glk_../../x_y",
	} {
		if _, err := tokens.Verify(ctx, s); govlake.ErrorCode(err) != govlake.EUNAUTHORIZED || govlake.ErrorMessage(err) != denied {
			t.Errorf("%s: %v", name, err)
		}
	}
	c.t = c.t.Add(25 * time.Hour)
	if _, err := tokens.Verify(ctx, secret); govlake.ErrorCode(err) != govlake.EUNAUTHORIZED {
		t.Errorf("expired: %v", err)
	}
	c.t = c.t.Add(-2 * time.Hour)
	if _, err := tokens.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Verify(ctx, secret); govlake.ErrorCode(err) != govlake.EUNAUTHORIZED {
		t.Errorf("revoked: %v", err)
	}
	if _, err := tokens.Revoke(ctx, "ffffffffffffffff"); govlake.ErrorCode(err) != govlake.ENOTFOUND {
		t.Errorf("revoking an unknown token: %v", err)
	}
	for _, bad := range []struct{ org, role, name string }{{"MoH!", "publisher", "x"}, {"moh", "owner", "x"}, {"moh", "editor", " "}} {
		if _, _, err := tokens.Create(ctx, bad.org, bad.role, bad.name, time.Hour); govlake.ErrorCode(err) != govlake.EINVALID {
			t.Errorf("create %+v: %v", bad, err)
		}
	}
	list, err := tokens.List(ctx)
	if err != nil || len(list) != 1 || list[0].RevokedAt.IsZero() {
		t.Errorf("list %+v %v", list, err)
	}
}

func TestPrincipalCan(t *testing.T) {
	for _, tc := range []struct {
		role, org, need, of string
		want                bool
	}{
		{"publisher", "moh", "publisher", "moh", true},
		{"publisher", "moh", "editor", "moh", true},
		{"editor", "moh", "publisher", "moh", false},
		{"publisher", "moh", "editor", "moe", false},
		{"admin", "govlake", "publisher", "moe", true},
	} {
		p := &govlake.Principal{Org: tc.org, Role: tc.role}
		if got := p.Can(tc.need, tc.of); got != tc.want {
			t.Errorf("%s of %s doing %s of %s: %v", tc.role, tc.org, tc.need, tc.of, got)
		}
	}
	var nobody *govlake.Principal
	if nobody.Can(govlake.RoleEditor, "moh") {
		t.Error("nobody can")
	}
}

func TestAuditRows(t *testing.T) {
	store, _ := file.NewStore(t.TempDir())
	ctx := context.Background()
	c := &clock{time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}
	a := NewAudit(store, c.now)
	for i, action := range []string{"dataset.create", "version.upload"} {
		c.t = c.t.Add(time.Duration(i+1) * time.Second)
		if err := a.Record(ctx, govlake.AuditEvent{Who: "token x", Org: "moh", Action: action, Target: "dengue", Result: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	key, cols, rows, err := a.Rows(ctx)
	if err != nil || len(cols) != 8 || len(rows) != 2 || rows[1][3] != "version.upload" || rows[0][0] != "2026-12-05T08:00:01Z" {
		t.Fatalf("rows %v %v", rows, err)
	}
	c.t = c.t.Add(time.Second)
	a.Record(ctx, govlake.AuditEvent{Action: "auth.denied", Result: "forbidden"})
	key2, _, rows, _ := a.Rows(ctx)
	if key2 == key || len(rows) != 3 || rows[2][1] != "" {
		t.Errorf("after a third event: %s %v", key2, rows)
	}
	ctxAdmin := govlake.WithPrincipal(ctx, &govlake.Principal{Org: "x", Role: govlake.RoleAdmin})
	ctxPub := govlake.WithPrincipal(ctx, &govlake.Principal{Org: "x", Role: govlake.RolePublisher})
	if AdminsOnly(ctxAdmin) != nil || govlake.ErrorCode(AdminsOnly(ctxPub)) != govlake.EFORBIDDEN || govlake.ErrorCode(AdminsOnly(ctx)) != govlake.EUNAUTHORIZED {
		t.Error("AdminsOnly")
	}
}

type plainHasher struct{}

func (plainHasher) Hash(p string) (string, error) { return "h:" + p, nil }
func (plainHasher) Verify(enc, p string) bool     { return enc == "h:"+p }

var _ PasswordHasher = plainHasher{}

// Sign-in: the right password opens a session; five wrong ones lock the
// account for a while, and every failure says the same, whether or not
// the account exists.
func TestAccountsSignIn(t *testing.T) {
	store, _ := file.NewStore(t.TempDir())
	ctx := context.Background()
	c := &clock{time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}
	a := NewAccounts(store, plainHasher{}, c.now)
	if _, err := a.Create(ctx, "officer@mohs.gov.mm", "Data officer", "moh", "publisher", "short"); govlake.ErrorCode(err) != govlake.EINVALID {
		t.Errorf("a short password: %v", err)
	}
	if _, err := a.Create(ctx, "officer@mohs.gov.mm", "Data officer", "moh", "publisher", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	id, s, err := a.SignIn(ctx, "officer@mohs.gov.mm", "a long enough password")
	if err != nil || s.Org != "moh" || len(s.CSRF) < 40 {
		t.Fatalf("sign in: %v %+v", err, s)
	}
	if got, p := a.Session(ctx, id); got == nil || p.Who != "account officer@mohs.gov.mm" || p.Role != "publisher" {
		t.Errorf("session %+v %+v", got, p)
	}
	_, _, unknown := a.SignIn(ctx, "nobody@mohs.gov.mm", "whatever it is")
	for i := 0; i < MaxFailures; i++ {
		_, _, err := a.SignIn(ctx, "officer@mohs.gov.mm", "wrong password!")
		if govlake.ErrorMessage(err) != govlake.ErrorMessage(unknown) {
			t.Errorf("failure %d says %q; an unknown account %q", i+1, err, unknown)
		}
	}
	if _, _, err := a.SignIn(ctx, "officer@mohs.gov.mm", "a long enough password"); govlake.ErrorMessage(err) != govlake.ErrorMessage(unknown) {
		t.Errorf("a locked account with the right password: %v", err)
	}
	c.t = c.t.Add(LockFor + time.Second)
	if _, _, err := a.SignIn(ctx, "officer@mohs.gov.mm", "a long enough password"); err != nil {
		t.Errorf("after the lock: %v", err)
	}
	c.t = c.t.Add(SessionLifetime)
	if s, _ := a.Session(ctx, id); s != nil {
		t.Error("an expired session is live")
	}
	a.SignOut(ctx, id)
}
