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
	p, closeDB, err := openPlatform(ctx, e, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	cfg, log := p.cfg, p.log
	stopMetrics, err := p.serveMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	defer p.reporter.flush()
	if p.tracing != nil {
		defer p.tracing.Shutdown(context.WithoutCancel(ctx))
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
	for _, v := range append(configVars, ssoVars...) {
		s += fmt.Sprintf("\n  %-17s %s (default: %s)", v[0], v[2], v[1])
	}
	return s
}

// openPlatform is what serve and worker share: the configuration from the
// environment (adjust, when given, may change or refuse it before it is
// validated), the log, a migrated database and the platform on it. The
// returned function closes the database.
func openPlatform(ctx context.Context, e *env, adjust func(*Config) error) (*platform, func(), error) {
	cfg, err := configFromEnv(defaultConfig(), e.getenv)
	if err != nil {
		return nil, nil, err
	}
	if adjust != nil {
		if err := adjust(&cfg); err != nil {
			return nil, nil, err
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	log, flushLog := cfg.newServeLogger(e.stdout)
	if err := checkSchema(ctx, cfg.directURL()); err != nil {
		return nil, nil, err
	}
	database, err := db.Open(ctx, cfg.DatabaseURL, db.Options{MaxConns: int32(cfg.DBMaxConns), DirectURL: cfg.directURL()})
	if err != nil {
		return nil, nil, err
	}
	p, err := newPlatform(cfg, log, database)
	if err != nil {
		database.Close()
		return nil, nil, err
	}
	return p, func() { database.Close(); flushLog() }, nil
}
