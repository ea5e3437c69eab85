package main

import (
	"net/http"
	"net/url"
	"testing"

	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/tenant/web/webtest"
)

// The console helpers of the end-to-end tests: signed-in staff of the
// console served by marquee serve.

const consoleHost = "console.shop.test"

// consoleServer is a test server with cheap password hashing and one
// marketing member of one event.
func consoleServer(t *testing.T) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	return consoleServerWith(t, func(*Config) {})
}

// consoleServerWith is consoleServer with the configuration changed by
// tune first (email workers, a DNS resolver…).
func consoleServerWith(t *testing.T, tune func(*Config)) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	tune(&cfg)
	s := startServer(t, cfg)
	ev := s.event("devcon", tenant.StatusActive, blue)
	s.event("other", tenant.StatusActive, teal)
	st := dbtest.Member(t, s.platform.staff, "marketing@example.com", "Mia", false, ev, staff.RoleMarketing)
	return s, ev, st
}

// browser is a visitor of the console with its own cookies.
func (s *testServer) browser() *shop {
	return &shop{s: s, host: consoleHost, client: webtest.Browser()}
}

// signIn posts the login form with the token of the login page.
func signIn(b *shop, email, password string) *response {
	b.s.t.Helper()
	return fromPage(b.web().SignIn(email, password))
}

// jarURL is where the visitor's cookies live: the client keys them by the
// Host it asked for, not by the loopback address it dialled.
func jarURL(b *shop) *url.URL { return webtest.JarURL(b.host) }

func sessionValue(b *shop, _ *testServer) string { return b.web().Cookie("marquee_session") }

func pngBytes(t *testing.T, w, h int) []byte { return webtest.PNG(t, w, h) }

// signedInMember is a browser signed in as the marketing member of devcon.
func signedInMember(t *testing.T, s *testServer) *shop {
	t.Helper()
	b := s.browser()
	if r := signIn(b, "marketing@example.com", dbtest.Password); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	return b
}

// editorForm returns the values of the branding form as the page shows it.
func editorForm(t *testing.T, b *shop, slug string) (url.Values, *response) {
	t.Helper()
	r := consolePage(t, b, "/events/"+slug+"/branding")
	return webtest.FormValues(r.doc, "form.branding-form input, form.branding-form textarea, form.branding-form select"), r
}

// multipartUpload builds the editor's image form.
func multipartUpload(t *testing.T, csrf, slot, filename string, data []byte) (string, string) {
	t.Helper()
	return webtest.Upload(t, filename, data, "csrf", csrf, "slot", slot)
}

func csrfOf(r *response) string { return webtest.CSRF(r.doc) }

// consolePage fetches a console page that must answer 200.
func consolePage(t *testing.T, b *shop, path string) *response {
	t.Helper()
	c := b.web()
	c.T = t
	return fromPage(c.OK(path))
}

// platformAdmin signs in a platform administrator.
func platformAdmin(t *testing.T, s *testServer) *shop {
	t.Helper()
	return consoleMember(t, s, "ops@example.com", true, nil, "")
}

// consoleMember creates a staff member with a password and signs them in;
// role on ev, unless ev is nil.
func consoleMember(t *testing.T, s *testServer, email string, platformAdmin bool, ev *tenant.Tenant, role staff.Role) *shop {
	t.Helper()
	dbtest.Member(t, s.platform.staff, email, "Someone", platformAdmin, ev, role)
	b := s.browser()
	if r := signIn(b, email, dbtest.Password); r.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, r.status)
	}
	return b
}

func mustRequest(t *testing.T, u, host string) *http.Request {
	t.Helper()
	return webtest.NewRequest(t, http.MethodGet, u, host, "")
}
