// Package sso signs staff in with the platform's OpenID Connect provider
// (coreos/go-oidc with golang.org/x/oauth2): the authorization code flow
// with state, nonce and PKCE (S256). It says who the provider vouches for;
// whether that person may use the console (an allowed email domain, an
// account) is decided here (Config.Allowed) and by the staff store.
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"marquee"
	"marquee/tenant/staff"
)

// Config is the platform's provider. It is off when Issuer is empty.
type Config struct {
	Issuer       string   // OIDC_ISSUER: the provider's issuer URL
	ClientID     string   // OIDC_CLIENT_ID
	ClientSecret string   // OIDC_CLIENT_SECRET
	Domains      []string // OIDC_EMAIL_DOMAINS: email domains that may sign in, lower case
	Name         string   // OIDC_NAME: what the button says ("Sign in with NAME")
	RedirectURL  string   // the console's /login/oidc/callback
	// HTTPClient talks to the provider (nil: http.DefaultClient).
	HTTPClient *http.Client
}

// Enabled reports whether single sign-on is configured.
func (c Config) Enabled() bool { return c.Issuer != "" }

// Validate names the first setting missing when the provider is on.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	switch {
	case c.ClientID == "":
		return fmt.Errorf("OIDC_CLIENT_ID: required with OIDC_ISSUER")
	case c.ClientSecret == "":
		return fmt.Errorf("OIDC_CLIENT_SECRET: required with OIDC_ISSUER")
	case len(c.Domains) == 0:
		return fmt.Errorf("OIDC_EMAIL_DOMAINS: required with OIDC_ISSUER (the email domains whose staff may sign in)")
	}
	return nil
}

// ParseDomains reads a comma-separated list of email domains.
func ParseDomains(s string) []string {
	var out []string
	for _, d := range strings.Split(s, ",") {
		if d = strings.ToLower(strings.Trim(strings.TrimSpace(d), "@.")); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// Allowed reports whether a (normalised) email address is of one of the
// allowed domains: the part after the last @, exactly (a subdomain is
// another domain).
func (c Config) Allowed(email string) bool {
	at := strings.LastIndexByte(email, '@')
	return at > 0 && slices.Contains(c.Domains, email[at+1:])
}

// Refusals of a sign-in, as the sign-in page shows them.
var (
	errUnverified = marquee.New(marquee.EFORBIDDEN, "staff.sso_unverified")
	errDomain     = marquee.New(marquee.EFORBIDDEN, "staff.sso_domain")
)

// Failed is the refusal of an answer from the provider that does not
// hold (a bad token, an error from the provider); err is the cause.
func Failed(err error) error { return marquee.Wrap(marquee.EFORBIDDEN, "staff.sso_failed", err) }

// Attempt is one sign-in under way: what the callback must find again.
// State also binds it to the browser that started it.
type Attempt struct {
	State, Nonce, Verifier string
}

// NewAttempt makes the random state, nonce and PKCE verifier of a sign-in.
func NewAttempt() Attempt {
	return Attempt{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Identity is the person the provider vouches for.
type Identity struct {
	Subject string
	Email   string // normalised, verified by the provider
	Name    string
}

// Client is the console's side of the provider. Discovery happens on first
// use and is kept once it succeeded, so a provider that is away at start
// does not stop the console.
type Client struct {
	cfg Config

	mu       sync.Mutex
	provider *oidc.Provider
}

// New returns the client of cfg's provider.
func New(cfg Config) *Client { return &Client{cfg: cfg} }

// Config is the client's configuration.
func (c *Client) Config() Config { return c.cfg }

func (c *Client) context(ctx context.Context) context.Context {
	if c.cfg.HTTPClient == nil {
		return ctx
	}
	return oidc.ClientContext(ctx, c.cfg.HTTPClient)
}

func (c *Client) discover(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	p, err := oidc.NewProvider(c.context(ctx), c.cfg.Issuer)
	if err != nil {
		return nil, marquee.Wrap(marquee.EUNAVAILABLE, "staff.sso_unavailable", err)
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: c.cfg.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// AuthURL is where the browser goes to sign in at the provider.
func (c *Client) AuthURL(ctx context.Context, a Attempt) (string, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	return c.oauth(p).AuthCodeURL(a.State, oidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier)), nil
}

// Finish exchanges the code the provider sent back for tokens and checks
// them: the ID token's signature, issuer, audience, expiry and nonce, the
// access token's hash, then a verified email of an allowed domain.
func (c *Client) Finish(ctx context.Context, code string, a Attempt) (Identity, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	octx := c.context(ctx)
	if c.cfg.HTTPClient != nil {
		octx = context.WithValue(octx, oauth2.HTTPClient, c.cfg.HTTPClient)
	}
	tok, err := c.oauth(p).Exchange(octx, code, oauth2.VerifierOption(a.Verifier))
	if err != nil {
		return Identity{}, Failed(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, Failed(fmt.Errorf("no id_token in the token response"))
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID}).Verify(octx, raw)
	if err != nil {
		return Identity{}, Failed(err)
	}
	if idt.Nonce != a.Nonce {
		return Identity{}, Failed(fmt.Errorf("the ID token's nonce is not the sign-in's"))
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return Identity{}, Failed(err)
		}
	}
	cl, err := c.claims(octx, p, idt, tok)
	if err != nil {
		return Identity{}, err
	}
	return c.identity(idt.Subject, cl)
}

// claims are what the console needs to know of the person.
type claims struct {
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	Name          string `json:"name"`
}

// claims reads them from the ID token or, when it carries no email, from
// the UserInfo endpoint, whose subject must be the ID token's.
func (c *Client) claims(ctx context.Context, p *oidc.Provider, idt *oidc.IDToken, tok *oauth2.Token) (claims, error) {
	var cl claims
	if err := idt.Claims(&cl); err != nil {
		return cl, Failed(err)
	}
	if cl.Email != "" {
		return cl, nil
	}
	info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return cl, Failed(err)
	}
	if info.Subject != idt.Subject {
		return cl, Failed(fmt.Errorf("userinfo names %q, the ID token %q", info.Subject, idt.Subject))
	}
	if err := info.Claims(&cl); err != nil {
		return cl, Failed(err)
	}
	cl.EmailVerified = &info.EmailVerified // go-oidc reads "true" as true too
	return cl, nil
}

func (c *Client) identity(subject string, cl claims) (Identity, error) {
	if cl.EmailVerified == nil || !*cl.EmailVerified {
		return Identity{}, errUnverified
	}
	email, err := staff.NormaliseEmail(cl.Email)
	if err != nil {
		return Identity{}, errUnverified
	}
	if !c.cfg.Allowed(email) {
		return Identity{}, errDomain
	}
	name := strings.TrimSpace(cl.Name)
	if staff.ValidateName(name) != nil {
		name = ""
	}
	return Identity{Subject: subject, Email: email, Name: name}, nil
}
