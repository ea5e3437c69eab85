package console

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
)

// pricedOrder places an order of one €10 item at ev and sets its payment
// as the payment flow would have (state, Stripe's ids, a hold).
func pricedOrder(t *testing.T, s *testServer, ev *tenant.Tenant, shirt storefront.Product, set string, args ...any) string {
	t.Helper()
	o, err := s.db.PlaceOrder(context.Background(), ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(),
		Email: uuid.NewString()[:8] + "@example.com", Name: "Buyer", Locale: "en",
		Lines: []storefront.Line{{ProductID: shirt.ID, VariantID: shirt.Variants[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Exec(t, s.adminURL, "UPDATE orders SET "+set+" WHERE tenant_id = $1 AND number = $2", append([]any{ev.ID, o.Number}, args...)...)
	return o.Number
}

// TestOrderPayments: fulfilment sees each order's payment on the list
// (a column and a filter), on the order page and in the export, marks an
// order paid at pick-up once (history and audit), and the dashboard
// splits the revenue by payment.
func TestOrderPayments(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	product := func() storefront.Product {
		return storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Visible: true, PriceMinor: 1000,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}}}}
	}
	hoodie, err := s.db.AddProduct(ctx, ev.ID, product())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.AddProduct(ctx, other.ID, product())
	if err != nil {
		t.Fatal(err)
	}
	atDesk := pricedOrder(t, s, ev, hoodie, "payment_state = 'at_pickup'")
	online := pricedOrder(t, s, ev, hoodie, "payment_state = 'paid', payment_session_id = 'cs_test_1', payment_intent_id = 'pi_test_1'")
	pending := pricedOrder(t, s, ev, hoodie,
		"status = 'pending_payment', payment_state = 'pending', hold_expires_at = now() + interval '10 minutes', payment_session_id = 'cs_test_2'")
	otherDesk := pricedOrder(t, s, other, theirs, "payment_state = 'at_pickup'")
	ten := storefront.FormatMoney(1000, "EUR", "en")
	b := fulfilmentMember(t, s, ev)
	listed := func(query string) map[string]string {
		payments := map[string]string{}
		b.get("/events/devcon/orders?" + query).doc.Find("table.orders tbody tr").Each(func(_ int, row *goquery.Selection) {
			payments[row.Find("td a").Text()] = row.Find("td.payment").Text()
		})
		return payments
	}
	stateOf := func(tenantID uuid.UUID, number string) string {
		o, err := s.db.OrderByNumber(ctx, tenantID, number)
		if err != nil {
			t.Fatal(err)
		}
		return string(o.PaymentState)
	}

	t.Run("the list shows each order's payment and filters by it", func(t *testing.T) {
		all := listed("")
		if all[atDesk] != "To pay at pick-up" || all[online] != "Paid" || all[pending] != "Online payment open" || len(all) != 3 {
			t.Fatalf("listed %v", all)
		}
		if got := listed("payment=at_pickup"); len(got) != 1 || got[atDesk] == "" {
			t.Errorf("filtered to pay at pick-up: %v", got)
		}
		if got := listed("payment=pending"); len(got) != 1 || got[pending] == "" {
			t.Errorf("filtered to pending: %v", got)
		}
		if got := listed("status=pending_payment"); len(got) != 1 || got[pending] == "" {
			t.Errorf("filtered to the status waiting for payment: %v", got)
		}
		if got := listed("payment=bitcoin"); len(got) != 3 {
			t.Errorf("an unknown payment state filters: %v", got)
		}
		page := b.get("/events/devcon/orders?payment=paid")
		if v, _ := page.doc.Find(`select#payment option[selected]`).Attr("value"); v != "paid" || page.doc.Find(`label[for="payment"]`).Length() != 1 {
			t.Errorf("the filter shows %q selected", v)
		}
		if href, _ := page.doc.Find("#export").Attr("href"); !strings.Contains(href, "payment=paid") {
			t.Errorf("the export link drops the filter: %q", href)
		}
	})
	t.Run("the export has each line's payment state and follows the filter", func(t *testing.T) {
		r := b.get("/events/devcon/orders/export.csv?payment=at_pickup")
		records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(records) != 2 {
			t.Fatalf("csv: %v %v", records, err)
		}
		col := slices.Index(records[0], "payment_state")
		if col < 0 || records[1][0] != atDesk || records[1][col] != "at_pickup" {
			t.Fatalf("csv: %v", records)
		}
	})
	t.Run("the dashboard splits the revenue by payment", func(t *testing.T) {
		r := b.get("/events/devcon/dashboard")
		if r.text("#revenue-paid") != ten || r.text("#revenue-at-pickup") != ten || r.text("#revenue-pending") != ten {
			t.Errorf("paid %q, at pick-up %q, pending %q; want %s each",
				r.text("#revenue-paid"), r.text("#revenue-at-pickup"), r.text("#revenue-pending"), ten)
		}
	})
	t.Run("an online payment shows its Stripe ids and the time left, and cannot be marked paid", func(t *testing.T) {
		r := b.get("/events/devcon/orders/" + online)
		if r.text("#payment-state") != "Paid" || r.text("#payment-amount") != ten || r.text("#stripe-payment") != "pi_test_1" ||
			r.text("#stripe-session") != "cs_test_1" || r.doc.Find("#mark-paid").Length() != 0 {
			t.Errorf("paid online: %q", r.text("section.order-payment"))
		}
		dbtest.Exec(t, s.adminURL, `INSERT INTO payment_refunds (tenant_id, order_id, key, amount_minor, reason, refund_id)
			SELECT tenant_id, id, gen_random_uuid(), 400, 'a line cancelled', 're_test_1' FROM orders WHERE tenant_id = $1 AND number = $2`, ev.ID, online)
		refunded := b.get("/events/devcon/orders/" + online)
		if row := refunded.doc.Find("#refunds tbody tr"); row.Length() != 1 || !strings.Contains(row.Text(), storefront.FormatMoney(400, "EUR", "en")) ||
			!strings.Contains(row.Text(), "a line cancelled") || !strings.Contains(row.Text(), "re_test_1") {
			t.Errorf("refunds: %q", refunded.text("#refunds"))
		}
		if r.doc.Find("#refunds").Length() != 0 {
			t.Error("a refunds table before any refund")
		}
		p := b.get("/events/devcon/orders/" + pending)
		if p.text("#payment-state") != "Online payment open" || p.text("#payment-time-left") != "Minutes: 10" {
			t.Errorf("pending: %q", p.text("section.order-payment"))
		}
		refused := b.post("/events/devcon/orders/"+online+"/paid", url.Values{"csrf": {csrfOf(r)}})
		if refused.status != http.StatusConflict || !strings.Contains(refused.text(".problems"), "not waiting to be paid at pick-up") {
			t.Errorf("marking an online payment paid: %d %q", refused.status, refused.text(".problems"))
		}
	})
	t.Run("fulfilment marks an order paid at pick-up, once", func(t *testing.T) {
		page := b.get("/events/devcon/orders/" + atDesk)
		if page.text("#payment-state") != "To pay at pick-up" || page.doc.Find("#mark-paid").Length() != 1 {
			t.Fatalf("before: %q", page.text("section.order-payment"))
		}
		csrf := csrfOf(page)
		if r := b.post("/events/devcon/orders/"+atDesk+"/paid", url.Values{"csrf": {"forged"}}); r.status != http.StatusForbidden {
			t.Errorf("a forged token: %d", r.status)
		}
		if stateOf(ev.ID, atDesk) != "at_pickup" {
			t.Fatal("a forged form marked the order paid")
		}
		r := b.post("/events/devcon/orders/"+atDesk+"/paid", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("mark paid: %d %s", r.status, r.text(".problems"))
		}
		after := b.get(r.header.Get("Location"))
		if after.text("#payment-state") != "Paid" || after.doc.Find("#mark-paid").Length() != 0 ||
			!strings.Contains(after.text("ol.history"), "paid at pick-up") || !strings.Contains(after.text("main"), "Marked paid at pick-up.") {
			t.Errorf("after: %q, history %q", after.text("section.order-payment"), after.text("ol.history"))
		}
		again := b.post("/events/devcon/orders/"+atDesk+"/paid", url.Values{"csrf": {csrf}})
		if again.status != http.StatusConflict {
			t.Errorf("marked twice: %d", again.status)
		}
		if n := dbtest.CountRows(t, s.adminURL, `SELECT count(*) FROM order_status_history h JOIN orders o ON o.id = h.order_id
			WHERE o.number = $1 AND h.note = 'paid at pick-up'`, atDesk); n != 1 {
			t.Errorf("%d history rows for the payment, want 1", n)
		}
		if n := dbtest.CountRows(t, s.adminURL, `SELECT count(*) FROM audit_log WHERE action = 'order_marked_paid' AND subject = $1
			AND tenant_id = $2`, atDesk, ev.ID); n != 1 {
			t.Errorf("%d audit entries, want 1", n)
		}
		if d := b.get("/events/devcon/dashboard"); d.text("#revenue-paid") != storefront.FormatMoney(2000, "EUR", "en") ||
			d.text("#revenue-at-pickup") != storefront.FormatMoney(0, "EUR", "en") {
			t.Errorf("dashboard after: paid %q, at pick-up %q", d.text("#revenue-paid"), d.text("#revenue-at-pickup"))
		}
	})
	t.Run("another event's order is not found and stays unpaid", func(t *testing.T) {
		csrf := csrfOf(b.get("/events/devcon/orders"))
		for _, path := range []string{"/events/devcon/orders/" + otherDesk + "/paid", "/events/other/orders/" + otherDesk + "/paid"} {
			if r := b.post(path, url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
				t.Errorf("POST %s: %d", path, r.status)
			}
		}
		if got := stateOf(other.ID, otherDesk); got != "at_pickup" {
			t.Errorf("the other event's order is %q", got)
		}
	})
	t.Run("marketing cannot mark orders paid", func(t *testing.T) {
		m := signedInMember(t, s)
		csrf := csrfOf(m.get("/events/devcon/settings"))
		if r := m.post("/events/devcon/orders/"+pending+"/paid", url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
			t.Errorf("marketing: %d", r.status)
		}
	})
}
