package main

import (
	"fmt"
	"net"

	"marquee/tenant"
)

// siteURL is the address people open for a name under BASE_DOMAIN (an
// event's slug, "console"): plain HTTP on LISTEN_ADDR's port for dev's
// localhost, HTTPS elsewhere.
func (c Config) siteURL(label, path string) string {
	if c.BaseDomain == "localhost" {
		_, port, _ := net.SplitHostPort(c.ListenAddr)
		return "http://" + label + ".localhost:" + port + path
	}
	return "https://" + label + "." + c.BaseDomain + path
}

// consoleURL is a console address for people to open (sign-in and
// invitation links), built from the configuration, never from a request.
func consoleURL(cfg Config, path string) string {
	return cfg.siteURL("console", path)
}

// cliConfig is the platform's configuration as the ops commands read it:
// the same variables as serve (configFromEnv), without serve's demands;
// a command that needs a setting says so (needBaseDomain).
func cliConfig(e *env) (Config, error) {
	cfg, err := configFromEnv(defaultConfig(), e.getenv)
	if err != nil {
		return cfg, usageError{err.Error()}
	}
	return cfg, nil
}

// needBaseDomain refuses, before anything is written, a command that needs
// the platform's domain for what it prints (why).
func needBaseDomain(cfg Config, why string) error {
	if cfg.BaseDomain == "" {
		return usageError{fmt.Sprintf("BASE_DOMAIN is required %s: set it (and LISTEN_ADDR in dev) as the server has them; marquee dev prints the settings to use", why)}
	}
	if d, err := tenant.NormalizeHost(cfg.BaseDomain); err != nil || d != cfg.BaseDomain {
		return usageError{fmt.Sprintf("BASE_DOMAIN: %q is not a lowercase domain name without port, such as example.com", cfg.BaseDomain)}
	}
	return nil
}
