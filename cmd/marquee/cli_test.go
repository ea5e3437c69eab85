package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant/api"
)

// cli runs the binary's command line in-process with the given environment.
func cli(t *testing.T, vars map[string]string, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &errOut}
	err = run(context.Background(), e, args)
	return out.String(), err
}

const testKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestServeRefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		name   string
		vars   map[string]string
		naming string
	}{
		{"no DATABASE_URL", map[string]string{"BASE_DOMAIN": "example.com"}, "DATABASE_URL is required"},
		{"no SECRET_KEY", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com"}, "SECRET_KEY is required"},
		{"a short SECRET_KEY", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": "abcd"}, "SECRET_KEY: 2 bytes is too short"},
		{"a SECRET_KEY that is neither hex nor base64", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": "not a key!"}, "SECRET_KEY: neither"},
		{"a DATABASE_URL that is no URL", map[string]string{"DATABASE_URL": "postgres://%zz", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey}, "DATABASE_URL:"},
		{"a DATABASE_DIRECT_URL that is no URL", map[string]string{"DATABASE_URL": "postgres://u@h/db", "DATABASE_DIRECT_URL": "postgres://%zz", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey}, "DATABASE_DIRECT_URL:"},
		{"a DB_MAX_CONNS of 0", map[string]string{"DATABASE_URL": "postgres://u@h/db", "DB_MAX_CONNS": "0", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey}, "DB_MAX_CONNS:"},
		{"no BASE_DOMAIN", map[string]string{"DATABASE_URL": "postgres://u@h/db", "SECRET_KEY": testKey}, "BASE_DOMAIN is required"},
		{"a BASE_DOMAIN with a port", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com:80", "SECRET_KEY": testKey}, "BASE_DOMAIN:"},
		{"an uppercase BASE_DOMAIN", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "Example.com", "SECRET_KEY": testKey}, "BASE_DOMAIN:"},
		{"a LISTEN_ADDR without port", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "LISTEN_ADDR": "localhost", "SECRET_KEY": testKey}, "LISTEN_ADDR:"},
		{"a bad TRUSTED_PROXIES entry", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "TRUSTED_PROXIES": "10.0.0.0/8, proxy", "SECRET_KEY": testKey}, "TRUSTED_PROXIES:"},
		{"a bad LOG_LEVEL", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "LOG_LEVEL": "loud", "SECRET_KEY": testKey}, "LOG_LEVEL:"},
		{"a bad LOG_FORMAT", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "LOG_FORMAT": "xml", "SECRET_KEY": testKey}, "LOG_FORMAT:"},
		{"no place for images", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey}, "MEDIA_DIR or S3_BUCKET is required"},
		{"an S3 bucket without a region", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "S3_BUCKET": "images"}, "S3_REGION is required"},
		{"a bad S3_PATH_STYLE", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "S3_PATH_STYLE": "sometimes"}, "S3_PATH_STYLE:"},
		{"a bad SHUTDOWN_TIMEOUT", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SHUTDOWN_TIMEOUT": "soon", "SECRET_KEY": testKey}, "SHUTDOWN_TIMEOUT:"},
		{"a negative DRAIN_DELAY", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "DRAIN_DELAY": "-5s", "SECRET_KEY": testKey}, "DRAIN_DELAY:"},
		{"a DRAIN_DELAY that is no duration", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "DRAIN_DELAY": "5", "SECRET_KEY": testKey}, "DRAIN_DELAY:"},
		{"no SMTP_URL", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "MEDIA_DIR": "/tmp"}, "SMTP_URL is required"},
		{"an SMTP_URL with a bad port", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "MEDIA_DIR": "/tmp", "SMTP_URL": "smtp://mail.example.com:x"}, "SMTP_URL:"},
		{"a SMTP_FROM with a name", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "MEDIA_DIR": "/tmp", "SMTP_URL": "smtp://mail.example.com", "SMTP_FROM": "Shop <shop@example.com>"}, "SMTP_FROM:"},
		{"a bad EVENT_CACHE_SIZE", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "EVENT_CACHE_SIZE": "0"}, "EVENT_CACHE_SIZE:"},
		{"a bad HUGE_PAGES", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "HUGE_PAGES": "yes"}, "HUGE_PAGES:"},
		{"a bad WORKERS", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "WORKERS": "many"}, "WORKERS:"},
		{"a JOB_TIMEOUT that is no duration", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "JOB_TIMEOUT": "10"}, "JOB_TIMEOUT:"},
		{"a JOB_RESCUE_AFTER within the job timeout", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "MEDIA_DIR": "/tmp",
			"SMTP_URL": "smtp://mail.example.com", "JOB_TIMEOUT": "30s", "JOB_RESCUE_AFTER": "20s"}, "JOB_RESCUE_AFTER and JOB_TIMEOUT:"},
		{"a JOB_YIELD that is no duration", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "JOB_YIELD": "soon"}, "JOB_YIELD:"},
		{"a negative JOB_YIELD", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "JOB_YIELD": "-1s"}, "JOB_YIELD:"},
		{"a JOB_YIELD that leaves no room before the rescue", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "MEDIA_DIR": "/tmp",
			"SMTP_URL": "smtp://mail.example.com", "JOB_TIMEOUT": "10s", "JOB_RESCUE_AFTER": "15s", "JOB_YIELD": "5s"}, "JOB_YIELD:"},
		{"a TLS mode that is not acme", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "TLS": "on"}, "TLS:"},
		{"an ACME_CA that is no https URL", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "TLS": "acme", "ACME_CA": "http://ca"}, "ACME_CA:"},
		{"a missing ACME_CA_ROOTS file", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "ACME_CA_ROOTS": "/nonexistent.pem"}, "ACME_CA_ROOTS:"},
		{"a DNS_PROVIDER we do not know", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "TLS": "acme", "DNS_PROVIDER": "gandi"}, "DNS_PROVIDER:"},
		{"a bad DOMAIN_IPS entry", map[string]string{"DATABASE_URL": "postgres://u@h/db", "BASE_DOMAIN": "example.com", "SECRET_KEY": testKey, "DOMAIN_IPS": "10.0.0.1, host"}, "DOMAIN_IPS:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cli(t, tc.vars, "serve")
			if err == nil || !strings.Contains(err.Error(), tc.naming) {
				t.Fatalf("want an error naming %q, got %v", tc.naming, err)
			}
		})
	}
}

func TestServeRefusesAnUnmigratedDatabase(t *testing.T) {
	d := dbtest.NewEmpty(t)
	_, err := cli(t, map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com", "LISTEN_ADDR": "127.0.0.1:0", "SECRET_KEY": testKey, "MEDIA_DIR": t.TempDir(),
		"SMTP_URL": "smtp://127.0.0.1:2525"}, "serve")
	if err == nil || !strings.Contains(err.Error(), "marquee migrate up") {
		t.Fatalf("want a request to migrate first, got %v", err)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"dev", "--help"}, {"serve", "-h"}, {"migrate", "--help"}, {"tenant", "create", "--help"}, {"tenant", "list", "--help"}} {
		out, err := cli(t, nil, args...)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out, "Usage: marquee") {
			t.Errorf("%v printed no usage: %q", args, out)
		}
	}
	if _, err := cli(t, nil, "frobnicate"); err == nil || exitCode(err) != 2 {
		t.Errorf("an unknown command: %v (exit %d), want a usage error", err, exitCode(err))
	}
}

func TestTenantCommands(t *testing.T) {
	d := dbtest.New(t)
	vars := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com"}

	out, err := cli(t, vars, "tenant", "create", "--slug", "berlin-2027", "--name", "Berlin 2027", "--locales", "de,en", "--locale", "de")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "https://berlin-2027.example.com") {
		t.Errorf("create output %q names no URL", out)
	}

	t.Run("bad input names the flag and writes nothing", func(t *testing.T) {
		tests := []struct {
			args []string
			want string
		}{
			{[]string{"--slug", "ab", "--name", "X"}, "--slug: The subdomain must be at least 3 characters long."},
			{[]string{"--slug", "Upper", "--name", "X"}, "--slug: Use only lowercase letters"},
			{[]string{"--slug", "console", "--name", "X"}, "--slug: This subdomain is reserved"},
			{[]string{"--slug", "berlin-2027", "--name", "X"}, "--slug: This subdomain is already taken"},
			{[]string{"--slug", "fine-slug"}, "--name: Enter the event's name."},
			{[]string{"--slug", "fine-slug", "--name", "X", "--default-locale", "it"}, "--default-locale/--locales: This language is not supported"},
			{[]string{"--slug", "fine-slug", "--name", "X", "--default-locale", "de", "--locales", "en"}, "--default-locale/--locales: The default language must be one of"},
			{[]string{"--slgu", "x"}, "flag provided but not defined: -slgu"},
		}
		for _, tc := range tests {
			_, err := cli(t, vars, append([]string{"tenant", "create"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 2 {
				t.Errorf("%v: got %v, want a usage error containing %q", tc.args, err, tc.want)
			}
		}
		out, err := cli(t, vars, "tenant", "list", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var list []api.Event
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Slug != "berlin-2027" || list[0].DefaultLocale != "de" {
			t.Fatalf("after refused creations the list is %+v, want only berlin-2027", list)
		}
	})

	t.Run("list pages by slug", func(t *testing.T) {
		for _, slug := range []string{"aachen", "zurich"} {
			if _, err := cli(t, vars, "tenant", "create", "--slug", slug, "--name", slug); err != nil {
				t.Fatal(err)
			}
		}
		out, err := cli(t, vars, "tenant", "list", "--limit", "2")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[1], "aachen") || !strings.HasPrefix(lines[2], "berlin-2027") || lines[3] != "more: marquee tenant list --after berlin-2027" {
			t.Fatalf("first page:\n%s", out)
		}
		out, err = cli(t, vars, "tenant", "list", "--after", "berlin-2027")
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "zurich") {
			t.Fatalf("second page:\n%s", out)
		}
	})
	t.Run("a bad --limit is named", func(t *testing.T) {
		if _, err := cli(t, vars, "tenant", "list", "--limit", "0"); err == nil || !strings.Contains(err.Error(), "--limit") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestMigrateCommands(t *testing.T) {
	d := dbtest.New(t)
	vars := map[string]string{"DATABASE_URL": d.OwnerURL}
	out, err := cli(t, vars, "migrate", "up")
	if err != nil || !strings.Contains(out, "nothing to apply") {
		t.Fatalf("migrate up on a migrated database: %q, %v", out, err)
	}
	out, err = cli(t, vars, "migrate", "status")
	if err != nil || !strings.Contains(out, "00001_roles.sql") || strings.Contains(out, "pending") {
		t.Fatalf("migrate status: %q, %v", out, err)
	}
	if _, err := cli(t, vars, "migrate", "sideways"); err == nil || exitCode(err) != 2 {
		t.Fatalf("migrate sideways: %v", err)
	}
	for name, value := range map[string]string{"MIGRATE_LOCK_TIMEOUT": "soon", "MIGRATE_STATEMENT_TIMEOUT": "0s", "MIGRATE_LOCK_WAIT": "-1m", "MIGRATE_LOCK_RETRIES": "many"} {
		bad := map[string]string{"DATABASE_URL": d.OwnerURL, name: value}
		if _, err := cli(t, bad, "migrate", "up"); err == nil || !strings.HasPrefix(err.Error(), name+":") {
			t.Errorf("migrate up with %s=%s: %v, want an error naming it", name, value, err)
		}
	}
	// Behind a transaction pooler migrations take the direct URL.
	pooled := map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x?connect_timeout=2", "DATABASE_DIRECT_URL": d.OwnerURL}
	if out, err := cli(t, pooled, "migrate", "status"); err != nil || !strings.Contains(out, "00001_roles.sql") {
		t.Fatalf("migrate status with DATABASE_DIRECT_URL: %q, %v", out, err)
	}
}

func TestMigrateAnEmptyDatabase(t *testing.T) {
	for name, pick := range map[string]func(*dbtest.Database) string{
		"as the owner":   func(d *dbtest.Database) string { return d.OwnerURL },
		"as a superuser": func(d *dbtest.Database) string { return d.AdminURL },
	} {
		t.Run(name, func(t *testing.T) {
			d := dbtest.NewEmpty(t)
			vars := map[string]string{"DATABASE_URL": pick(d), "BASE_DOMAIN": "example.com"}
			out, err := cli(t, vars, "migrate", "up")
			if err != nil || !strings.Contains(out, "applied 00004_brandings.sql") {
				t.Fatalf("migrate up: %q, %v", out, err)
			}
			if _, err := cli(t, vars, "tenant", "create", "--slug", "after-migrate", "--name", "After"); err != nil {
				t.Fatalf("create on the freshly migrated database: %v", err)
			}
		})
	}
}

func TestDemoSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	for range 2 {
		if err := seedDemo(ctx, database, nil); err != nil {
			t.Fatal(err)
		}
	}
	list, err := database.ListTenants(ctx, "", 10)
	if err != nil || len(list) != len(demoEvents) {
		t.Fatalf("%d events after seeding twice (%v), want %d", len(list), err, len(demoEvents))
	}
	for _, ev := range list {
		content, err := database.SiteContent(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		// A shop has products; the sign-up event has none, and its form.
		if (len(content.Catalogue.Products) == 0) != content.Settings.IsSignup() || len(content.Fields) == 0 {
			t.Errorf("%s (kind %q) has %d products and %d fields", ev.Slug, content.Settings.Kind, len(content.Catalogue.Products), len(content.Fields))
		}
	}
}

func TestUserCreate(t *testing.T) {
	d := dbtest.New(t)
	vars := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com"}
	out, err := cli(t, vars, "user", "create", "--email", "Ops@Example.com", "--name", "Ops", "--platform-admin")
	if err != nil || !strings.Contains(out, "created ops@example.com") || !strings.Contains(out, "https://console.example.com/login/link/") {
		t.Fatalf("user create: %q, %v", out, err)
	}
	if _, err := cli(t, vars, "user", "create", "--email", "ops@example.com"); err == nil || !strings.Contains(err.Error(), "--email: There is already an account") {
		t.Fatalf("a taken email: %v", err)
	}
	if _, err := cli(t, vars, "user", "create", "--email", "not-an-email"); err == nil || !strings.HasPrefix(err.Error(), "--email: ") {
		t.Fatalf("a bad email: %v", err)
	}
}
