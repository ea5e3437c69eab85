package dbtest

import (
	"context"
	"log/slog"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/branding"
	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// The rows the handler tests of every web package and the end-to-end
// tests start from, and the ways they read rows back.

// Password is the password of the staff members Member creates.
const Password = "correct horse battery"

// Event provisions an event in English (its default) and German whose
// titles say "Welcome to SLUG" and "Willkommen bei SLUG", with status and
// colours.
func Event(t testing.TB, d *db.DB, slug string, status tenant.Status, colours branding.Colours) *tenant.Tenant {
	t.Helper()
	ctx := context.Background()
	ev, err := d.CreateTenant(ctx,
		tenant.Tenant{Slug: slug, Name: "Name of " + slug, Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"}},
		branding.Branding{Theme: "classic", Colours: colours, Copy: map[string]branding.Copy{
			"en": {Title: "Welcome to " + slug, Tagline: "English tagline"},
			"de": {Title: "Willkommen bei " + slug, Tagline: "Deutscher Untertitel"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if status != tenant.StatusActive {
		if ev, err = d.SetTenantStatus(ctx, ev.ID, status); err != nil {
			t.Fatal(err)
		}
	}
	return ev
}

// Member creates a staff member with Password, a platform admin or not,
// and with role on ev unless ev is nil.
func Member(t testing.TB, s *db.StaffStore, email, name string, platformAdmin bool, ev *tenant.Tenant, role staff.Role) staff.Staff {
	t.Helper()
	ctx := context.Background()
	st, err := s.CreateStaff(ctx, email, name, platformAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, st.ID, Password, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if ev != nil {
		if err := s.SetRole(ctx, st.ID, ev.ID, st.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// Shop is the catalogue of the order tests: a T-shirt of at most one an
// attendee in S and M (5 each) and XL (none left), a hoodie at 35.00 in one
// size, socks sold out; and the order form's fields company, consent
// (required) and, per item, print_name (12 characters at most).
type Shop struct {
	Shirt, Hoodie, Socks storefront.Product
}

// NewShop adds Shop's catalogue and form fields to event id.
func NewShop(t testing.TB, d *db.DB, id uuid.UUID) Shop {
	t.Helper()
	ctx := context.Background()
	add := func(p storefront.Product) storefront.Product {
		p.Visible = true
		out, err := d.AddProduct(ctx, id, p)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	stock := func(n int) *int { return &n }
	var sh Shop
	sh.Shirt = add(storefront.Product{Name: storefront.Text{"en": "T-shirt", "de": "T-Shirt"}, Position: 1, MaxPerAttendee: 1,
		Variants: []storefront.Variant{
			{Label: storefront.Text{"en": "S"}, Position: 1, Stock: stock(5)},
			{Label: storefront.Text{"en": "M"}, Position: 2, Stock: stock(5)},
			{Label: storefront.Text{"en": "XL"}, Position: 3, Stock: stock(0)},
		}})
	sh.Hoodie = add(storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Position: 2, PriceMinor: 3500,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}})
	sh.Socks = add(storefront.Product{Name: storefront.Text{"en": "Socks"}, Position: 3, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Pair"}, Stock: stock(0)}}})
	for _, f := range []form.Field{
		{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Company", "de": "Firma"}, Position: 1},
		{Key: "consent", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Required: true, Label: map[string]string{"en": "I agree to the terms", "de": "Ich stimme zu"}, Position: 2},
		{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText, MaxLength: 12, Label: map[string]string{"en": "Name to print", "de": "Aufdruck"}, Position: 1},
	} {
		if err := d.AddFormField(ctx, id, f); err != nil {
			t.Fatal(err)
		}
	}
	return sh
}

// ValidOrder is form, the order form's hidden values, filled in as a
// complete order: a T-shirt in M printed "ADA" and a hoodie, by Ada
// Lovelace, consenting, placed.
func (sh Shop) ValidOrder(form url.Values) url.Values {
	form.Set("line.0.variant", sh.Shirt.Variants[1].ID.String())
	form.Set("line.0.quantity", "1")
	form.Set("item.0.print_name", "ADA")
	form.Set("line.1.quantity", "1")
	form.Set("name", "Ada Lovelace")
	form.Set("email", "Ada@Example.com")
	form.Set("consent", "on")
	form.Set("action", "place")
	return form
}

// SizedProduct adds a visible product at 30.00 in S, M and L to event id.
func SizedProduct(t testing.TB, d *db.DB, id uuid.UUID, name string) storefront.Product {
	t.Helper()
	p, err := d.AddProduct(context.Background(), id, storefront.Product{Name: storefront.Text{"en": name}, Visible: true, PriceMinor: 3000,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "S"}, Position: 1}, {Label: storefront.Text{"en": "M"}, Position: 2},
			{Label: storefront.Text{"en": "L"}, Position: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// PlaceOrder places an order by name (buyer@example.com, in English) of
// one of variant of p for event id.
func PlaceOrder(t testing.TB, d *db.DB, id uuid.UUID, p storefront.Product, variant int, name string) *storefront.Order {
	t.Helper()
	o, err := d.PlaceOrder(context.Background(), id, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "buyer@example.com",
		Name: name, Locale: "en", Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[variant].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// PlaceLine places an order by a buyer of its own (a random address,
// named Buyer, in English) of qty of variant of p for event id.
func PlaceLine(t testing.TB, d *db.DB, id uuid.UUID, p storefront.Product, variant, qty int) *storefront.Order {
	t.Helper()
	o, err := d.PlaceOrder(context.Background(), id, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: uuid.NewString()[:8] + "@example.com",
		Name: "Buyer", Locale: "en", Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[variant].ID, Quantity: qty}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// OrderFor is an order by buyer@example.com of one of the first variant of
// the product of cat named name in English (no lines: no such product).
func OrderFor(cat storefront.Catalogue, name string) storefront.OrderRequest {
	for _, p := range cat.Products {
		if p.Name["en"] == name {
			return storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "buyer@example.com", Name: "Buyer", Locale: "en",
				Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: 1}}}
		}
	}
	return storefront.OrderRequest{}
}

// Exec runs a statement on url: Database.AdminURL to change what the
// application may not (drop a trigger, break a table).
func Exec(t testing.TB, url, sql string, args ...any) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// EventID is the id of the event named slug.
func EventID(t testing.TB, d *db.DB, slug string) uuid.UUID {
	t.Helper()
	ev, err := d.TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ev.ID
}

// CountIn answers a count query as the application, inside event id.
func CountIn(t testing.TB, d *db.DB, id uuid.UUID, query string, args ...any) int {
	t.Helper()
	var n int
	err := d.InTenant(context.Background(), id, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), query, args...).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// CountRows answers a count query on url: Database.AdminURL to count past
// row-level security.
func CountRows(t testing.TB, url, query string, args ...any) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// WaitFor polls cond until it holds, failing the test after within: for
// what workers and change listeners write after a request has answered
// (rows, emails, caches).
func WaitFor(t testing.TB, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// FollowChanges keeps an event resolver and a sites cache in step with
// the database's change notifications, as serve does, until ctx is done:
// run it beside a served app (webtest.Serve).
func FollowChanges(d *db.DB, log *slog.Logger, resolver *tenant.Resolver, sites *storefront.Sites) func(ctx context.Context) {
	return func(ctx context.Context) {
		d.ListenTenantChanges(ctx, log, db.Forget(resolver, sites))
	}
}

// QueryCounter counts the queries a pool sends, a batch (an order's) as
// one: the round trips. Pass it as db.Options's Tracer.
type QueryCounter struct{ N atomic.Int64 }

// TraceBatchStart counts a batch.
func (q *QueryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	q.N.Add(1)
	return ctx
}

// TraceBatchQuery does nothing.
func (q *QueryCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd does nothing.
func (q *QueryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TraceQueryStart counts a query.
func (q *QueryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.N.Add(1)
	return ctx
}

// TraceQueryEnd does nothing.
func (q *QueryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
