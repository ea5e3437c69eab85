package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// ofKind are the received messages to rcpt whose X-Marquee-Kind is kind.
func ofKind(t *testing.T, srv *smtptest.Server, rcpt, kind string) []smtptest.Parsed {
	t.Helper()
	var out []smtptest.Parsed
	for _, m := range messagesTo(t, srv, rcpt) {
		if m.Header.Get("X-Marquee-Kind") == kind {
			out = append(out, m)
		}
	}
	return out
}

// waitForKind waits for the first message of kind to rcpt.
func waitForKind(t *testing.T, srv *smtptest.Server, rcpt, kind string) smtptest.Parsed {
	t.Helper()
	var got []smtptest.Parsed
	waitFor(t, 20*time.Second, func() bool {
		got = ofKind(t, srv, rcpt, kind)
		return len(got) > 0
	})
	return got[0]
}

// TestStaffNotesReachTheAttendee: the console says a status change's note
// is shown to the attendee, so every status email carries it, not only
// the dispatch's.
func TestStaffNotesReachTheAttendee(t *testing.T) {
	s, srv := mailServer(t)
	ctx := context.Background()
	ev := s.event("devcon", tenant.StatusActive, blue)
	cat := stockEvent(t, s, ev)
	for _, c := range []struct {
		rule     string
		statuses []storefront.Status
		kind     string
	}{
		{"the note on ready for pick-up is in the attendee's email", []storefront.Status{storefront.StatusReadyForPickup}, "status_ready"},
		{"the note on a confirmation is in the attendee's email", []storefront.Status{storefront.StatusConfirmed}, "status_confirmed"},
		{"the note on a collection is in the attendee's email", []storefront.Status{storefront.StatusReadyForPickup, storefront.StatusCollected}, "status_collected"},
		{"the note on a cancellation is in the attendee's email", []storefront.Status{storefront.StatusCancelled}, "status_cancelled"},
	} {
		t.Run(c.rule, func(t *testing.T) {
			email := uuid.NewString()[:8] + "@example.com"
			o, err := s.db.PlaceOrder(ctx, ev.ID, order(email, "Jana", "en", line(cat, "Cap", "One size", 1, "")))
			if err != nil {
				t.Fatal(err)
			}
			const note = "Desk B, from 8am"
			for _, st := range c.statuses {
				if _, err := s.db.ChangeOrderStatus(ctx, ev.ID, o.Number, st, note, uuid.Nil); err != nil {
					t.Fatal(err)
				}
			}
			m := waitForKind(t, srv, email, c.kind)
			if !strings.Contains(m.Text, note) {
				t.Errorf("the text part lacks the note %q:\n%s", note, m.Text)
			}
			if !strings.Contains(m.HTML, note) {
				t.Errorf("the HTML part lacks the note %q:\n%s", note, m.HTML)
			}
		})
	}
}

// TestPerOrderSuppliersHearOfCancellations: when an order is cancelled,
// by its attendee on the status page or by staff, each per-order supplier
// of its lines gets one notice with those lines, queued in the cancelling
// transaction; suppliers of none of its lines, and batch suppliers, get
// none.
func TestPerOrderSuppliersHearOfCancellations(t *testing.T) {
	s, srv := mailServer(t)
	ctx := context.Background()
	sh := newShop(t, s, "devcon")
	for _, sup := range []suppliers.Supplier{
		{Name: "Acme Print", Emails: []string{"acme@example.com"}, Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{sh.shirt.ID}},
		{Name: "Hoodie House", Emails: []string{"hoodies@example.com"}, Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{sh.hoodie.ID}},
		{Name: "Sock Shop", Emails: []string{"socks@example.com"}, Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{sh.socks.ID}},
		{Name: "Stitch & Co", Emails: []string{"stitch@example.com"}, Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{sh.shirt.ID}},
	} {
		if _, err := s.db.SaveSupplier(ctx, sh.ev.ID, sup); err != nil {
			t.Fatal(err)
		}
	}
	// notices are the cancellation notices to rcpt about order number.
	notices := func(t *testing.T, rcpt, number string) []smtptest.Parsed {
		var out []smtptest.Parsed
		for _, m := range ofKind(t, srv, rcpt, "supplier_cancelled") {
			if strings.Contains(m.Subject, number) {
				out = append(out, m)
			}
		}
		return out
	}
	// cancelled checks the notices of one cancelled order.
	cancelled := func(t *testing.T, number string) {
		t.Helper()
		var acme, hoodies []smtptest.Parsed
		waitFor(t, 20*time.Second, func() bool {
			acme, hoodies = notices(t, "acme@example.com", number), notices(t, "hoodies@example.com", number)
			return len(acme) > 0 && len(hoodies) > 0
		})
		for _, want := range []string{number, "T-shirt", "M", "ADA", "cancelled"} {
			if !strings.Contains(acme[0].Text, want) || !strings.Contains(acme[0].HTML, want) {
				t.Errorf("the shirt supplier's notice lacks %q:\n%s", want, acme[0].Text)
			}
		}
		if strings.Contains(acme[0].Text, "Hoodie") || strings.Contains(strings.ToLower(acme[0].Text), "ada@example.com") {
			t.Errorf("the shirt supplier's notice shows another supplier's line or the attendee:\n%s", acme[0].Text)
		}
		if !strings.Contains(hoodies[0].Text, "Hoodie") || strings.Contains(hoodies[0].Text, "T-shirt") {
			t.Errorf("the hoodie supplier's notice:\n%s", hoodies[0].Text)
		}
		time.Sleep(time.Second) // a second notice, or one to the wrong supplier, would be here by now
		for rcpt, want := range map[string]int{"acme@example.com": 1, "hoodies@example.com": 1, "socks@example.com": 0, "stitch@example.com": 0} {
			if n := len(notices(t, rcpt, number)); n != want {
				t.Errorf("%s got %d cancellation notices, want %d", rcpt, n, want)
			}
		}
		if n := countRows(t, s.adminURL, "SELECT count(*) FROM email_log WHERE kind = 'supplier_cancelled' AND dedup_key LIKE $1", "%:cancelled:"+number); n != 2 {
			t.Errorf("%d notices in the send log, want 2", n)
		}
	}

	t.Run("an attendee's cancellation on the status page tells the per-order suppliers of its lines", func(t *testing.T) {
		placed := sh.post("/order", sh.validOrder())
		link := placed.header.Get("Location")
		if placed.status != 303 || !strings.HasPrefix(link, "/orders/") {
			t.Fatalf("placing the order: %d to %q", placed.status, link)
		}
		number := strings.TrimPrefix(strings.SplitN(link, "?", 2)[0], "/orders/")
		waitForKind(t, srv, "acme@example.com", "supplier_order")
		page := sh.do("GET", link, "", "")
		action, _ := page.doc.Find("form.cancel").Attr("action")
		if action == "" {
			t.Fatalf("the status page offers no cancel form:\n%s", page.body)
		}
		res := sh.post(action, url.Values{"csrf": {csrfOf(page)}})
		if res.status != 303 {
			t.Fatalf("cancelling: %d\n%s", res.status, res.body)
		}
		cancelled(t, number)
	})
	t.Run("staff's cancellation tells the per-order suppliers of its lines", func(t *testing.T) {
		placed := sh.post("/order", sh.validOrder())
		link := placed.header.Get("Location")
		number := strings.TrimPrefix(strings.SplitN(link, "?", 2)[0], "/orders/")
		if placed.status != 303 || number == "" {
			t.Fatalf("placing the order: %d to %q", placed.status, link)
		}
		if _, err := s.db.ChangeOrderStatus(ctx, sh.ev.ID, number, storefront.StatusCancelled, "", uuid.Nil); err != nil {
			t.Fatal(err)
		}
		cancelled(t, number)
	})
}

// TestTheBatchEmailSaysWhyItIsSent: a supplier's list says orders have
// closed only when they have (the closing time passed, the event ended);
// at the supplier's own send time, or when staff send it now, while the
// shop is open, it says orders are still open.
func TestTheBatchEmailSaysWhyItIsSent(t *testing.T) {
	s, srv := mailServer(t)
	ctx := context.Background()
	ev := s.event("devcon", tenant.StatusActive, blue)
	cat := stockEvent(t, s, ev)
	hoodie := line(cat, "Hoodie", "M", 1, "ADA")
	desk := mailDesk{s.platform}
	if _, err := s.db.PlaceOrder(ctx, ev.ID, order("a@example.com", "A", "en", hoodie)); err != nil {
		t.Fatal(err)
	}
	supplier := func(email string, sendAt *time.Time) uuid.UUID {
		id, err := desk.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Stitch " + email, Emails: []string{email},
			Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodie.ProductID}, SendAt: sendAt})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	const stillOpen, closed = "are still open", "have closed"
	says := func(t *testing.T, m smtptest.Parsed, want, not string) {
		t.Helper()
		for name, part := range map[string]string{"text": m.Text, "HTML": m.HTML} {
			if !strings.Contains(part, want) || strings.Contains(part, not) {
				t.Errorf("the %s part does not say orders %q (or says %q):\n%s", name, want, not, part)
			}
		}
	}

	t.Run("a list at the supplier's send time while the shop is open says orders are still open", func(t *testing.T) {
		at := time.Now().Add(2 * time.Second).Truncate(time.Second) // as the console sets it, in whole minutes or seconds
		supplier("scheduled@example.com", &at)
		m := waitForKind(t, srv, "scheduled@example.com", "supplier_batch")
		says(t, m, stillOpen, closed)
		if !strings.Contains(m.Text, "As planned") {
			t.Errorf("the scheduled list does not say it was planned:\n%s", m.Text)
		}
	})
	t.Run("a list staff send now while the shop is open says it was sent now and orders are still open", func(t *testing.T) {
		id := supplier("now@example.com", nil)
		if err := desk.SendBatchNow(ctx, ev.ID, id); err != nil {
			t.Fatal(err)
		}
		m := waitForKind(t, srv, "now@example.com", "supplier_batch")
		says(t, m, stillOpen, closed)
		if !strings.Contains(m.Text, "sent you this list now") {
			t.Errorf("the list sent now does not say so:\n%s", m.Text)
		}
	})
	t.Run("a list at the closing time says orders have closed", func(t *testing.T) {
		closes := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339)
		if _, err := s.platform.provision.SetClosesAt(ctx, "devcon", closes); err != nil {
			t.Fatal(err)
		}
		// now@example.com has no send time of its own: its list goes at closing.
		var got []smtptest.Parsed
		waitFor(t, 20*time.Second, func() bool {
			got = ofKind(t, srv, "now@example.com", "supplier_batch")
			return len(got) == 2
		})
		says(t, got[1], closed, stillOpen)
	})
	t.Run("a list sent now after orders closed says they have closed", func(t *testing.T) {
		id := supplier("late@example.com", nil)
		if err := desk.SendBatchNow(ctx, ev.ID, id); err != nil {
			t.Fatal(err)
		}
		says(t, waitForKind(t, srv, "late@example.com", "supplier_batch"), closed, stillOpen)
	})
}
