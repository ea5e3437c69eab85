package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The email pages in Chromium: a platform admin reads an order's
// confirmation in dev's inbox, its HTML part shown in a sandboxed frame of
// the console; a marketing member previews an email in German.

// emailFrameText is the text of the body of the document that the iframe sel
// selects shows. A sandboxed frame may run in a process of its own: then
// it is a target of its own, found by its URL.
func (b *browser) emailFrameText(sel string) string {
	b.t.Helper()
	b.mustFind(sel)
	src := eval[string](b, "document.querySelector("+jsString(sel)+").src")
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS(sel)))
	if err != nil || len(nodes) == 0 {
		b.t.Fatalf("the node of %s: %v", sel, err)
	}
	if nodes[0].ContentDocument != nil {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body"), chromedp.FromNode(nodes[0])))
		if err != nil {
			b.t.Fatalf("the text of the frame %s: %v", src, err)
		}
		return strings.TrimSpace(text)
	}
	targets, err := chromedp.Targets(b.ctx)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, target := range targets {
		if target.URL != src {
			continue
		}
		// Detach, not close, when done: closing the frame's target would
		// take its page along.
		ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(target.TargetID), chromedp.WithDetachOnCancel())
		defer cancel()
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		if err != nil {
			b.t.Fatalf("the text of the frame %s: %v", src, err)
		}
		return strings.TrimSpace(text)
	}
	b.t.Fatalf("no document of the frame %s", src)
	return ""
}

// signInToConsole signs in on the console's form and lands on the home page.
func (b *browser) signInToConsole(email string) {
	b.t.Helper()
	b.open("/login")
	b.typeInto(`form.console-login input[name="email"]`, email)
	b.typeInto(`form.console-login input[name="password"]`, "correct horse battery")
	res := b.follow(`form.console-login button[type="submit"]`)
	b.at(res, "/")
}

func TestBrowserDevInboxAndEmailPreview(t *testing.T) {
	exe := chromiumPath(t)
	s, ev := consoleServerWithWorkers(t)
	ctx := context.Background()
	ops, err := s.platform.staff.CreateStaff(ctx, "ops@example.com", "Ops", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetPassword(ctx, ops.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	o := placeOrderOf(t, s, ev, addSizedProduct(t, s, ev, "Hoodie"), 1, "Grace Hopper")
	subject := enMessage(s, "email.order_confirmation.subject", "Number", o.Number, "Event", "Welcome to devcon")
	b, _ := newEnglishBrowser(t, exe, s, "devcon.shop.test", consoleBrowserTimeout)

	// The platform admin finds the confirmation in the inbox, newest first.
	b.signInToConsole("ops@example.com")
	res := b.follow("#inbox-link")
	b.at(res, "/platform/inbox")
	b.inEnglish(res)
	if got := b.text("h1"); got != "Inbox" {
		t.Errorf("inbox heading %q", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.count("table.inbox tbody tr") == 0 || b.text("table.inbox tbody tr .subject") != subject {
		if time.Now().After(deadline) {
			t.Fatalf("the confirmation is not in the inbox: %q", b.text("main"))
		}
		time.Sleep(100 * time.Millisecond)
		b.open("/platform/inbox")
	}
	if got := b.text("table.inbox tbody tr .to"); got != "buyer@example.com" {
		t.Errorf("recipient %q", got)
	}

	// The message: its headers, its text, and its HTML in a sandboxed frame.
	res = b.follow("table.inbox tbody tr .subject a")
	if res.Status != http.StatusOK || b.text("#subject") != subject {
		t.Fatalf("message page %d: %q", res.Status, b.text("h1"))
	}
	if got := b.text("#text-part"); !strings.Contains(got, o.Number) {
		t.Errorf("the text part lacks the order number: %q", got)
	}
	const frame = "iframe.email-html"
	if !eval[bool](b, "document.querySelector('"+frame+"').hasAttribute('sandbox')") {
		t.Error("the email's frame is not sandboxed")
	}
	if got := b.emailFrameText(frame); !strings.Contains(got, o.Number) {
		t.Errorf("the frame shows %q, want the order number %s", got, o.Number)
	}
	src := eval[string](b, "document.querySelector('"+frame+"').getAttribute('src')")
	res = b.open(src)
	if res.Status != http.StatusOK || !strings.Contains(b.text("body"), o.Number) || b.count("script") != 0 {
		t.Fatalf("the HTML part alone: %d %q", res.Status, b.text("body"))
	}

	// A marketing member previews the dispatch email in German.
	m := b.signedOut(b.base)
	m.signInToConsole("marketing@example.com")
	m.follow(`table.events tbody a[href="/events/devcon/dashboard"]`)
	res = m.follow(`nav.console-nav a.emails-link[href="/events/devcon/emails"]`)
	m.at(res, "/events/devcon/emails")
	m.inEnglish(res)
	if got := m.text(`tr[data-kind="status_dispatched"] .name`); got != "Order dispatched" {
		t.Errorf("kind name %q", got)
	}
	res = m.follow(`tr[data-kind="status_dispatched"] a[data-lang="de"]`)
	m.at(res, "/events/devcon/emails/status_dispatched")
	m.inEnglish(res) // the console stays in the member's language
	want := german(t, "email.status_dispatched.subject", "Number", "K7M3-Q9XZ", "Event", "Willkommen bei devcon")
	if got := m.text("#subject"); got != want {
		t.Errorf("German subject %q, want %q", got, want)
	}
	if got := m.emailFrameText(frame); !strings.Contains(got, german(t, "email.status_dispatched.heading")) {
		t.Errorf("the German email's frame shows %q", got)
	}
}
