package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"govlake/internal/govlake"
)

type fakeOIDC struct{}

func (fakeOIDC) AuthURL(state, nonce string) string {
	return "https://idp.example/auth?state=" + state + "&nonce=" + nonce
}
func (fakeOIDC) Exchange(ctx context.Context, code, nonce string) (string, string, string, error) {
	if code != "good" || nonce == "" {
		return "", "", "", govlake.Errorf(govlake.EUNAUTHORIZED, "bad code")
	}
	return "officer@mohs.gov.mm", "moh", "publisher", nil
}

type fakeSessions struct{ opened []string }

func (f *fakeSessions) SignIn(ctx context.Context, email, password string) (string, *govlake.Session, error) {
	return "", nil, govlake.Errorf(govlake.EUNAUTHORIZED, "no")
}
func (f *fakeSessions) Session(ctx context.Context, id string) (*govlake.Session, *govlake.Principal) {
	return nil, nil
}
func (f *fakeSessions) SignOut(ctx context.Context, id string) error { return nil }
func (f *fakeSessions) Open(ctx context.Context, email, org, role string) (string, *govlake.Session, error) {
	f.opened = append(f.opened, email+" "+org+" "+role)
	return "session-id", &govlake.Session{Email: email, Org: org, Role: role, Expires: time.Now().Add(time.Hour)}, nil
}

var (
	_ OIDC     = fakeOIDC{}
	_ Sessions = (*fakeSessions)(nil)
)

// The OpenID Connect round trip on our side: the state goes out in a
// cookie and must come back; the code becomes a session cookie.
func TestOIDCSignIn(t *testing.T) {
	srv := newDownServer()
	sessions := &fakeSessions{}
	srv.OIDC, srv.Sessions = fakeOIDC{}, sessions
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/signin/oidc", nil))
	loc := rec.Header().Get("Location")
	if rec.Code != 302 || !strings.HasPrefix(loc, "https://idp.example/auth?state=") {
		t.Fatalf("start: %d %s", rec.Code, loc)
	}
	cookie := rec.Result().Cookies()[0]
	state := strings.TrimPrefix(strings.Split(loc, "&")[0], "https://idp.example/auth?state=")
	back := func(query string, withCookie bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/signin/oidc/callback?"+query, nil)
		if withCookie {
			req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	if rec := back("state=forged&code=good", true); rec.Code != 401 {
		t.Errorf("a forged state: %d", rec.Code)
	}
	if rec := back("state="+state+"&code=good", false); rec.Code != 401 {
		t.Errorf("no state cookie: %d", rec.Code)
	}
	if rec := back("state="+state+"&code=bad", true); rec.Code != 401 {
		t.Errorf("a refused code: %d", rec.Code)
	}
	rec = back("state="+state+"&code=good", true)
	var session *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if rec.Code != 303 || rec.Header().Get("Location") != "/my" || session == nil || session.Value != "session-id" || !session.HttpOnly ||
		strings.Join(sessions.opened, "|") != "officer@mohs.gov.mm moh publisher" {
		t.Errorf("callback: %d %v %+v %v", rec.Code, rec.Header(), session, sessions.opened)
	}
}
