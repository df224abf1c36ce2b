package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"govlake/internal/govlake"
)

// Sessions signs people in and keeps their sessions.
type Sessions interface {
	SignIn(ctx context.Context, email, password string) (string, *govlake.Session, error)
	Session(ctx context.Context, id string) (*govlake.Session, *govlake.Principal)
	SignOut(ctx context.Context, id string) error
	Open(ctx context.Context, email, org, role string) (string, *govlake.Session, error)
}

// OIDC is a ministry's OpenID Connect identity provider.
type OIDC interface {
	AuthURL(state, nonce string) string
	Exchange(ctx context.Context, code, nonce string) (email, org, role string, err error)
}

const oidcCookie = "govlake_oidc"

// oidcStart sends the browser to the identity provider, with a state and
// a nonce kept in a short-lived cookie.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.OIDC == nil {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "this server has no OpenID Connect provider (catalog -oidc-issuer)"))
		return
	}
	state, nonce := randomText(), randomText()
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state + "." + nonce, Path: "/signin/oidc", MaxAge: 600,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, s.OIDC.AuthURL(state, nonce), http.StatusFound)
}

// oidcCallback takes the provider's answer: the state must match the
// cookie's, the code becomes a checked ID token, the token a session.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(oidcCookie)
	state, nonce, _ := strings.Cut(func() string {
		if err != nil {
			return ""
		}
		return c.Value
	}(), ".")
	if s.OIDC == nil || s.Sessions == nil {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "this server has no OpenID Connect provider"))
		return
	}
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(r.URL.Query().Get("state"))) != 1 {
		s.fail(w, r, govlake.Errorf(govlake.EUNAUTHORIZED, "the sign-in came back without its state: start again at /signin"))
		return
	}
	if e := r.URL.Query().Get("error"); e != "" {
		s.fail(w, r, govlake.Errorf(govlake.EUNAUTHORIZED, "the identity provider refused the sign-in: %s", e))
		return
	}
	email, org, role, err := s.OIDC.Exchange(r.Context(), r.URL.Query().Get("code"), nonce)
	if err != nil {
		s.audit(r, govlake.AuditEvent{Who: "oidc", Action: "auth.signin", Result: govlake.ErrorCode(err), Detail: govlake.ErrorMessage(err)})
		s.fail(w, r, err)
		return
	}
	id, sess, err := s.Sessions.Open(r.Context(), email, org, role)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, govlake.AuditEvent{Who: "account " + email + " (oidc)", Org: org, Action: "auth.signin", Result: "ok"})
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/signin/oidc", MaxAge: -1})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, Expires: sess.Expires})
	http.Redirect(w, r, "/my", http.StatusSeeOther)
}

func randomText() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

const sessionCookie = "govlake_session"

type sessionKey struct{}

// sessionFrom returns the signed-in session of a request, or nil.
func sessionFrom(ctx context.Context) *govlake.Session {
	s, _ := ctx.Value(sessionKey{}).(*govlake.Session)
	return s
}

// withSession reads the session cookie; a request with a token does not
// use it.
func (s *Server) withSession(r *http.Request) *http.Request {
	c, err := r.Cookie(sessionCookie)
	if err != nil || s.Sessions == nil {
		return r
	}
	sess, p := s.Sessions.Session(r.Context(), c.Value)
	if sess == nil {
		return r
	}
	ctx := context.WithValue(govlake.WithPrincipal(r.Context(), p), sessionKey{}, sess)
	return r.WithContext(ctx)
}

// checkCSRF refuses a form post without the session's token: another
// site cannot make a signed-in browser write.
func checkCSRF(r *http.Request) error {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return govlake.Errorf(govlake.EUNAUTHORIZED, "sign in first, at /signin")
	}
	got := r.FormValue("csrf")
	if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
		return govlake.Errorf(govlake.EFORBIDDEN, "the form is out of date or came from another site; open the page again and resend")
	}
	return nil
}

// signinView is the sign-in page.
type signinView struct {
	Email, Error, Next string
	OIDC               bool
}

func (s *Server) pageSignin(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "signin.html", signinView{Next: r.URL.Query().Get("next"), OIDC: s.OIDC != nil})
}

func (s *Server) postSignin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, password := strings.TrimSpace(r.FormValue("email")), r.FormValue("password")
	next := r.FormValue("next")
	if u, err := url.Parse(next); err != nil || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/my"
	}
	if s.Sessions == nil {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "this server has no accounts"))
		return
	}
	id, sess, err := s.Sessions.SignIn(r.Context(), email, password)
	if err != nil {
		s.audit(r, govlake.AuditEvent{Who: "account " + email, Action: "auth.signin", Result: govlake.ErrorCode(err)})
		w.WriteHeader(status(govlake.ErrorCode(err)))
		s.render(w, r, "signin.html", signinView{Email: email, Error: govlake.ErrorMessage(err), Next: next})
		return
	}
	s.audit(r, govlake.AuditEvent{Who: "account " + sess.Email, Org: sess.Org, Action: "auth.signin", Result: "ok"})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, Expires: sess.Expires})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) postSignout(w http.ResponseWriter, r *http.Request) {
	if err := checkCSRF(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil && s.Sessions != nil {
		s.Sessions.SignOut(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
