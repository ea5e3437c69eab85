package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"marquee/db"
	"marquee/db/throwaway"
)

func runDev(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "dev", "dev [--data DIR]\n\nRuns the whole product on this machine: a throwaway Postgres (unless\nDATABASE_URL is set) whose data survives restarts, migrations, three demo\nevents (two shops, one sign-up form), and the server on LISTEN_ADDR (default :8080).")
	dataDir := fs.String("data", "", "where dev keeps its Postgres data (default: .marquee/dev in the repository)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := configFromEnv(devConfig(), e.getenv)
	if err != nil {
		return err
	}
	log := cfg.newLogger(e.stderr)
	dir := *dataDir
	if dir == "" {
		dir = filepath.Join(repoRoot(), ".marquee", "dev")
	}
	if len(cfg.SecretKey) == 0 {
		if cfg.SecretKey, err = devSecretKey(dir); err != nil {
			return err
		}
	}
	if cfg.MediaDir == "" && cfg.S3.Bucket == "" {
		cfg.MediaDir = filepath.Join(dir, "media") // images on local disk, served at /media/
	}
	if cfg.DatabaseURL == "" {
		srv, err := throwaway.Start(ctx, throwaway.Options{Dir: filepath.Join(dir, "postgres"), Logger: log})
		if err != nil {
			return err
		}
		defer srv.Stop()
		if cfg.DatabaseURL, err = srv.EnsureOwnerDatabase(ctx, "marquee", "marquee"); err != nil {
			return err
		}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	return devServe(ctx, e, cfg)
}

// devServe migrates, seeds the demo events and serves until ctx is done.
func devServe(ctx context.Context, e *env, cfg Config) error {
	log := cfg.newLogger(e.stderr)
	if _, err := db.Migrate(ctx, cfg.DatabaseURL); err != nil {
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
	if err := seedDemo(ctx, database, p.media); err != nil {
		return fmt.Errorf("seed demo events: %w", err)
	}
	link, err := ensureDemoAdmin(ctx, p.staff)
	if err != nil {
		return fmt.Errorf("demo admin: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	return p.serveHTTP(ctx, ln, func() { printDevURLs(e, cfg, ln.Addr(), link) })
}

func printDevURLs(e *env, cfg Config, addr net.Addr, adminLink string) {
	_, port, _ := net.SplitHostPort(addr.String())
	fmt.Fprintf(e.stdout, "\nMarquee is running. Demo events:\n")
	for _, d := range demoEvents {
		fmt.Fprintf(e.stdout, "  http://%s.%s:%s\n", d.tenant.Slug, cfg.BaseDomain, port)
	}
	fmt.Fprintf(e.stdout, "\nConsole: http://console.%s:%s (one-time sign-in as the demo admin, valid 1 h: http://console.%s:%s/login/link/%s)\n", cfg.BaseDomain, port, cfg.BaseDomain, port, adminLink)
	fmt.Fprintf(e.stdout, "\nHealth: http://%s:%s/readyz\n", cfg.BaseDomain, port)
	fmt.Fprintf(e.stdout, "\nFor marquee tenant, domain, user and token on this server, use its settings:\n  %s\n", devSettings(cfg, port))
	fmt.Fprintf(e.stdout, "\nPress Ctrl-C to stop.\n\n")
}

// devSettings is the shell line that gives the ops commands dev's
// configuration: its database, and the domain and port their links name.
func devSettings(cfg Config, port string) string {
	return "export DATABASE_URL=" + shellQuote(cfg.DatabaseURL) + " BASE_DOMAIN=" + shellQuote(cfg.BaseDomain) + " LISTEN_ADDR=:" + port
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// repoRoot is the nearest directory above the working directory holding
// this module's go.mod, or the working directory.
func repoRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(b), "module marquee\n") {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}

// devSecretKey returns dev's signing key, made once and kept in dir so
// order links keep working across restarts.
func devSecretKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, "secret-key")
	if b, err := os.ReadFile(path); err == nil {
		if key, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil && len(key) >= 32 {
			return key, nil
		}
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return key, os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600)
}
