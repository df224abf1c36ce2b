// Package oidc signs people in with a ministry's OpenID Connect identity
// provider (coreos/go-oidc and golang.org/x/oauth2): the authorization
// code flow, the ID token checked (issuer, audience, expiry, signature,
// nonce), and two of its claims mapped to an organisation and a role.
package oidc

import (
	"context"
	"fmt"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"govlake/internal/govlake"
)

// Config is a relying party's setup.
type Config struct {
	Issuer, ClientID, ClientSecret string
	RedirectURL                    string // this server's /signin/oidc/callback
	OrgClaim, RoleClaim            string // claims that name the organisation and the role
}

// Provider is one identity provider.
type Provider struct {
	cfg      Config
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
}

// New reads the provider's discovery document.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	p, err := gooidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "read the OpenID Connect provider %s: %w", cfg.Issuer, err)
	}
	if cfg.OrgClaim == "" {
		cfg.OrgClaim = "govlake_org"
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = "govlake_role"
	}
	return &Provider{cfg: cfg, verifier: p.Verifier(&gooidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: cfg.RedirectURL, Scopes: []string{gooidc.ScopeOpenID, "email", "profile"}}}, nil
}

// AuthURL is where to send the browser, with its state and nonce.
func (p *Provider) AuthURL(state, nonce string) string {
	return p.oauth.AuthCodeURL(state, gooidc.Nonce(nonce))
}

// Exchange trades the callback's code for an ID token, checks it, and
// reads who signed in from its claims: e-mail, organisation and role.
func (p *Provider) Exchange(ctx context.Context, code, nonce string) (email, org, role string, err error) {
	id, err := p.exchange(ctx, code, nonce)
	if err != nil {
		return "", "", "", err
	}
	return id.email, id.org, id.role, nil
}

type identity struct{ email, org, role string }

func (p *Provider) exchange(ctx context.Context, code, nonce string) (*identity, error) {
	tok, err := p.oauth.Exchange(ctx, code)
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAUTHORIZED, "the identity provider refused the sign-in code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return nil, govlake.Errorf(govlake.EUNAUTHORIZED, "the identity provider sent no ID token")
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAUTHORIZED, "the ID token is not valid: %w", err)
	}
	if idt.Nonce != nonce {
		return nil, govlake.Errorf(govlake.EUNAUTHORIZED, "the ID token is not for this sign-in (nonce)")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("read the ID token's claims: %w", err)
	}
	id := &identity{}
	id.email, _ = claims["email"].(string)
	id.org, _ = claims[p.cfg.OrgClaim].(string)
	id.role, _ = claims[p.cfg.RoleClaim].(string)
	if id.email == "" {
		id.email = idt.Subject
	}
	if !govlake.DatasetIDPattern.MatchString(id.org) || !govlake.ValidRole(id.role) {
		return nil, govlake.Errorf(govlake.EFORBIDDEN, "the identity provider names no organization (claim %s) or role (claim %s) for %s", p.cfg.OrgClaim, p.cfg.RoleClaim, id.email)
	}
	return id, nil
}
