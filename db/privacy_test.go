package db_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/notify"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// attendee is a person who orders, with what identifies them.
type attendee struct{ name, email string }

var (
	ada   = attendee{"Ada Quillfeather", "ada.quillfeather@example.com"}
	grace = attendee{"Grace Hopperfield", "grace.hopperfield@example.com"}
	// lin orders nothing: she only waits for a sold-out size.
	lin = attendee{"Lin Okafor", "Lin.Okafor@Example.com"}
)

// privacyShop is an event that ships, with Shop's catalogue, a supplier
// who got a batch, and orders whose personal data sits in every place the
// platform keeps it: the order (name, email, free-text answers, the
// address), its line's answer, staff's note, the send log, dev's inbox,
// the supplier's list in dev's inbox, a River job's args.
type privacyShop struct {
	id   uuid.UUID
	shop dbtest.Shop
}

func newPrivacyShop(t *testing.T, d *db.DB, admin, slug string, people ...attendee) privacyShop {
	t.Helper()
	ctx := context.Background()
	ev := dbtest.Event(t, d, slug, tenant.StatusActive, branding.DefaultColours)
	p := privacyShop{id: ev.ID, shop: dbtest.NewShop(t, d, ev.ID)}
	s := storefront.DefaultSettings()
	s.Ships = true
	if err := d.SaveSettings(ctx, ev.ID, s); err != nil {
		t.Fatal(err)
	}
	sup, err := d.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Shirts Ltd", Emails: []string{"orders@shirts.test"},
		Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{p.shop.Shirt.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, who := range people {
		o := p.order(t, d, admin, who)
		listed = append(listed, who.name+","+who.email+","+o.Number)
	}
	list := "<" + uuid.NewString() + "@shop.test>"
	if _, err := d.DeliverToInbox(ctx, list, notify.Message{FromName: slug, FromAddress: "shop@shop.test", To: []string{"orders@shirts.test"},
		Subject: "Orders of " + slug, HTML: "<p>" + fmt.Sprint(listed) + "</p>", Text: fmt.Sprint(listed),
		Attachments: []notify.Attachment{{Name: "orders.csv", ContentType: "text/csv", Data: []byte(fmt.Sprint(listed))}}}); err != nil {
		t.Fatal(err)
	}
	if err := d.RecordSupplierBatch(ctx, ev.ID, sup, len(people), list); err != nil {
		t.Fatal(err)
	}
	for _, who := range people {
		p.wait(t, d, p.shop.Socks.Variants[0].ID, who)
	}
	if len(people) > 0 {
		p.offer(t, d, admin, people[0])
	}
	// Payments keep Stripe's ids and amounts, no person: the search below
	// sees these rows and must find nobody in them.
	dbtest.Exec(t, admin, `INSERT INTO payment_events (tenant_id, event_id, kind) VALUES ($1, 'evt_privacy', 'checkout.session.completed')`, ev.ID)
	return p
}

// wait puts who on the waiting list of variant.
func (p privacyShop) wait(t *testing.T, d *db.DB, variant uuid.UUID, who attendee) {
	t.Helper()
	if _, err := d.JoinWaitlist(context.Background(), p.id, variant, who.email, "en", 1); err != nil {
		t.Fatal(err)
	}
}

// offer brings one pair of socks back, which the waiting list offers to
// who (first in line), and keeps the offer's email in the send log, dev's
// inbox and a River job whose error names who.
func (p privacyShop) offer(t *testing.T, d *db.DB, admin string, who attendee) {
	t.Helper()
	ctx := context.Background()
	dbtest.Exec(t, admin, "UPDATE variants SET stock = 1 WHERE tenant_id = $1 AND id = $2", p.id, p.shop.Socks.Variants[0].ID)
	offers, err := d.OfferReturnedStock(ctx, p.id, p.shop.Socks.Variants[0].ID, nil)
	if err != nil || len(offers) != 1 || offers[0].Email != who.email {
		t.Fatalf("offers %+v (%v), want one to %s", offers, err, who.email)
	}
	msg := "<" + uuid.NewString() + "@shop.test>"
	if _, err := d.DeliverToInbox(ctx, msg, notify.Message{FromName: "Shop", FromAddress: "shop@shop.test", To: []string{who.email},
		Subject: "Socks are back for you", HTML: "<p>Hello " + who.email + "</p>", Text: "Hello " + who.email}); err != nil {
		t.Fatal(err)
	}
	if err := d.RecordEmail(ctx, p.id, notify.SentEmail{DedupKey: storefront.WaitlistOfferDedupKey(offers[0].ID), Kind: notify.KindWaitlistOffer,
		Subject: "Socks are back for you", MessageID: msg, Recipients: []string{who.email}}); err != nil {
		t.Fatal(err)
	}
	dbtest.Exec(t, admin, `INSERT INTO river_job (state, max_attempts, kind, queue, args, errors, scheduled_at)
		VALUES ('retryable', 25, 'waitlist_offer_email', 'default', $1, ARRAY[$2::jsonb], now() + interval '1 hour')`,
		fmt.Sprintf(`{"tenant_id": %q, "offer_id": %q}`, p.id, offers[0].ID),
		fmt.Sprintf(`{"at": "2026-01-01T00:00:00Z", "attempt": 1, "error": "450 <%s> try later"}`, who.email))
}

// order places who's order (a T-shirt in M printed with their name, the
// company field in their words, an address in their name), notes their
// name on a status change, and keeps the confirmation in the send log,
// dev's inbox and a finished River job.
func (p privacyShop) order(t *testing.T, d *db.DB, admin string, who attendee) *storefront.Order {
	t.Helper()
	ctx := context.Background()
	o, err := d.PlaceOrder(ctx, p.id, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: who.email, Name: who.name, Locale: "en",
		Answers: map[string]any{"company": who.name + " Engines", "consent": true},
		Address: &address.Address{Name: who.name, Line1: "1 Analytical Way", Locality: "London", PostalCode: "N1 9GU", CountryCode: "GB"},
		Lines: []storefront.Line{{ProductID: p.shop.Shirt.ID, VariantID: p.shop.Shirt.Variants[1].ID, Quantity: 1,
			Answers: map[string]any{"print_name": who.name[:3]}}, {ProductID: p.shop.Hoodie.ID, VariantID: p.shop.Hoodie.Variants[0].ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ChangeOrderStatus(ctx, p.id, o.Number, storefront.StatusConfirmed, "Handed to "+who.name+" at desk B", uuid.Nil); err != nil {
		t.Fatal(err)
	}
	msg := "<" + uuid.NewString() + "@shop.test>"
	if _, err := d.DeliverToInbox(ctx, msg, notify.Message{FromName: "Shop", FromAddress: "shop@shop.test", To: []string{who.email},
		Subject: "Your order, " + who.name, HTML: "<p>Hello " + who.name + "</p>", Text: "Hello " + who.name}); err != nil {
		t.Fatal(err)
	}
	if err := d.RecordEmail(ctx, p.id, notify.SentEmail{DedupKey: "order:" + o.Number + ":order_confirmation:1", Kind: notify.KindOrderConfirmation,
		Subject: "Your order, " + who.name, MessageID: msg, Recipients: []string{who.email}, OrderID: &o.ID}); err != nil {
		t.Fatal(err)
	}
	dbtest.Exec(t, admin, `INSERT INTO river_job (state, max_attempts, kind, queue, args, finalized_at, errors)
		VALUES ('completed', 25, 'order_email', 'default', $1, now(), ARRAY[$2::jsonb])`,
		fmt.Sprintf(`{"tenant_id": %q, "order_number": %q, "note": "for %s"}`, p.id, o.Number, who.name),
		fmt.Sprintf(`{"at": "2026-01-01T00:00:00Z", "attempt": 1, "error": "550 <%s> mailbox full"}`, who.email))
	return o
}

// personalDataLeft searches every text, character, JSON and array column
// of every table of the schema (found in information_schema, so a table
// added later is searched too) for needle, and lists where it is found,
// leaving out the rows of the events in keep: their attendees' data stays.
func personalDataLeft(t *testing.T, admin, needle string, keep ...uuid.UUID) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.table_name, c.column_name,
		EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = 'tenant_id')
		FROM information_schema.columns c JOIN information_schema.tables tb USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
		  AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	type column struct {
		table, name string
		tenanted    bool
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (c column, err error) {
		return c, r.Scan(&c.table, &c.name, &c.tenanted)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) < 50 {
		t.Fatalf("only %d columns to search: the catalog query is wrong", len(cols))
	}
	kept := make([]string, len(keep))
	for i, id := range keep {
		kept[i] = id.String()
	}
	var found []string
	for _, c := range cols {
		q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s::text ILIKE '%%' || $1 || '%%'`, pgx.Identifier{c.table}.Sanitize(), pgx.Identifier{c.name}.Sanitize())
		switch {
		case c.tenanted:
			q += ` AND (tenant_id IS NULL OR NOT tenant_id::text = ANY ($2))`
		case c.table == "river_job":
			q += ` AND NOT coalesce(args ->> 'tenant_id', '') = ANY ($2)`
		case c.table == "dev_inbox":
			q += ` AND message_id NOT IN (SELECT message_id FROM email_log WHERE tenant_id::text = ANY ($2)
				UNION SELECT message_id FROM supplier_batches WHERE tenant_id::text = ANY ($2))`
		default:
			q += ` AND cardinality($2::text[]) >= 0`
		}
		var n int
		if err := conn.QueryRow(ctx, q, needle, kept).Scan(&n); err != nil {
			t.Fatalf("%s.%s: %v", c.table, c.name, err)
		}
		if n > 0 {
			found = append(found, fmt.Sprintf("%s.%s (%d rows)", c.table, c.name, n))
		}
	}
	return found
}

// statistics are what erasure must not change: orders by status, units
// per option, totals, the supplier's batches.
func statistics(t *testing.T, admin string, id uuid.UUID) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	err = conn.QueryRow(ctx, `SELECT concat_ws(' | ',
		(SELECT string_agg(status || '=' || n, ',' ORDER BY status) FROM (SELECT status, count(*) n FROM orders WHERE tenant_id = $1 GROUP BY 1) a),
		(SELECT sum(total_minor) FROM orders WHERE tenant_id = $1),
		(SELECT string_agg(variant_label::text || '=' || q, ',' ORDER BY variant_label::text) FROM
			(SELECT variant_label, sum(quantity) q FROM order_items WHERE tenant_id = $1 GROUP BY 1) b),
		(SELECT string_agg(lines::text || '@' || message_id, ',') FROM supplier_batches WHERE tenant_id = $1),
		(SELECT count(*) FROM order_status_history WHERE tenant_id = $1))`, id).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRetentionErasesTheEventsPersonalData: after the retention period
// (an injected clock), nothing of the attendees' names and emails is left
// in any column of any table, the statistics and the supplier's batch are
// unchanged, choices survive and another event is untouched.
func TestRetentionErasesTheEventsPersonalData(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	ended := newPrivacyShop(t, database, d.AdminURL, "ended", ada, grace)
	ended.wait(t, database, ended.shop.Shirt.Variants[2].ID, lin)
	// quiet sold nothing; Lin waits for its sold-out size.
	quiet := newPrivacyShop(t, database, d.AdminURL, "quiet")
	quiet.wait(t, database, quiet.shop.Shirt.Variants[2].ID, lin)
	other := newPrivacyShop(t, database, d.AdminURL, "running", ada)
	closes := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	dbtest.Exec(t, d.AdminURL, "UPDATE tenants SET closes_at = $1 WHERE id = ANY ($2)", closes, []uuid.UUID{ended.id, quiet.id})
	before, otherBefore := statistics(t, d.AdminURL, ended.id), statistics(t, d.AdminURL, other.id)
	for _, who := range []attendee{ada, grace} {
		for _, needle := range []string{who.name, who.email} {
			if found := personalDataLeft(t, d.AdminURL, needle, other.id); len(found) < 5 {
				t.Fatalf("the fixture keeps %q in only %v", needle, found)
			}
		}
	}
	if found := personalDataLeft(t, d.AdminURL, ada.email, other.id); !slices.Contains(found, "waitlist_entries.email (1 rows)") ||
		!slices.Contains(found, "email_log.recipients (2 rows)") || !slices.Contains(found, "river_job.errors (2 rows)") {
		t.Fatalf("the fixture keeps Ada's waiting list, offer email and its job's error in %v", found)
	}
	if found := personalDataLeft(t, d.AdminURL, lin.email, other.id); !slices.Equal(found, []string{"waitlist_entries.email (2 rows)"}) {
		t.Fatalf("the fixture keeps Lin's email in %v, want her two waiting-list entries", found)
	}
	if got := stockOf(t, database, ended.id, ended.shop.Socks.Variants[0].ID); got != 0 {
		t.Fatalf("the socks offered to Ada left %d in stock, want 0 (held)", got)
	}

	t.Run("not due a minute before the period ends", func(t *testing.T) {
		due, err := database.RetentionDue(ctx, closes.AddDate(0, 0, storefront.DefaultRetentionDays).Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 0 {
			t.Fatalf("due: %v", due)
		}
		if e, err := database.EraseDueEvent(ctx, ended.id, closes.AddDate(0, 0, 89)); err != nil || len(e.Orders) != 0 {
			t.Fatalf("erased %v (%v) before the period ended", e.Orders, err)
		}
	})
	now := closes.AddDate(0, 0, storefront.DefaultRetentionDays)
	t.Run("due when it ends, only the event that closed", func(t *testing.T) {
		due, err := database.RetentionDue(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		want := []uuid.UUID{ended.id, quiet.id}
		slices.SortFunc(want, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
		if !slices.Equal(due, want) {
			t.Fatalf("due: %v, want the events that closed, %v (quiet has only a waiting list)", due, want)
		}
	})
	e, err := database.EraseDueEvent(ctx, ended.id, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Orders) != 2 || e.WaitlistEntries != 3 {
		t.Fatalf("erased %v and %d waiting-list entries, want both orders and three entries", e.Orders, e.WaitlistEntries)
	}
	if e, err := database.EraseDueEvent(ctx, quiet.id, now); err != nil || len(e.Orders) != 0 || e.WaitlistEntries != 1 {
		t.Fatalf("the quiet event: erased %+v (%v), want Lin's entry", e, err)
	}
	t.Run("the socks held for Ada are back on sale", func(t *testing.T) {
		if got := stockOf(t, database, ended.id, ended.shop.Socks.Variants[0].ID); got != 1 {
			t.Errorf("socks in stock %d, want 1", got)
		}
	})
	t.Run("no name or email left in any table", func(t *testing.T) {
		for _, who := range []attendee{ada, grace, lin} {
			for _, needle := range []string{who.name, who.email, who.name[:3] + "\""} {
				if found := personalDataLeft(t, d.AdminURL, needle, other.id); len(found) > 0 {
					t.Errorf("%q is still in %v", needle, found)
				}
			}
		}
	})
	t.Run("statistics and the supplier's batch are unchanged", func(t *testing.T) {
		if got := statistics(t, d.AdminURL, ended.id); got != before {
			t.Errorf("statistics changed:\n%s\nwas\n%s", got, before)
		}
	})
	t.Run("choices and the country stay", func(t *testing.T) {
		o, err := database.OrderByNumber(ctx, ended.id, e.Orders[0])
		if err != nil {
			t.Fatal(err)
		}
		if o.Answers["consent"] != true || o.Answers["company"] != nil || o.Address == nil || o.Address.CountryCode != "GB" || o.ErasedAt == nil {
			t.Errorf("erased order: answers %v, address %+v, erased at %v", o.Answers, o.Address, o.ErasedAt)
		}
	})
	t.Run("the other event is untouched", func(t *testing.T) {
		if got := statistics(t, d.AdminURL, other.id); got != otherBefore {
			t.Errorf("the other event's statistics changed: %s, was %s", got, otherBefore)
		}
		for _, needle := range []string{ada.name, ada.email} {
			if found := personalDataLeft(t, d.AdminURL, needle); len(found) < 5 {
				t.Errorf("the other event keeps %q in only %v", needle, found)
			}
		}
	})
	t.Run("the audit entry names the system and counts the orders", func(t *testing.T) {
		if n := dbtest.CountRows(t, d.AdminURL, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = $2
			AND actor_staff_id IS NULL AND (detail->>'count')::int = 2`, ended.id, staff.ActionRetentionErased); n != 1 {
			t.Errorf("%d retention audit entries", n)
		}
		if n := dbtest.CountRows(t, d.AdminURL, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = $2
			AND (detail->>'count')::int = 0 AND (detail->>'waitlist_entries')::int = 1`, quiet.id, staff.ActionRetentionErased); n != 1 {
			t.Errorf("%d retention audit entries for the quiet event's waiting list", n)
		}
	})
	t.Run("a second run finds nothing to do", func(t *testing.T) {
		due, err := database.RetentionDue(ctx, now.AddDate(1, 0, 0))
		if err != nil || len(due) != 0 {
			t.Fatalf("due again: %v (%v)", due, err)
		}
	})
}

// TestErasingOnePersonLeavesEveryoneElse: staff erase Ada's data in one
// event by her email; Grace's order in that event and Ada's order in
// another event keep theirs, and the audit entry names the staff member.
func TestErasingOnePersonLeavesEveryoneElse(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	ev := newPrivacyShop(t, database, d.AdminURL, "devcon", ada, grace)
	ev.wait(t, database, ev.shop.Shirt.Variants[2].ID, lin)
	other := newPrivacyShop(t, database, d.AdminURL, "otherconf", ada)
	other.wait(t, database, other.shop.Shirt.Variants[2].ID, lin)
	before := statistics(t, d.AdminURL, ev.id)
	actor := uuid.New()

	t.Run("a malformed or unknown email is refused on its field", func(t *testing.T) {
		for _, email := range []string{"", "no-at-sign", "nobody@example.com", "a@b\x00c"} {
			_, err := database.ErasePerson(ctx, ev.id, email, actor)
			if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != "email" {
				t.Errorf("%q: %v", email, err)
			}
		}
	})
	e, err := database.ErasePerson(ctx, ev.id, "  ADA.Quillfeather@example.com ", actor)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Orders) != 1 || e.WaitlistEntries != 1 {
		t.Fatalf("erased %v and %d waiting-list entries, want Ada's one order and her place", e.Orders, e.WaitlistEntries)
	}
	t.Run("the socks held for Ada are back on sale; Grace still waits", func(t *testing.T) {
		if got := stockOf(t, database, ev.id, ev.shop.Socks.Variants[0].ID); got != 1 {
			t.Errorf("socks in stock %d, want 1", got)
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM waitlist_entries WHERE tenant_id = $1 AND state = 'waiting'", ev.id); n != 2 {
			t.Errorf("%d waiting, want Grace and Lin", n)
		}
	})
	t.Run("Ada's name and email are gone from the event", func(t *testing.T) {
		for _, needle := range []string{ada.name, ada.email} {
			if found := personalDataLeft(t, d.AdminURL, needle, other.id); len(found) > 0 {
				t.Errorf("%q is still in %v", needle, found)
			}
		}
	})
	t.Run("Grace keeps hers", func(t *testing.T) {
		for _, needle := range []string{grace.name, grace.email} {
			if found := personalDataLeft(t, d.AdminURL, needle, other.id); len(found) < 5 {
				t.Errorf("%q is left only in %v", needle, found)
			}
		}
	})
	t.Run("Ada's order in the other event keeps hers", func(t *testing.T) {
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM orders WHERE tenant_id = $1 AND name = $2 AND email = $3", other.id, ada.name, ada.email); n != 1 {
			t.Errorf("%d of Ada's orders left in the other event", n)
		}
	})
	t.Run("statistics are unchanged", func(t *testing.T) {
		if got := statistics(t, d.AdminURL, ev.id); got != before {
			t.Errorf("statistics changed:\n%s\nwas\n%s", got, before)
		}
	})
	t.Run("the audit entry names who erased, never the person", func(t *testing.T) {
		if n := dbtest.CountRows(t, d.AdminURL, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = $2 AND actor_staff_id = $3
			AND detail->'orders' = to_jsonb($4::text[])`, ev.id, staff.ActionPersonErased, actor, e.Orders); n != 1 {
			t.Errorf("%d audit entries naming the actor and the order", n)
		}
	})
	t.Run("Lin, only on a waiting list, is erased too", func(t *testing.T) {
		e, err := database.ErasePerson(ctx, ev.id, "lin.okafor@example.com", actor)
		if err != nil || len(e.Orders) != 0 || e.WaitlistEntries != 1 {
			t.Fatalf("erased %+v (%v), want Lin's one entry", e, err)
		}
		if found := personalDataLeft(t, d.AdminURL, lin.email, other.id); len(found) > 0 {
			t.Errorf("Lin's email is still in %v", found)
		}
		if found := personalDataLeft(t, d.AdminURL, lin.email); len(found) != 1 {
			t.Errorf("Lin's place in the other event: %v", found)
		}
		if n := dbtest.CountRows(t, d.AdminURL, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = $2 AND actor_staff_id = $3
			AND detail->'orders' = '[]'::jsonb AND (detail->>'waitlist_entries')::int = 1`, ev.id, staff.ActionPersonErased, actor); n != 1 {
			t.Errorf("%d audit entries for Lin's erasure", n)
		}
		if _, err := database.ErasePerson(ctx, ev.id, lin.email, actor); marquee.ErrorCode(err) != marquee.EINVALID {
			t.Errorf("Lin's second erasure: %v", err)
		}
	})
	t.Run("asking again finds no order", func(t *testing.T) {
		if _, err := database.ErasePerson(ctx, ev.id, ada.email, actor); marquee.ErrorCode(err) != marquee.EINVALID {
			t.Errorf("second erasure: %v", err)
		}
	})
}
