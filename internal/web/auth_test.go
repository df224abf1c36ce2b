package web

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"govlake/internal/govlake"
)

type oneToken struct{}

func (oneToken) Verify(ctx context.Context, secret string) (*govlake.Principal, error) {
	if secret != "good" {
		return nil, govlake.Errorf(govlake.EUNAUTHORIZED, "the token is not valid")
	}
	return &govlake.Principal{Org: "moh", Role: govlake.RolePublisher, Who: "token t"}, nil
}

var _ TokenVerifier = oneToken{}

// Each token gets Rate requests a second and Burst at once; more are 429
// with a Retry-After; another token, and requests without one, are not
// held back.
func TestTokenRateLimit(t *testing.T) {
	srv := newDownServer()
	srv.Tokens = oneToken{}
	srv.TokenRate(0.5, 2)
	at := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	srv.now = func() time.Time { return at }
	get := func(auth string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/healthz", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		srv.ServeHTTP(rec, req)
		return rec
	}
	for i, want := range []int{200, 200, 429} {
		if rec := get("Bearer good"); rec.Code != want {
			t.Errorf("request %d: %d", i+1, rec.Code)
		} else if want == 429 && rec.Header().Get("Retry-After") != "2" {
			t.Errorf("Retry-After %q, want 2", rec.Header().Get("Retry-After"))
		}
	}
	if rec := get(""); rec.Code != 200 {
		t.Errorf("no token: %d", rec.Code)
	}
	if rec := get("good"); rec.Code != 429 {
		t.Errorf("CKAN's bare header, same token: %d", rec.Code)
	}
	at = at.Add(2 * time.Second)
	if rec := get("Bearer good"); rec.Code != 200 {
		t.Errorf("after waiting: %d", rec.Code)
	}
	if rec := get("Bearer bad"); rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("a bad token: %d %v", rec.Code, rec.Header())
	}
	if rec := get("Basic Zm9vOmJhcg=="); rec.Code != 401 {
		t.Errorf("basic auth: %d", rec.Code)
	}
}
