package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// TestServeThroughPgBouncer runs two replicas of serve whose request
// pools go through Debian's pgbouncer in transaction pooling mode, with
// fewer server connections than the replicas have clients, and whose
// change listeners and job queue use the direct URL: an order placed and
// its confirmation sent by one, a console
// sign-in on the other, and a change through the pooler that reaches the
// other replica's warm cache.
func TestServeThroughPgBouncer(t *testing.T) {
	d := dbtest.New(t)
	pb := d.PgBouncer(t, 2)
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	cfg.DatabaseURL = pb.URL
	b := startServerOn(t, cfg, d)
	cfg.Workers = 2 // a works the email jobs: River on the direct URL, their reads and writes through the pooler
	a := startServerOn(t, cfg, d)
	sh := newShop(t, a, "devcon")
	dbtest.Member(t, a.platform.staff, "marketing@example.com", "Mia", false, sh.ev, staff.RoleOwner)

	t.Run("an order placed through the pooler", func(t *testing.T) {
		r := sh.post("/order", sh.validOrder())
		if r.status != http.StatusSeeOther {
			t.Fatalf("order: %d %s\n%s", r.status, r.text(".error, .field-error"), pb.Log())
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM orders WHERE tenant_id = $1", sh.ev.ID); n != 1 {
			t.Fatalf("%d orders in the database, want 1", n)
		}
		status := sh.do(http.MethodGet, r.header.Get("Location"), "", "")
		if status.status != 200 || !strings.Contains(status.text("main"), "Ada Lovelace") {
			t.Fatalf("the order's page: %d %q", status.status, status.text("main"))
		}
		waitFor(t, 10*time.Second, func() bool {
			return dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM email_log WHERE tenant_id = $1", sh.ev.ID) > 0 &&
				dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM dev_inbox WHERE 'ada@example.com' = ANY(recipients)") > 0
		})
	})

	t.Run("console sign-in on the other replica", func(t *testing.T) {
		member := signedInMember(t, b)
		r := consolePage(t, member, "/events/devcon/orders")
		if r.status != 200 || !strings.Contains(r.text("main"), "Ada Lovelace") {
			t.Fatalf("the orders page after signing in through the pooler: %d %q", r.status, r.text("main"))
		}
	})

	t.Run("a change through the pooler reaches the other replica's cache", func(t *testing.T) {
		if r := b.get("devcon.shop.test", "/"); r.status != 200 || r.text("#event-title") != "Welcome to devcon" {
			t.Fatalf("before: %d %q", r.status, r.text("#event-title"))
		}
		vars := map[string]string{"DATABASE_URL": pb.URL, "BASE_DOMAIN": testBase}
		if out, err := cli(t, vars, "tenant", "suspend", "devcon"); err != nil {
			t.Fatalf("suspend through the pooler: %q, %v", out, err)
		}
		waitFor(t, 5*time.Second, func() bool { return b.get("devcon.shop.test", "/").status == http.StatusServiceUnavailable })
	})
	if ev, err := a.db.TenantBySlug(t.Context(), "devcon"); err != nil || ev.Status != tenant.StatusSuspended {
		t.Fatalf("the event read back through the pooler: %+v, %v", ev, err)
	}
}
