package db_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
)

// platformTables may have no tenant_id column, each for the reason given.
// They belong to no event: marquee_platform reads and writes them through
// its platform_access policy, and marquee_app sees at most what a policy
// of its own allows (tenants: its own row). Every other table is
// tenant-owned and needs tenant_id. All of them need RLS forced and a
// policy.
var platformTables = map[string]string{
	"tenants":              "the events themselves (keyed by id)",
	"staff":                "a staff account may work for many events; resolved before any event is known",
	"staff_sessions":       "a sign-in names no event",
	"staff_tokens":         "invitations, resets and login links (an invitation names its event in a nullable tenant_id)",
	"login_attempts":       "throttling is per account and address, and per address, across events",
	"certmagic_data":       "certificates belong to hostnames and are needed before any event is known",
	"certmagic_locks":      "issuance locks are per certificate name, shared by every replica",
	"api_tokens":           "API tokens are the platform's, for ops; they name no event",
	"api_idempotency_keys": "kept per API token and key (a platform token names no event), read before the request's event is known",
	"sso_attempts":         "a staff sign-in with the OpenID provider names no event",
	"river_job":            "River's queue: a job names its event in args.tenant_id, which the app role's policy checks",
	"river_notification":   "River's notification outbox, used by workers (platform role) only",
	"river_leader":         "River's leader election among workers",
	"river_queue":          "River's queues",
	"river_migration":      "River's own migration record",
	"dev_inbox":            "dev's local inbox, shown to platform admins",
	"backup_runs":          "backups are of the whole platform, listed for platform admins",
}

// TestEveryTableIsUnderRowLevelSecurity reads the catalog, so a table added
// without RLS, FORCE or a policy fails the build.
func TestEveryTableIsUnderRowLevelSecurity(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	conn, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `
		SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		       EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped),
		       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'goose_db_version'
		ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	found := map[string]bool{}
	for rows.Next() {
		var name string
		var rls, force, hasTenantID bool
		var policies int
		if err := rows.Scan(&name, &rls, &force, &hasTenantID, &policies); err != nil {
			t.Fatal(err)
		}
		seen++
		found[name] = true
		if !rls || !force {
			t.Errorf("table %s: row level security enabled=%v forced=%v, want both", name, rls, force)
		}
		if policies == 0 {
			t.Errorf("table %s has no policy", name)
		}
		if _, platform := platformTables[name]; !hasTenantID && !platform {
			t.Errorf("table %s has no tenant_id column: every tenant-owned table needs one (or a reason in platformTables)", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range platformTables {
		if !found[name] {
			t.Errorf("platformTables names %s, which does not exist", name)
		}
	}
	if seen < 3 {
		t.Fatalf("found %d tables, want at least tenants, domains, brandings", seen)
	}
}

func TestApplicationRolesOwnNothingAndBypassNothing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	conn, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, role := range []string{db.AppRole, db.PlatformRole} {
		var super, bypass, login bool
		var owned int
		err := conn.QueryRow(ctx, `
			SELECT r.rolsuper, r.rolbypassrls, r.rolcanlogin,
			       (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)
			FROM pg_roles r WHERE r.rolname = $1`, role).Scan(&super, &bypass, &login, &owned)
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if super || bypass || login || owned != 0 {
			t.Errorf("%s: superuser=%v bypassrls=%v login=%v owns %d relations; want none of these", role, super, bypass, login, owned)
		}
	}
}

func TestRequestsRunAsTheAppRole(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	for name, url := range map[string]string{"owner": d.OwnerURL, "superuser": d.AdminURL} {
		t.Run("DATABASE_URL of the "+name, func(t *testing.T) {
			database, err := db.Open(ctx, url, db.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer database.Close()
			var user string
			var super string
			ev := newTenant(t, database, "role-"+name)
			err = database.InTenant(ctx, ev.ID, func(tx pgx.Tx) error {
				return tx.QueryRow(ctx, "SELECT current_user, current_setting('is_superuser')").Scan(&user, &super)
			})
			if err != nil {
				t.Fatal(err)
			}
			if user != db.AppRole || super != "off" {
				t.Fatalf("requests run as %s (superuser %s), want %s and off", user, super, db.AppRole)
			}
		})
	}
}

func TestPooledConnectionCarriesNoTenant(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 1})
	a := newTenant(t, database, "only-conn")
	var pidInTx, pidAfter uint32
	err := database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
		pidInTx = tx.Conn().PgConn().PID()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var setting *string
	var user, login string
	err = database.Pool.QueryRow(ctx, "SELECT pg_backend_pid(), nullif(current_setting('app.tenant_id', true), ''), current_user, session_user").Scan(&pidAfter, &setting, &user, &login)
	if err != nil {
		t.Fatal(err)
	}
	if pidAfter != pidInTx {
		t.Fatalf("pool of one connection used backend %d then %d; the test needs the same connection", pidInTx, pidAfter)
	}
	if setting != nil {
		t.Fatalf("connection back in the pool still has app.tenant_id = %q", *setting)
	}
	// The role was the transaction's own too: behind a transaction pooler
	// the connection's next transaction may be another client's.
	if user != login {
		t.Fatalf("connection back in the pool runs as %s, want its login role %s", user, login)
	}
}

func TestFailedTransactionRollsBack(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	a := newTenant(t, database, "rollback")
	insert := func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO domains (tenant_id, hostname) VALUES ($1, 'gone.example')", a.ID)
		return err
	}
	t.Run("on error", func(t *testing.T) {
		err := database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
			if err := insert(tx); err != nil {
				return err
			}
			return context.Canceled
		})
		if err != context.Canceled {
			t.Fatalf("want the function's error back, got %v", err)
		}
	})
	t.Run("on panic", func(t *testing.T) {
		func() {
			defer func() { _ = recover() }()
			_ = database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
				if err := insert(tx); err != nil {
					return err
				}
				panic("boom")
			})
		}()
	})
	var n int
	err := database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT count(*) FROM domains").Scan(&n)
	})
	if err != nil || n != 0 {
		t.Fatalf("domains after rolled back transactions: %d (err %v), want 0", n, err)
	}
}
