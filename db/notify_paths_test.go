package db_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/storefront/suppliers"
	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// TestEveryWritePathReachesAnotherProcess: no trigger tells the replicas
// of a change any more (migration 00024), so each write path of what
// their caches hold sends the notification itself. A second process
// (a replica: its own pool, resolver, sites and listener) sees each
// change; a change of stock alone is applied to its Site in place.
func TestEveryWritePathReachesAnotherProcess(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	w := d.Open(t, db.Options{})
	ev := newTenant(t, w, "paths")
	shirt := addProduct(t, w, ev.ID, storefront.Product{}, intp(1))
	rep := startReplica(t, d.OwnerURL)
	const host = "paths.shop.test"
	do := func(t *testing.T, write func() error) {
		t.Helper()
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	// changed writes and waits until the replica heard of the event's
	// change and cond holds of what it holds.
	changed := func(t *testing.T, write func() error, what string, cond func(replicaView) bool) replicaView {
		t.Helper()
		before := rep.view(t, host, ev.ID)
		do(t, write)
		return rep.waitFor(t, host, ev.ID, what, func(v replicaView) bool { return v.Changed > before.Changed && cond(v) })
	}
	any := func(replicaView) bool { return true }
	products := func(want ...string) func(replicaView) bool {
		return func(v replicaView) bool { return slices.Equal(v.Products, want) }
	}
	fields := func(want ...string) func(replicaView) bool {
		return func(v replicaView) bool { return slices.Equal(v.Fields, want) }
	}

	t.Run("branding", func(t *testing.T) {
		b, _, err := w.BrandingDraft(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.Colours.Primary = "#003366"
		changed(t, func() error { _, err := w.SaveBrandingDraft(ctx, ev.ID, b); return err }, "the draft saved", func(v replicaView) bool { return v.Primary != "#003366" })
		changed(t, func() error { _, err := w.PublishBranding(ctx, ev.ID, uuid.Nil); return err }, "the published colour", func(v replicaView) bool { return v.Primary == "#003366" })
	})
	t.Run("settings", func(t *testing.T) {
		s, err := w.Settings(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.PickupPlace = "Hall B"
		changed(t, func() error { return w.SaveSettings(ctx, ev.ID, s) }, "the pickup place", func(v replicaView) bool { return v.Pickup == "Hall B" })
	})
	t.Run("catalogue", func(t *testing.T) {
		const shirtLine = `T-shirt visible=true image="": Size 0`
		mug, err := w.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Mug"}, Visible: true, Position: 1,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "One"}}}})
		if err != nil {
			t.Fatal(err)
		}
		rep.waitFor(t, host, ev.ID, "the new product", products(shirtLine, `Mug visible=true image="": One`))
		mug.Name = storefront.Text{"en": "Big mug"}
		changed(t, func() error { return w.UpdateProduct(ctx, ev.ID, mug) }, "the renamed product", products(shirtLine, `Big mug visible=true image="": One`))
		changed(t, func() error { return w.SetProductVisible(ctx, ev.ID, mug.ID, false) }, "the hidden product",
			func(v replicaView) bool {
				return !slices.ContainsFunc(v.Products, func(p string) bool { return strings.HasPrefix(p, "Big mug visible=true") })
			})
		do(t, func() error { return w.SetProductVisible(ctx, ev.ID, mug.ID, true) })
		changed(t, func() error { return w.SetProductImage(ctx, ev.ID, mug.ID, "mug.png") }, "the picture", products(shirtLine, `Big mug visible=true image="mug.png": One`))
		changed(t, func() error { return w.MoveProduct(ctx, ev.ID, mug.ID, true) }, "the new order", products(`Big mug visible=true image="mug.png": One`, shirtLine))
		changed(t, func() error {
			return w.AddVariants(ctx, ev.ID, mug.ID, []storefront.Variant{{Label: storefront.Text{"en": "Two"}}})
		}, "the added option", products(`Big mug visible=true image="mug.png": One Two`, shirtLine))
		changed(t, func() error {
			return w.UpdateVariant(ctx, ev.ID, mug.Variants[0].ID, storefront.Text{"en": "First"}, nil)
		}, "the renamed option",
			products(`Big mug visible=true image="mug.png": First Two`, shirtLine))
		changed(t, func() error { return w.DeleteVariant(ctx, ev.ID, mug.Variants[0].ID) }, "the option gone", products(`Big mug visible=true image="mug.png": Two`, shirtLine))
		changed(t, func() error { return w.DeleteProduct(ctx, ev.ID, mug.ID) }, "the product gone", products(shirtLine))
	})
	t.Run("order form", func(t *testing.T) {
		team := form.Field{Key: "team", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Team"}}
		diet := form.Field{Key: "diet", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Diet"}, Position: 1}
		changed(t, func() error { return w.AddFormField(ctx, ev.ID, team) }, "the field", fields(`team "Team"`))
		do(t, func() error { return w.AddFormField(ctx, ev.ID, diet) })
		team.Label = map[string]string{"en": "Squad"}
		changed(t, func() error { return w.UpdateFormField(ctx, ev.ID, team) }, "the new label", fields(`team "Squad"`, `diet "Diet"`))
		changed(t, func() error { return w.MoveFormField(ctx, ev.ID, "diet", true) }, "the new order", fields(`diet "Diet"`, `team "Squad"`))
		changed(t, func() error { return w.RemoveFormField(ctx, ev.ID, "team") }, "the field gone", fields(`diet "Diet"`))
	})
	t.Run("stock of an order, a cancellation and an adjustment, in place", func(t *testing.T) {
		soldOut := func(want bool) func(replicaView) bool {
			return func(v replicaView) bool {
				return slices.Contains(v.Products, `T-shirt visible=true image="": Size 0 (sold out)`) == want
			}
		}
		site := rep.waitFor(t, host, ev.ID, "the shirt in stock", soldOut(false))
		stocked := func(t *testing.T, write func() error, what string, want bool) {
			t.Helper()
			before := rep.view(t, host, ev.ID)
			do(t, write)
			v := rep.waitFor(t, host, ev.ID, what, func(v replicaView) bool { return v.Stock > before.Stock && soldOut(want)(v) })
			if v.Site != site.Site || v.Changed != before.Changed {
				t.Errorf("the replica reloaded the event (site %s, was %s; %d changes heard, were %d)", v.Site, site.Site, v.Changed, before.Changed)
			}
		}
		var order *storefront.Order
		stocked(t, func() (err error) {
			order, err = w.PlaceOrder(ctx, ev.ID, orderFor("ada@example.com", shirt, 1))
			return err
		}, "the last shirt sold", true)
		stocked(t, func() error { _, err := w.CancelOrder(ctx, ev.ID, order.Number, "attendee"); return err }, "the shirt back", false)
		stocked(t, func() error {
			_, err := w.AdjustStock(ctx, ev.ID, shirt.Variants[0].ID, -1, "stained", "staff")
			return err
		}, "the shirt taken out", true)
	})
	t.Run("domains", func(t *testing.T) {
		const custom = "shop.example.org"
		resolves := func(v replicaView) bool { return v.Error == "" && v.Name == ev.Name }
		changed(t, func() error { _, err := w.AddCustomDomain(ctx, ev.ID, custom); return err }, "the pending domain", any)
		if v := rep.view(t, custom, ev.ID); v.Error == "" {
			t.Fatalf("an unverified domain resolves: %+v", v)
		}
		changed(t, func() error { _, err := w.MarkDomainVerified(ctx, ev.ID, custom); return err }, "the verified domain", any)
		rep.waitFor(t, custom, ev.ID, "the domain resolving", resolves)
		changed(t, func() error { _, err := w.MarkDomainFailed(ctx, ev.ID, custom, "domain.dns_missing"); return err }, "the failed check", any)
		changed(t, func() error { return w.RemoveDomain(ctx, ev.ID, custom) }, "the domain gone", any)
		rep.waitFor(t, custom, ev.ID, "the domain unknown", func(v replicaView) bool { return v.Error != "" })
		changed(t, func() error { return w.AddDomain(ctx, ev.ID, custom, true) }, "the domain added verified", any)
		rep.waitFor(t, custom, ev.ID, "the domain resolving again", resolves)
	})
	t.Run("the event", func(t *testing.T) {
		closes := time.Date(2030, 5, 1, 18, 0, 0, 0, time.UTC)
		changed(t, func() error { _, err := w.RenameTenant(ctx, ev.ID, "Renamed"); return err }, "the new name", func(v replicaView) bool { return v.Name == "Renamed" })
		changed(t, func() error { _, err := w.SetTenantClosesAt(ctx, ev.ID, &closes); return err }, "the close date",
			func(v replicaView) bool { return v.ClosesAt == "2030-05-01T18:00:00Z" })
		changed(t, func() error { _, err := w.SetTenantStatus(ctx, ev.ID, tenant.StatusSuspended); return err }, "the suspension",
			func(v replicaView) bool { return v.Status == string(tenant.StatusSuspended) })
		changed(t, func() error {
			_, err := w.TransitionTenant(ctx, ev.ID, []tenant.Status{tenant.StatusSuspended}, tenant.StatusActive, "tenant.conflict")
			return err
		}, "the reopening", func(v replicaView) bool { return v.Status == string(tenant.StatusActive) })
	})
	t.Run("an event created after a remembered miss, and deleted", func(t *testing.T) {
		const fresh = "fresh.shop.test"
		if v := rep.view(t, fresh, uuid.Nil); v.Error == "" {
			t.Fatalf("an event that does not exist resolves: %+v", v)
		}
		created := newTenant(t, w, "fresh")
		rep.waitFor(t, fresh, created.ID, "the new event", func(v replicaView) bool { return v.Error == "" && v.Changed > 0 })
		do(t, func() error { _, err := w.SetTenantStatus(ctx, created.ID, tenant.StatusArchived); return err })
		before := rep.view(t, fresh, created.ID)
		do(t, func() error { return w.DeleteArchivedTenant(ctx, created.ID) })
		rep.waitFor(t, fresh, created.ID, "the event gone", func(v replicaView) bool { return v.Error != "" && v.Changed > before.Changed })
	})
}

// TestARolledBackChangeNotifiesNothing: a change that rolls back after
// its statements told the replicas (a stock statement, the first
// statement of a changing transaction, an event's TenantChanged) is never
// heard; the next change that commits is.
func TestARolledBackChangeNotifiesNothing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	w := d.Open(t, db.Options{})
	failing := d.Open(t, db.Options{})
	failing.Events = failingHook{}
	ev := newTenant(t, w, "rolled")
	shirt := addProduct(t, w, ev.ID, storefront.Product{}, intp(3))
	order, err := w.PlaceOrder(ctx, ev.ID, orderFor("ada@example.com", shirt, 1))
	if err != nil {
		t.Fatal(err)
	}
	rep := startReplica(t, d.OwnerURL)
	const host = "rolled.shop.test"
	before := rep.waitFor(t, host, ev.ID, "the event", func(v replicaView) bool { return v.Error == "" })

	if _, err := failing.CancelOrder(ctx, ev.ID, order.Number, "attendee"); !errors.Is(err, errHook) {
		t.Fatalf("the cancellation: %v, want the hook's error", err)
	}
	closes := time.Date(2030, 5, 1, 18, 0, 0, 0, time.UTC)
	if _, err := failing.SetTenantClosesAt(ctx, ev.ID, &closes); !errors.Is(err, errHook) {
		t.Fatalf("the close date: %v, want the hook's error", err)
	}
	err = w.InTenantChanging(ctx, ev.ID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE products SET visible = false WHERE id = $1", shirt.ID); err != nil {
			return err
		}
		return errHook
	})
	if !errors.Is(err, errHook) {
		t.Fatalf("the hidden product: %v, want the hook's error", err)
	}
	if stock, err := w.VariantStock(ctx, ev.ID, shirt.Variants[0].ID); err != nil || *stock != 2 {
		t.Fatalf("stock %v (%v): the cancellation was not rolled back", stock, err)
	}

	s, err := w.Settings(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	s.PickupPlace = "Desk 3"
	if err := w.SaveSettings(ctx, ev.ID, s); err != nil {
		t.Fatal(err)
	}
	// Notifications arrive in commit order: by the time the replica holds
	// the committed change, it has heard whatever came before.
	v := rep.waitFor(t, host, ev.ID, "the committed change", func(v replicaView) bool { return v.Pickup == "Desk 3" })
	if v.Changed != before.Changed+1 || v.Stock != before.Stock {
		t.Errorf("the replica heard %d changes and %d stock changes, want %d and %d: the rolled-back ones reached it",
			v.Changed, v.Stock, before.Changed+1, before.Stock)
	}
	if v.ClosesAt != "" || !slices.Equal(v.Products, before.Products) {
		t.Errorf("the replica holds %+v after rolled-back changes, held %+v", v, before)
	}
}

// failingHook fails the Events calls a test makes fail, after the
// change's statements ran: its transaction rolls back. Other calls are
// not made by the test.
type failingHook struct{ db.Events }

var errHook = errors.New("the hook failed")

func (failingHook) OrderStatusChanged(context.Context, pgx.Tx, *storefront.Order, storefront.StatusChange) error {
	return errHook
}

func (failingHook) ClosingTimeSet(context.Context, pgx.Tx, *tenant.Tenant, []suppliers.Supplier) error {
	return errHook
}

// PaymentRefundDue has nothing to refund: the test's orders are free.
func (failingHook) PaymentRefundDue(context.Context, pgx.Tx, *storefront.Order, int64, string) error {
	return nil
}

// MessageSendRequested has no message to send in these tests.
func (failingHook) MessageSendRequested(context.Context, pgx.Tx, uuid.UUID, uuid.UUID) error {
	return nil
}

// WebhookEndpointDisabled: these tests have no webhook endpoint.
func (failingHook) WebhookEndpointDisabled(context.Context, pgx.Tx, webhooks.Endpoint) error {
	return nil
}
