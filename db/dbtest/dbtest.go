// Package dbtest gives each test a fresh, migrated Postgres database on a
// real server: TEST_DATABASE_URL (a superuser URL, as `make test` sets) or,
// when that is unset, a throwaway server started once per test binary.
// Databases are cloned from a template migrated once per migration set, so
// a new database costs a CREATE DATABASE, not a migration run. The rows the
// web packages' harnesses and the end-to-end tests start from (an event,
// a staff member, the order tests' shop) and the ways they read rows back
// (counts, WaitFor) are in fixtures.go. Only tests import it.
package dbtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/throwaway"
)

// OwnerRole owns the test databases, as a deployment's DATABASE_URL user
// would: not a superuser, allowed to create roles.
const (
	OwnerRole     = "marquee_test_owner"
	ownerPassword = "marquee-test"
)

// server is the throwaway server of this test binary, when one was needed.
var server struct {
	sync.Mutex
	srv      *throwaway.Server
	adminURL string
}

// Main runs the tests of a package and stops the throwaway server, if one
// was started. Use it from TestMain: os.Exit(dbtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	server.Lock()
	defer server.Unlock()
	if server.srv != nil {
		if err := server.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "dbtest: stop throwaway postgres:", err)
		}
	}
	return code
}

// AdminURL returns a superuser URL of the test server.
func AdminURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	server.Lock()
	defer server.Unlock()
	if server.adminURL == "" {
		srv, err := throwaway.Start(context.Background(), throwaway.Options{})
		if err != nil {
			t.Fatalf("start throwaway postgres (or set TEST_DATABASE_URL): %v", err)
		}
		server.srv, server.adminURL = srv, srv.AdminURL()
	}
	return server.adminURL
}

// Database is one fresh, migrated database for one test.
type Database struct {
	Name     string
	OwnerURL string // as the schema's owner: what DATABASE_URL would be
	AdminURL string // as a superuser, same database
}

// New creates a fresh migrated database, dropped when the test ends.
func New(t testing.TB) *Database {
	t.Helper()
	admin := AdminURL(t)
	return create(t, admin, ensureTemplate(t, admin))
}

// NewOn creates a fresh migrated database on the server admin is a
// superuser URL of (a server of the test's own, e.g. one it stops and
// starts), dropped when the test ends.
func NewOn(t testing.TB, admin string) *Database {
	t.Helper()
	return create(t, admin, ensureTemplate(t, admin))
}

// NewEmpty creates a fresh database with no migrations applied, owned by
// OwnerRole, dropped when the test ends.
func NewEmpty(t testing.TB) *Database {
	t.Helper()
	admin := AdminURL(t)
	ensureTemplate(t, admin) // creates OwnerRole
	return create(t, admin, "template0")
}

func create(t testing.TB, admin, template string) *Database {
	t.Helper()
	name := "test_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
	execAdmin(t, admin, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s", name, template, OwnerRole))
	t.Cleanup(func() {
		execAdmin(t, admin, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return &Database{Name: name, OwnerURL: withUser(t, admin, name, OwnerRole, ownerPassword), AdminURL: withUser(t, admin, name, "", "")}
}

// Open returns the application pool on d (requests as marquee_app),
// closed when the test ends.
func (d *Database) Open(t testing.TB, opts db.Options) *db.DB {
	t.Helper()
	database, err := db.Open(context.Background(), d.OwnerURL, opts)
	if err != nil {
		t.Fatalf("open %s: %v", d.Name, err)
	}
	t.Cleanup(database.Close)
	return database
}

// ensureTemplate creates, once per migration set and server, the owner role
// and a migrated template database. An advisory lock keeps test binaries
// running in parallel from racing.
func ensureTemplate(t testing.TB, admin string) string {
	t.Helper()
	tpl := "marquee_tpl_" + db.MigrationsHash()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to test server: %v", err)
	}
	defer conn.Close(ctx)
	lock := fnv.New64a()
	lock.Write([]byte(tpl))
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(lock.Sum64())); err != nil {
		t.Fatalf("lock template: %v", err)
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", int64(lock.Sum64()))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", tpl).Scan(&exists); err != nil {
		t.Fatalf("look for template: %v", err)
	}
	if exists {
		return tpl
	}
	createTemplate(t, ctx, conn, admin, tpl)
	return tpl
}

func createTemplate(t testing.TB, ctx context.Context, conn *pgx.Conn, admin, tpl string) {
	t.Helper()
	stmts := []string{
		fmt.Sprintf(`DO $$ BEGIN
			IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN
				CREATE ROLE %s LOGIN CREATEROLE PASSWORD '%s';
			END IF; END $$`, OwnerRole, OwnerRole, ownerPassword),
		fmt.Sprintf("DROP DATABASE IF EXISTS %s_tmp WITH (FORCE)", tpl),
		fmt.Sprintf("CREATE DATABASE %s_tmp OWNER %s", tpl, OwnerRole),
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("prepare template: %v", err)
		}
	}
	if _, err := db.Migrate(ctx, withUser(t, admin, tpl+"_tmp", OwnerRole, ownerPassword)); err != nil {
		conn.Exec(ctx, fmt.Sprintf("DROP DATABASE %s_tmp WITH (FORCE)", tpl))
		t.Fatalf("migrate template: %v", err)
	}
	// Renamed only when complete, so a crash never leaves a half template.
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s_tmp RENAME TO %s", tpl, tpl)); err != nil {
		t.Fatalf("finish template: %v", err)
	}
}

func execAdmin(t testing.TB, admin, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// withUser returns admin with another database and, when user is set,
// another user and password.
func withUser(t testing.TB, admin, database, user, password string) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL must be a URL (postgres://…): %v", err)
	}
	u.Path = "/" + database
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}
