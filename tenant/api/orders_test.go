package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"marquee/db/dbtest"
	"marquee/storefront"
)

func TestOrdersAPI(t *testing.T) {
	f := newDeskFixture(t)
	var placed []*storefront.Order
	for _, name := range []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"} {
		placed = append(placed, dbtest.PlaceOrder(t, f.db, f.ev.ID, f.shirt, 1, name))
	}
	foreign := dbtest.PlaceOrder(t, f.db, f.other.ID, f.otherShirt, 0, "Someone Else")
	base := "/api/v1/events/berlin/orders"

	t.Run("the list pages through every order, newest first, by cursor", func(t *testing.T) {
		first := f.api(http.MethodGet, base+"?limit=2", f.token, "")
		if first.status != 200 || len(first.data()) != 2 || first.nextCursor() == "" {
			t.Fatalf("first page: %d, %d orders, cursor %q", first.status, len(first.data()), first.nextCursor())
		}
		if got := first.data()[0]["number"]; got != placed[2].Number {
			t.Errorf("the newest order first: %v, want %s", got, placed[2].Number)
		}
		second := f.api(http.MethodGet, base+"?limit=2&cursor="+first.nextCursor(), f.token, "")
		if len(second.data()) != 1 || second.data()[0]["number"] != placed[0].Number || second.body["next_cursor"] != nil {
			t.Errorf("second page: %v, cursor %v", second.data(), second.body["next_cursor"])
		}
	})
	t.Run("the console's filters filter the list", func(t *testing.T) {
		r := f.api(http.MethodGet, base+"?q="+url.QueryEscape("grace"), f.token, "")
		if len(r.data()) != 1 || r.data()[0]["name"] != "Grace Hopper" {
			t.Errorf("q=grace: %v", r.data())
		}
		r = f.api(http.MethodGet, base+"?status=cancelled", f.token, "")
		if r.status != 200 || len(r.data()) != 0 {
			t.Errorf("status=cancelled: %d %v", r.status, r.data())
		}
		r = f.api(http.MethodGet, base+"?variant="+f.shirt.Variants[1].ID.String()+"&payment=at_pickup", f.token, "")
		if len(r.data()) != 3 {
			t.Errorf("variant M, to pay at pick-up: %d orders, want 3", len(r.data()))
		}
	})
	t.Run("a filter's bad value is refused naming its parameter", func(t *testing.T) {
		for query, field := range map[string]string{"status=shipped": "status", "payment=cash": "payment", "product=nope": "product",
			"from=2027-13-01": "from", "until=tomorrow": "until", "limit=0": "limit", "limit=201": "limit", "cursor=%21%21": "cursor",
			"cursor=bm9wZQ": "cursor"} {
			if r := f.api(http.MethodGet, base+"?"+query, f.token, ""); r.status != 400 || r.errorField() != field {
				t.Errorf("%s: %d on %q, want 400 on %q", query, r.status, r.errorField(), field)
			}
		}
	})
	t.Run("an order shows with its lines and history", func(t *testing.T) {
		r := f.api(http.MethodGet, base+"/"+placed[0].Number, f.token, "")
		o := r.object("order")
		items, _ := o["items"].([]any)
		if r.status != 200 || o["number"] != placed[0].Number || o["email"] != "buyer@example.com" || len(items) != 1 {
			t.Fatalf("%d %v", r.status, o)
		}
		if item := items[0].(map[string]any); item["variant_id"] != f.shirt.Variants[1].ID.String() || item["quantity"] != 1.0 {
			t.Errorf("the line: %v", item)
		}
	})
	t.Run("another event's order is not found, and not changed", func(t *testing.T) {
		for _, r := range []apiResponse{
			f.api(http.MethodGet, base+"/"+foreign.Number, f.token, ""),
			f.api(http.MethodPost, base+"/"+foreign.Number+"/status", f.token, `{"status":"confirmed"}`),
			f.api(http.MethodPost, base+"/"+foreign.Number+"/cancel", f.token, ""),
			f.api(http.MethodPost, base+"/"+foreign.Number+"/mark-paid", f.token, ""),
		} {
			if r.status != 404 {
				t.Errorf("another event's order: %d, want 404", r.status)
			}
		}
		if o, _ := f.db.OrderByNumber(t.Context(), f.other.ID, foreign.Number); o.Status != storefront.StatusPlaced || o.PaymentState != storefront.PaymentAtPickup {
			t.Errorf("another event's order became %s, %s", o.Status, o.PaymentState)
		}
	})
	t.Run("staff moves go through the console's rules", func(t *testing.T) {
		r := f.api(http.MethodPost, base+"/"+placed[0].Number+"/status", f.token, `{"status":"ready_for_pickup","note":"Desk 3"}`)
		if r.status != 200 || r.object("order")["status"] != "ready_for_pickup" {
			t.Fatalf("to ready for pick-up: %d %v", r.status, r.body)
		}
		r = f.api(http.MethodPost, base+"/"+placed[0].Number+"/status", f.token, `{"status":"delivered"}`)
		if r.status != 409 || r.errorField() != "status" {
			t.Errorf("ready to delivered: %d on %q, want 409 on status", r.status, r.errorField())
		}
		r = f.api(http.MethodPost, base+"/"+placed[0].Number+"/status", f.token, `{"status":"lost"}`)
		if r.status != 422 || r.errorField() != "status" {
			t.Errorf("an unknown status: %d on %q, want 422 on status", r.status, r.errorField())
		}
		if r = f.api(http.MethodPost, base+"/"+placed[0].Number+"/status", f.token, `{"status":"collected","sent_by":"x"}`); r.status != 400 || r.errorField() != "sent_by" {
			t.Errorf("an unknown field: %d on %q", r.status, r.errorField())
		}
		o, err := f.db.OrderByNumber(t.Context(), f.ev.ID, placed[0].Number)
		if err != nil || o.Status != storefront.StatusReadyForPickup || o.History[len(o.History)-1].Note != "Desk 3" {
			t.Errorf("stored: %v %+v", err, o)
		}
	})
	t.Run("an order to pay at pick-up is marked paid once", func(t *testing.T) {
		r := f.api(http.MethodPost, base+"/"+placed[0].Number+"/mark-paid", f.token, "")
		if r.status != 200 || r.object("order")["payment_state"] != "paid" {
			t.Fatalf("mark paid: %d %v", r.status, r.body)
		}
		if r = f.api(http.MethodPost, base+"/"+placed[0].Number+"/mark-paid", f.token, ""); r.status != 409 {
			t.Errorf("marked paid twice: %d, want 409", r.status)
		}
	})
	t.Run("cancelling returns the stock", func(t *testing.T) {
		dbtest.Exec(t, f.adminURL, "UPDATE variants SET stock = 5 WHERE id = $1", f.shirt.Variants[1].ID)
		r := f.api(http.MethodPost, base+"/"+placed[1].Number+"/cancel", f.token, `{"note":"asked by phone"}`)
		if r.status != 200 || r.object("order")["status"] != "cancelled" {
			t.Fatalf("cancel: %d %v", r.status, r.body)
		}
		if n := countRows(t, f.adminURL, "SELECT stock FROM variants WHERE id = $1", f.shirt.Variants[1].ID); n != 6 {
			t.Errorf("stock 5 before, %d after, want 6", n)
		}
		if r = f.api(http.MethodPost, base+"/"+placed[1].Number+"/cancel", f.token, ""); r.status != 409 {
			t.Errorf("cancelled twice: %d, want 409", r.status)
		}
	})
	t.Run("the export is the console's CSV, or the same columns as JSON", func(t *testing.T) {
		csv := f.raw(base+"/export?status=placed", f.token)
		lines := strings.Split(strings.TrimSpace(csv.body), "\n")
		if csv.status != 200 || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || len(lines) != 2 ||
			!strings.HasPrefix(lines[0], "order,placed_at,status,name,email,product,variant") || !strings.HasPrefix(lines[1], placed[2].Number+",") {
			t.Fatalf("CSV: %d %q\n%s", csv.status, csv.header.Get("Content-Type"), csv.body)
		}
		js := f.raw(base+"/export?format=json", f.token)
		var rows []map[string]string
		if err := json.Unmarshal([]byte(js.body), &rows); err != nil || len(rows) != 3 {
			t.Fatalf("JSON: %v, %d rows\n%s", err, len(rows), js.body)
		}
		if rows[0]["order"] != placed[0].Number || rows[0]["variant"] != "M" || rows[0]["quantity"] != "1" || rows[0]["status"] != "ready_for_pickup" {
			t.Errorf("the first row: %v", rows[0])
		}
		if r := f.raw(base+"/export?format=xlsx", f.token); r.status != 400 || !strings.Contains(r.body, `"field":"format"`) {
			t.Errorf("format=xlsx: %d %s", r.status, r.body)
		}
		if n := countRows(t, f.adminURL, "SELECT count(*) FROM audit_log WHERE action = 'orders_exported' AND tenant_id = $1", f.ev.ID); n != 2 {
			t.Errorf("%d exports in the audit log, want 2", n)
		}
	})
}
