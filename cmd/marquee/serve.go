package main

import (
	"context"
	"fmt"
	"net"

	"marquee/db"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "serve\n\nServes every event and the platform pages. Configured by environment variables:\n"+configHelp())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := configFromEnv(defaultConfig(), e.getenv)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := cfg.newLogger(e.stdout)
	if err := checkSchema(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	database, err := db.Open(ctx, cfg.DatabaseURL, db.Options{})
	if err != nil {
		return err
	}
	defer database.Close()
	p, err := newPlatform(cfg, log, database)
	if err != nil {
		return err
	}
	if cfg.TLS.Mode == "acme" {
		return serveWithACME(ctx, p)
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	return p.serveHTTP(ctx, ln, func() {
		log.Info("serving", "addr", ln.Addr().String(), "base_domain", cfg.BaseDomain)
	})
}

// serveWithACME serves HTTPS with certificates obtained on demand, and
// port 80 beside it.
func serveWithACME(ctx context.Context, p *platform) error {
	cfg := p.cfg
	provider, err := dnsProvider(ctx, cfg)
	if err != nil {
		return err
	}
	if err := p.useACME(provider); err != nil {
		return err
	}
	httpLn, err := net.Listen("tcp", cfg.TLS.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	httpsLn, err := net.Listen("tcp", cfg.TLS.HTTPSAddr)
	if err != nil {
		httpLn.Close()
		return fmt.Errorf("HTTPS_ADDR: %w", err)
	}
	return p.serveACME(ctx, httpLn, httpsLn, func() {
		p.log.Info("serving", "https", httpsLn.Addr().String(), "http", httpLn.Addr().String(), "base_domain", cfg.BaseDomain, "acme_ca", cfg.TLS.CA)
	})
}

// checkSchema refuses to serve on a database whose migrations are behind
// this binary: deploys migrate first.
func checkSchema(ctx context.Context, url string) error {
	all, err := db.Migrations(ctx, url)
	if err != nil {
		return err
	}
	for _, m := range all {
		if !m.Applied {
			return fmt.Errorf("the database lacks migration %s: run 'marquee migrate up' first", m.Name)
		}
	}
	return nil
}

func configHelp() string {
	s := ""
	for _, v := range configVars {
		s += fmt.Sprintf("\n  %-17s %s (default: %s)", v[0], v[2], v[1])
	}
	return s
}
