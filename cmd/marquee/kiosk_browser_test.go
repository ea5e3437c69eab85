package main

import (
	"context"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/storefront/webhooks"
	"marquee/storefront/webhooks/webhooktest"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/tenant/web/browsertest"
)

// kioskFront serves the platform's app on a listener of the test's own,
// which the test closes (the kiosk's server is gone: connections are
// refused) and opens again on the same address.
type kioskFront struct {
	t    *testing.T
	s    *testServer
	addr string
	app  *fiber.App
}

func startKioskFront(t *testing.T, s *testServer) *kioskFront {
	t.Helper()
	f := &kioskFront{t: t, s: s, addr: "127.0.0.1:0"}
	f.start()
	t.Cleanup(f.stop)
	return f
}

func (f *kioskFront) start() {
	f.t.Helper()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		f.t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	f.app = f.s.platform.newApp()
	go func() { _ = f.app.Listener(ln) }()
}

// stop closes the listener and every connection.
func (f *kioskFront) stop() {
	if f.app != nil {
		_ = f.app.ShutdownWithTimeout(2 * time.Second)
		f.app = nil
	}
}

// signupEventFor makes ev a sign-up event asking for a company, with its
// consent and thank-you texts.
func signupEventFor(t *testing.T, s *testServer, ev *tenant.Tenant) {
	t.Helper()
	ctx := context.Background()
	err := s.db.AddFormField(ctx, ev.ID, form.Field{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText, Required: true,
		Label: map[string]string{"en": "Company", "de": "Firma"}})
	if err == nil {
		err = s.db.SaveSignupForm(ctx, ev.ID, storefront.KindSignup, storefront.Text{"en": "Keep me posted"},
			storefront.Text{"en": "See you at DevCon!"})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// kioskSignup fills the kiosk's form as a person at the stand does and
// sends it (the script keeps the page).
func kioskSignup(b *browser, name, email, company string) {
	b.t.Helper()
	kioskFill(b, name, email, company)
	b.click("#signup-submit")
}

func kioskFill(b *browser, name, email, company string) {
	b.t.Helper()
	b.typeInto("#name", name)
	b.typeInto("#email", email)
	b.typeInto("#company", company)
	b.click("#consent")
}

// waitKiosk polls a JavaScript condition on the kiosk's page.
func waitKiosk(b *browser, within time.Duration, what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for !eval[bool](b, cond) {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kioskCount is how many sign-ups the event has from the device, and how
// many of them carry clientID ("" any).
func kioskCount(t *testing.T, s *testServer, ev *tenant.Tenant, d storefront.KioskDevice, clientID string) int {
	t.Helper()
	return dbtest.CountRows(t, s.adminURL, "SELECT count(*) FROM signups WHERE tenant_id = $1 AND source = $2 AND ($3 = '' OR client_id::text = $3)",
		ev.ID, d.Source(), clientID)
}

// The thank-you is showing, and later the form again, empty, with a new
// client id.
const (
	kioskThanking = `!document.getElementById('kiosk-thanks').hidden && document.querySelector('section.kiosk-signup').hidden`
	kioskEmpty    = `document.getElementById('kiosk-thanks').hidden && !document.querySelector('section.kiosk-signup').hidden && document.getElementById('name').value === '' && document.getElementById('email').value === '' && document.getElementById('company').value === '' && !document.getElementById('consent').checked`
	kioskClientID = `document.querySelector('#signup-form input[name=client_id]').value`
	kioskWaiting  = `(() => { const b = document.getElementById('kiosk-waiting'); return b.hidden ? '' : b.textContent; })()`
)

// TestBrowserKiosk: a tablet's kiosk takes three sign-ups in a row, the
// form empty again after each thank-you; with its server gone, a sign-up
// is kept on the device ("Waiting to send: 1") and reaches the server
// exactly once when it is back; without JavaScript the form still posts.
// Each sign-up reaches the event's webhook receiver (on loopback, checking
// the Standard Webhooks signature) exactly once.
func TestBrowserKiosk(t *testing.T) {
	exe := chromiumPath(t)
	cfg := defaultConfig()
	cfg.Workers = 1
	cfg.WebhooksAllowPrivate = true // the receiver is on 127.0.0.1
	s := startServer(t, cfg)
	ctx := context.Background()
	ev := s.event("devcon", tenant.StatusActive, teal)
	signupEventFor(t, s, ev)
	receiver := webhooktest.Start(t)
	_, hookSecret, err := s.db.CreateWebhookEndpoint(ctx, ev.ID, uuid.Nil, webhooks.EndpointInput{URL: receiver.URL(),
		Types: []string{webhooks.SignupReceived}, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	receiver.Trust(t, hookSecret)
	defer checkKioskWebhooks(t, receiver, "ada@example.com", "grace@example.com", "alan@example.com", "edsger@example.com",
		"barbara@example.com")
	dev, secret, err := s.db.IssueKioskDevice(ctx, ev.ID, staff.Staff{Email: "crew@example.com"}, "Stand A")
	if err != nil {
		t.Fatal(err)
	}
	front := startKioskFront(t, s)
	_, port, _ := net.SplitHostPort(front.addr)
	allocCtx := browsertest.Start(t, exe, browsertest.Options{Lang: "en-US", AcceptLang: "en-US,en", HostRules: "MAP *.shop.test 127.0.0.1",
		Within: 3 * time.Minute})
	b := &browser{t: t, ctx: browsertest.Tab(t, allocCtx), base: "http://devcon." + testBase + ":" + port}
	link := "/kiosk/" + secret

	if res := b.open(link); res.Status != 200 || b.text("#signup-title") == "" {
		t.Fatalf("the kiosk: %d", res.Status)
	}
	people := [][3]string{{"Ada Lovelace", "ada@example.com", "Analytical"}, {"Grace Hopper", "grace@example.com", "Navy"},
		{"Alan Turing", "alan@example.com", "Bletchley"}}
	seen := map[string]bool{}
	for i, p := range people {
		id := eval[string](b, kioskClientID)
		if seen[id] {
			t.Fatalf("sign-up %d reuses the client id %s", i+1, id)
		}
		seen[id] = true
		kioskSignup(b, p[0], p[1], p[2])
		waitKiosk(b, 5*time.Second, "the thank-you after sign-up "+p[0], kioskThanking)
		if got := b.text("#kiosk-thanks .thanks"); got != "See you at DevCon!" {
			t.Fatalf("thanked with %q", got)
		}
		waitKiosk(b, 10*time.Second, "the empty form after sign-up "+p[0], kioskEmpty)
		if n := kioskCount(t, s, ev, dev, id); n != 1 {
			t.Fatalf("sign-up %d (%s) stored %d times", i+1, p[0], n)
		}
	}
	if n := kioskCount(t, s, ev, dev, ""); n != 3 {
		t.Fatalf("%d sign-ups after three, want 3", n)
	}

	t.Run("with the server gone, a sign-up waits on the tablet and arrives once when it is back", func(t *testing.T) {
		b.t = t
		front.stop()
		id := eval[string](b, kioskClientID)
		kioskSignup(b, "Edsger Dijkstra", "edsger@example.com", "Eindhoven")
		waitKiosk(b, 5*time.Second, "the thank-you while offline", kioskThanking)
		if got := eval[string](b, kioskWaiting); got != "Waiting to send: 1" {
			t.Fatalf("the badge says %q", got)
		}
		if n := eval[int](b, `JSON.parse(localStorage.getItem('marquee.kiosk.`+link+`/signups')).length`); n != 1 {
			t.Fatalf("%d sign-ups queued on the device, want 1", n)
		}
		waitKiosk(b, 10*time.Second, "the empty form while offline", kioskEmpty)
		time.Sleep(3 * time.Second) // a few retries fail against the closed port
		if n := kioskCount(t, s, ev, dev, id); n != 0 {
			t.Fatalf("stored %d times while the server was gone", n)
		}
		front.start()
		waitKiosk(b, 30*time.Second, "the queue sent once the server is back", kioskWaiting+` === ''`)
		if n := kioskCount(t, s, ev, dev, id); n != 1 {
			t.Fatalf("the queued sign-up stored %d times, want once", n)
		}
		time.Sleep(2 * time.Second)
		if n := kioskCount(t, s, ev, dev, ""); n != 4 {
			t.Fatalf("%d sign-ups, want 4", n)
		}
	})

	t.Run("without JavaScript the form posts and thanks", func(t *testing.T) {
		b.t = t
		if err := browsertest.Scripts(b.ctx, false); err != nil {
			t.Fatal(err)
		}
		b.open(link)
		kioskFill(b, "Barbara Liskov", "barbara@example.com", "MIT")
		if res := b.follow("#signup-submit"); res.Status != 200 || b.location().Path != link+"/thanks" {
			t.Fatalf("posted: %d at %s", res.Status, b.location().Path)
		}
		if got := b.text("#signup-thanks"); got != "See you at DevCon!" || kioskCount(t, s, ev, dev, "") != 5 {
			t.Fatalf("thanked with %q, %d sign-ups", got, kioskCount(t, s, ev, dev, ""))
		}
	})
}

// checkKioskWebhooks: the receiver got one signup.received per email of
// want, each with its own webhook-id, and no other (a sign-up sent again
// by the tablet is not announced again).
func checkKioskWebhooks(t *testing.T, r *webhooktest.Receiver, want ...string) {
	t.Helper()
	if t.Failed() {
		return
	}
	r.WaitFor(t, webhooks.SignupReceived, len(want), 30*time.Second)
	time.Sleep(2 * time.Second) // a duplicate would come now
	got, ids := map[string]int{}, map[string]bool{}
	for _, d := range r.Accepted() {
		var data webhooks.SignupData
		if err := json.Unmarshal(d.Data, &data); err != nil || d.Type != webhooks.SignupReceived {
			t.Fatalf("delivery %s: type %q, data %s (%v)", d.ID, d.Type, d.Data, err)
		}
		got[data.Email]++
		if ids[d.ID] {
			t.Errorf("webhook-id %s delivered twice", d.ID)
		}
		ids[d.ID] = true
	}
	for _, email := range want {
		if got[email] != 1 {
			t.Errorf("signup.received for %s delivered %d times, want once (all: %v)", email, got[email], got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("signup.received for %d people, want %d: %v", len(got), len(want), got)
	}
}
