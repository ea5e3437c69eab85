package main

import (
	"fmt"
	"strings"

	"marquee/branding/console"
	"marquee/tenant/staff/sso"
)

// ssoVars document single sign-on's variables for --help, beside
// configVars.
var ssoVars = [][3]string{
	{"OIDC_ISSUER", "(off)", "issuer URL of the platform's OpenID Connect provider: staff may sign in with it (\"Sign in with OIDC_NAME\"); needs OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_EMAIL_DOMAINS. The provider's redirect URI is the console's /login/oidc/callback"},
	{"OIDC_CLIENT_ID", "(none)", "the console's client id at the provider"},
	{"OIDC_CLIENT_SECRET", "(none)", "the console's client secret at the provider (from a secret)"},
	{"OIDC_EMAIL_DOMAINS", "(none)", "comma-separated email domains whose verified addresses may sign in; a new address gets an account with no event (an owner invites it)"},
	{"OIDC_NAME", "your organisation", "the provider's name on the sign-in button"},
	{"PASSWORD_SIGNIN", "on", "off: staff sign in only through the provider (OIDC_ISSUER) or a one-time link from marquee user; the password form and resets are refused"},
}

// ssoFromEnv reads single sign-on's variables.
func ssoFromEnv(c Config, getenv func(string) string) (Config, error) {
	// (Each name is a literal in a getenv call: infra's manifest tests find
	// the variables the app reads that way.)
	c.SSO = sso.Config{Issuer: strings.TrimSpace(getenv("OIDC_ISSUER")), ClientID: strings.TrimSpace(getenv("OIDC_CLIENT_ID")),
		ClientSecret: strings.TrimSpace(getenv("OIDC_CLIENT_SECRET")), Domains: sso.ParseDomains(getenv("OIDC_EMAIL_DOMAINS")),
		Name: strings.TrimSpace(getenv("OIDC_NAME"))}
	if c.SSO.Name == "" {
		c.SSO.Name = "your organisation"
	}
	if err := c.SSO.Validate(); err != nil {
		return c, err
	}
	switch v := strings.TrimSpace(getenv("PASSWORD_SIGNIN")); v {
	case "", "on":
		c.PasswordSignInOff = false
	case "off":
		c.PasswordSignInOff = true
	default:
		return c, fmt.Errorf("PASSWORD_SIGNIN: %q is neither on nor off", v)
	}
	return c, nil
}

// singleSignOn is the console's side of the platform's provider (nil when
// OIDC_ISSUER is unset); its callback is the console's, built from
// BASE_DOMAIN (and LISTEN_ADDR in dev) as every link to the console is.
func (p *platform) singleSignOn() console.SingleSignOn {
	if !p.cfg.SSO.Enabled() {
		return nil
	}
	cfg := p.cfg.SSO
	cfg.RedirectURL = consoleURL(p.cfg, "/login/oidc/callback")
	return sso.New(cfg)
}
