package db_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/branding"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/suppliers"
	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// messageTypes are the types of the webhook messages of an event, in the
// order they were emitted, as a superuser sees them.
func messageTypes(t *testing.T, admin string, tenantID uuid.UUID) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT type FROM webhook_messages WHERE tenant_id = $1 ORDER BY created_at, type", tenantID)
	if err != nil {
		t.Fatal(err)
	}
	types, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return types
}

// emits returns a step of a test: do, named name, must emit exactly the
// webhook messages of types want (in any order) for the event.
func emits(t *testing.T, admin string, tenantID uuid.UUID) func(name string, want []string, do func() error) {
	return func(name string, want []string, do func() error) {
		t.Helper()
		before := len(messageTypes(t, admin, tenantID))
		if err := do(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := messageTypes(t, admin, tenantID)[before:]
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%s emitted %v, want %v", name, got, want)
		}
	}
}

// TestTheHookPointsEmitTheirWebhooks: an order placed (taking an option's
// last unit), moved on by staff, cancelled, the branding published and
// the event archived each emit their message, in their transaction.
func TestTheHookPointsEmitTheirWebhooks(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	ev := newTenant(t, database, "hooked")
	endpointOf(t, database, ev.ID, "http://127.0.0.1:1/all", webhooks.Types...)
	p := addProduct(t, database, ev.ID, storefront.Product{}, intp(1), intp(5))

	step := emits(t, d.AdminURL, ev.ID)
	var o *storefront.Order
	step("an order taking the last unit", []string{webhooks.OrderPlaced, webhooks.StockSoldOut}, func() (err error) {
		o, err = database.PlaceOrder(ctx, ev.ID, orderFor("ada@example.com", p, 1))
		return err
	})
	step("an order leaving units", []string{webhooks.OrderPlaced}, func() error {
		req := orderFor("bo@example.com", p, 1)
		req.Lines[0].VariantID = p.Variants[1].ID
		_, err := database.PlaceOrder(ctx, ev.ID, req)
		return err
	})
	step("staff confirm it", []string{webhooks.OrderChanged}, func() error {
		_, err := database.ChangeOrderStatus(ctx, ev.ID, o.Number, storefront.StatusConfirmed, "", uuid.Nil)
		return err
	})
	step("the attendee cancels it", []string{webhooks.OrderCancelled}, func() error {
		_, err := database.CancelOrder(ctx, ev.ID, o.Number, "attendee")
		return err
	})
	step("staff take the last units", []string{webhooks.StockSoldOut}, func() error {
		_, err := database.AdjustStock(ctx, ev.ID, p.Variants[1].ID, -4, "counted", "staff")
		return err
	})
	step("the branding is published", []string{webhooks.EventPublished}, func() error {
		if _, err := database.SaveBrandingDraft(ctx, ev.ID, branding.Branding{Theme: "classic", Colours: branding.DefaultColours,
			Copy: map[string]branding.Copy{"en": {Title: "New"}}}); err != nil {
			return err
		}
		_, err := database.PublishBranding(ctx, ev.ID, uuid.Nil)
		return err
	})
	step("the event is archived", []string{webhooks.EventArchived}, func() error {
		_, err := database.TransitionTenant(ctx, ev.ID, []tenant.Status{tenant.StatusActive}, tenant.StatusArchived, "tenant.conflict")
		return err
	})
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_messages WHERE type = 'stock.sold_out' AND payload->>'variant_id' = $1 AND payload->'product_name'->>'en' = 'T-shirt'", p.Variants[0].ID.String()); n != 1 {
		t.Fatalf("%d sold-out messages naming the option and its product, want 1", n)
	}
}

// TestErasingAPersonForgetsTheirWebhookMessages: the messages whose data
// names the person are emptied with their orders' personal data (the
// order's id and number stay for the log); others stay as they were.
func TestErasingAPersonForgetsTheirWebhookMessages(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	ev := newTenant(t, database, "forgetful")
	endpointOf(t, database, ev.ID, "http://127.0.0.1:1/all", webhooks.OrderPlaced)
	p := addProduct(t, database, ev.ID, storefront.Product{}, nil)
	for _, who := range []string{"ada@example.com", "bo@example.com"} {
		if _, err := database.PlaceOrder(ctx, ev.ID, orderFor(who, p, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := database.ErasePerson(ctx, ev.ID, "ada@example.com", uuid.Nil); err != nil {
		t.Fatal(err)
	}
	if left := personalDataLeft(t, d.AdminURL, "ada@example.com"); len(left) != 0 {
		t.Fatalf("ada's address is still in %v", left)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_messages WHERE payload->>'email' = 'bo@example.com'"); n != 1 {
		t.Fatalf("%d messages about bo, want 1", n)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_messages WHERE (payload->>'erased')::boolean AND payload ? 'number' AND NOT payload ? 'name'"); n != 1 {
		t.Fatalf("%d emptied messages keeping the order's number, want ada's 1", n)
	}
}

// TestAnOnlinePaymentPlacesAndPaysTheOrderInItsWebhooks: an order waiting
// for its payment is not announced; the payment completing it emits
// order.placed and order.paid, once however often the payment is told.
func TestAnOnlinePaymentPlacesAndPaysTheOrderInItsWebhooks(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	ev := newTenant(t, database, "paid-hooks")
	endpointOf(t, database, ev.ID, "http://127.0.0.1:1/all", webhooks.Types...)
	hoodie := addProduct(t, database, ev.ID, storefront.Product{PriceMinor: 3500}, nil)
	database.OnlinePayments = true
	o, err := database.PlaceOrder(ctx, ev.ID, orderFor("ada@example.com", hoodie, 1))
	if err != nil || o.Status != storefront.StatusPendingPayment {
		t.Fatalf("order %+v %v, want pending_payment", o, err)
	}
	if got := messageTypes(t, d.AdminURL, ev.ID); len(got) != 0 {
		t.Fatalf("a pending payment emitted %v, want nothing", got)
	}
	paid := storefront.PaymentEvent{ID: "evt_1", Type: "checkout.session.completed", TenantID: ev.ID, OrderID: o.ID,
		PaymentIntentID: "pi_1", AmountMinor: o.TotalMinor, Currency: o.Currency}
	for range 2 {
		if _, err := database.PaymentSucceeded(ctx, paid); err != nil {
			t.Fatal(err)
		}
	}
	got := messageTypes(t, d.AdminURL, ev.ID)
	slices.Sort(got)
	if !slices.Equal(got, []string{webhooks.OrderPaid, webhooks.OrderPlaced}) {
		t.Fatalf("the payment emitted %v, want order.paid and order.placed once", got)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_messages WHERE payload->>'status' = 'placed' AND payload->>'payment_state' = 'paid'"); n != 2 {
		t.Fatalf("%d messages with the order placed and paid, want 2", n)
	}
}

// TestTheDeskAndTheSuppliersEmitTheirWebhooks: a desk payment emits
// order.paid; collecting emits order.collected (with order.paid when the
// desk takes the payment too); a supplier marking its line dispatched
// emits order.changed, once per dispatch. Another event's endpoint hears
// none of it.
func TestTheDeskAndTheSuppliersEmitTheirWebhooks(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	ev := newTenant(t, database, "desk-hooks")
	other := newTenant(t, database, "desk-hooks-other")
	endpointOf(t, database, ev.ID, "http://127.0.0.1:1/all", webhooks.Types...)
	endpointOf(t, database, other.ID, "http://127.0.0.1:1/other", webhooks.Types...)
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(50))
	staffID := uuid.New()
	place := placer(t, database, d.AdminURL, ev.ID, shirt, 1)
	step := emits(t, d.AdminURL, ev.ID)

	payLater := place("payment_state = 'at_pickup'")
	step("staff mark a pay-at-pick-up order paid", []string{webhooks.OrderPaid}, func() error {
		_, err := database.MarkPaidAtPickup(ctx, ev.ID, payLater, staffID)
		return err
	})
	step("the desk collects it", []string{webhooks.OrderCollected}, func() error {
		_, err := database.CollectOrder(ctx, ev.ID, payLater, staffID, false)
		return err
	})
	payNow := place("payment_state = 'at_pickup'")
	step("the desk takes the payment and collects", []string{webhooks.OrderCollected, webhooks.OrderPaid}, func() error {
		_, err := database.CollectOrder(ctx, ev.ID, payNow, staffID, true)
		return err
	})
	step("a second desk collecting it again", nil, func() error {
		_, err := database.CollectOrder(ctx, ev.ID, payNow, staffID, false)
		var already *storefront.AlreadyCollected
		if !errors.As(err, &already) {
			return fmt.Errorf("got %v, want already collected", err)
		}
		return nil
	})

	supplier, err := database.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "shirts", Emails: []string{"orders@shirts.test"},
		Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{shirt.ID}})
	if err != nil {
		t.Fatal(err)
	}
	shipped := place(`shipping_address = '{"country":"DE"}'`)
	step("the supplier marks its line dispatched", []string{webhooks.OrderChanged}, func() error {
		_, _, err := database.DispatchLines(ctx, ev.ID, storefront.Dispatch{SupplierID: supplier, Order: shipped, Positions: []int{0}, Note: "DHL 123", Ships: true})
		return err
	})
	step("the same line marked again", nil, func() error {
		_, n, err := database.DispatchLines(ctx, ev.ID, storefront.Dispatch{SupplierID: supplier, Order: shipped, Positions: []int{0}, Ships: true})
		if err == nil && n != 0 {
			return fmt.Errorf("%d lines marked again, want 0", n)
		}
		return nil
	})
	if got := messageTypes(t, d.AdminURL, other.ID); len(got) != 0 {
		t.Fatalf("the other event's messages %v, want none", got)
	}
}
