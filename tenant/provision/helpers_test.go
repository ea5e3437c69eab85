package provision_test

import (
	"context"
	"net"
	"testing"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant/provision"
	"marquee/tenant/staff"
	"marquee/themes"
)

// The service's tests run it as serve and the ops commands build it
// (provision.New) on a fresh database, with owners invited through the
// real staff store and custom domains checked against a real DNS server
// when a test gives one (else a port nothing answers).

const base = "example.com"

// fixture is the service on a fresh database.
type fixture struct {
	svc      *provision.Service
	db       *db.DB
	staff    *db.StaffStore
	adminURL string // a superuser's, past row-level security
}

func newFixture(t *testing.T, dnsResolver string) *fixture {
	t.Helper()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	store := db.NewStaffStore(database, staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}})
	if dnsResolver == "" {
		dnsResolver = closedPort(t)
	}
	svc := provision.New(database, provision.Options{BaseDomain: base, DNSResolver: dnsResolver, Invitations: store,
		InviteURL: func(token string) string { return "https://console." + base + "/invite/" + token }})
	return &fixture{svc: svc, db: database, staff: store, adminURL: d.AdminURL}
}

// create makes an event with a slug and a name, failing the test if it
// is refused.
func (f *fixture) create(t *testing.T, slug string) provision.Created {
	t.Helper()
	c, err := f.svc.Create(context.Background(), provision.Spec{Slug: slug, Name: slug})
	if err != nil {
		t.Fatalf("create %s: %v", slug, err)
	}
	return c
}

// count runs a count query as a superuser.
func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	return dbtest.CountRows(t, f.adminURL, query, args...)
}

// exec runs a statement as a superuser.
func (f *fixture) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	dbtest.Exec(t, f.adminURL, sql, args...)
}

var english = func() func(string) string {
	set, err := themes.Load()
	if err != nil {
		panic(err)
	}
	return func(id string) string { return set.Translations().T("en", id) }
}()

// refusal is a refusal as people read it: the field it names ("" for
// none) and its English message; "" "" for no error.
func refusal(err error) (field, message string) {
	if err == nil {
		return "", ""
	}
	return marquee.ErrorField(err), english(marquee.ErrorMessage(err))
}

// wantRefusal fails the test unless err names field with message.
func wantRefusal(t *testing.T, what string, err error, field, message string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted, want %s: %q", what, field, message)
		return
	}
	if f, m := refusal(err); f != field || m != message {
		t.Errorf("%s: %s: %q (%v), want %s: %q", what, f, m, err, field, message)
	}
}

// closedPort is a UDP address nothing answers: DNS checks there fail.
func closedPort(t *testing.T) string {
	ln, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.LocalAddr().String()
	ln.Close()
	return addr
}
