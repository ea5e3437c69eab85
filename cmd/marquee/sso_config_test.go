package main

import (
	"strings"
	"testing"
)

func TestSingleSignOnSettings(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(name string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == name {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	full := []string{"OIDC_ISSUER", "https://idp.example.com", "OIDC_CLIENT_ID", "marquee", "OIDC_CLIENT_SECRET", "s3cret",
		"OIDC_EMAIL_DOMAINS", " Example.com, @staff.example.org ", "OIDC_NAME", "Example SSO"}

	c, err := configFromEnv(defaultConfig(), env(full...))
	if err != nil || !c.SSO.Enabled() || c.SSO.Name != "Example SSO" || strings.Join(c.SSO.Domains, " ") != "example.com staff.example.org" || c.PasswordSignInOff {
		t.Fatalf("full settings: %+v, %v", c.SSO, err)
	}
	if c, err := configFromEnv(defaultConfig(), env("PASSWORD_SIGNIN", "off")); err != nil || !c.PasswordSignInOff || c.SSO.Enabled() {
		t.Fatalf("PASSWORD_SIGNIN=off: %v %v %v", c.PasswordSignInOff, c.SSO.Enabled(), err)
	}
	for missing, name := range map[int]string{2: "OIDC_CLIENT_ID", 4: "OIDC_CLIENT_SECRET", 6: "OIDC_EMAIL_DOMAINS"} {
		kv := append([]string{}, full...)
		kv[missing+1] = ""
		if _, err := configFromEnv(defaultConfig(), env(kv...)); err == nil || !strings.HasPrefix(err.Error(), name+":") {
			t.Errorf("without %s: %v", name, err)
		}
	}
	if _, err := configFromEnv(defaultConfig(), env("PASSWORD_SIGNIN", "no")); err == nil || !strings.HasPrefix(err.Error(), "PASSWORD_SIGNIN:") {
		t.Errorf("PASSWORD_SIGNIN=no: %v", err)
	}
}
