package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"govlake/internal/govlake"
)

// provider is a small OpenID Connect provider for the unit test: it signs
// ID tokens with an RSA key it publishes, for the claims the test sets.
// No real provider could be run here (see the README); this checks the
// relying party's side: discovery, code exchange, signature, audience,
// nonce and the claim mapping.
type provider struct {
	srv    *httptest.Server
	key    *rsa.PrivateKey
	claims map[string]any
}

func newProvider(t *testing.T) *provider {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := &provider{key: key}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/auth",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/keys", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("code") != "good-code" {
			http.Error(w, `{"error":"invalid_grant"}`, 400)
			return
		}
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
		payload, _ := json.Marshal(p.claims)
		obj, _ := signer.Sign(payload)
		idt, _ := obj.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "a", "token_type": "Bearer", "id_token": idt, "expires_in": 300})
	})
	return p
}

func TestExchange(t *testing.T) {
	p := newProvider(t)
	ctx := context.Background()
	rp, err := New(ctx, Config{Issuer: p.srv.URL, ClientID: "govlake", ClientSecret: "s", RedirectURL: "http://127.0.0.1/signin/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	if u := rp.AuthURL("st", "no"); !strings.HasPrefix(u, p.srv.URL+"/auth?") || !strings.Contains(u, "nonce=no") || !strings.Contains(u, "state=st") {
		t.Errorf("auth URL %s", u)
	}
	base := map[string]any{"iss": p.srv.URL, "aud": "govlake", "sub": "u1", "exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(),
		"nonce": "n1", "email": "officer@mohs.gov.mm", "govlake_org": "moh", "govlake_role": "publisher"}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for a, b := range base {
			c[a] = b
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	p.claims = base
	email, org, role, err := rp.Exchange(ctx, "good-code", "n1")
	if err != nil || email != "officer@mohs.gov.mm" || org != "moh" || role != "publisher" {
		t.Fatalf("exchange: %s %s %s %v", email, org, role, err)
	}
	for name, tc := range map[string]struct {
		claims      map[string]any
		code, nonce string
		want        string
	}{
		"wrong code":     {base, "bad", "n1", govlake.EUNAUTHORIZED},
		"other nonce":    {base, "good-code", "n2", govlake.EUNAUTHORIZED},
		"other audience": {with("aud", "someone-else"), "good-code", "n1", govlake.EUNAUTHORIZED},
		"expired":        {with("exp", time.Now().Add(-time.Hour).Unix()), "good-code", "n1", govlake.EUNAUTHORIZED},
		"no org":         {with("govlake_org", nil), "good-code", "n1", govlake.EFORBIDDEN},
		"bad role":       {with("govlake_role", "owner"), "good-code", "n1", govlake.EFORBIDDEN},
	} {
		p.claims = tc.claims
		if _, _, _, err := rp.Exchange(ctx, tc.code, tc.nonce); govlake.ErrorCode(err) != tc.want {
			t.Errorf("%s: %v", name, err)
		}
	}
}
