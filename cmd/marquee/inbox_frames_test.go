package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/web/webtest"
)

// wantEmailFrameCSP is the policy of an email's HTML part in the console.
const wantEmailFrameCSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

// consoleServerWithWorkers is consoleServer whose email jobs are worked:
// without SMTP_URL they land in dev's inbox.
func consoleServerWithWorkers(t *testing.T) (*testServer, *tenant.Tenant) {
	t.Helper()
	s, ev, _ := consoleServerWith(t, func(cfg *Config) { cfg.Workers = 2 })
	return s, ev
}

// enMessage is a message of en.toml, as the console shows it.
func enMessage(s *testServer, id string, kv ...any) string {
	return s.platform.themes.Translations().T("en", id, kv...)
}

// addSizedProduct adds a product in S, M and L to ev.
func addSizedProduct(t *testing.T, s *testServer, ev *tenant.Tenant, name string) storefront.Product {
	t.Helper()
	return dbtest.SizedProduct(t, s.db, ev.ID, name)
}

// placeOrderOf places an order of one variant of p for ev.
func placeOrderOf(t *testing.T, s *testServer, ev *tenant.Tenant, p storefront.Product, variant int, name string) *storefront.Order {
	t.Helper()
	return dbtest.PlaceOrder(t, s.db, ev.ID, p, variant, name)
}

// TestInboxFramesOnlyTheEmail: serve's headers keep the inbox's message
// page out of frames while the email's HTML part, shown in the page's
// sandboxed frame, keeps its own policy. The inbox itself is tested in
// branding/console (TestConsoleInboxAndJobs).
func TestInboxFramesOnlyTheEmail(t *testing.T) {
	s, ev := consoleServerWithWorkers(t)
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	o := placeOrderOf(t, s, ev, hoodie, 1, "Grace Hopper")
	admin := platformAdmin(t, s)
	subject := enMessage(s, "email.order_confirmation.subject", "Number", o.Number, "Event", "Welcome to devcon")
	var link string
	waitFor(t, 10*time.Second, func() bool {
		link = webtest.LinkByText(consolePage(t, admin, "/platform/inbox").doc, "table.inbox td.subject a", subject)
		return link != ""
	})
	html := admin.do(http.MethodGet, link+"/html", "", "")
	if html.status != 200 || html.header.Get("Content-Security-Policy") != wantEmailFrameCSP || html.header.Get("X-Frame-Options") == "DENY" {
		t.Fatalf("html part: %d, CSP %q, XFO %q", html.status, html.header.Get("Content-Security-Policy"), html.header.Get("X-Frame-Options"))
	}
	if r := admin.do(http.MethodGet, link, "", ""); r.header.Get("X-Frame-Options") != "DENY" || !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("the message page itself may be framed: XFO %q, CSP %q", r.header.Get("X-Frame-Options"), r.header.Get("Content-Security-Policy"))
	}
}
