package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// TestConcurrentOffersNeverHoldTheSameUnit: with 5 units back and 20 people
// waiting, 8 offer runs at once hold exactly 5 units for 5 different
// people, and the stock is never below zero.
func TestConcurrentOffersNeverHoldTheSameUnit(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 12})
	ev := newTenant(t, database, "waits")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(0))
	xl := shirt.Variants[0].ID
	for i := range 20 {
		if _, err := database.JoinWaitlist(ctx, ev.ID, xl, fmt.Sprintf("p%02d@example.com", i), "en", 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := database.AdjustStock(ctx, ev.ID, xl, 5, "restock", "staff:test"); err != nil {
		t.Fatal(err)
	}
	warmPool(t, database, 8)
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			<-start
			_, err := database.OfferReturnedStock(ctx, ev.ID, xl, nil)
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int { return dbtest.CountIn(t, database, ev.ID, q) }
	if n := count("SELECT coalesce(sum(quantity), 0) FROM waitlist_offers WHERE state = 'held'"); n != 5 {
		t.Fatalf("%d units held, want exactly 5", n)
	}
	if n := count("SELECT count(DISTINCT entry_id) FROM waitlist_offers"); n != 5 {
		t.Fatalf("offers to %d people, want 5", n)
	}
	if n := count("SELECT count(*) FROM waitlist_entries WHERE state = 'offered'"); n != 5 {
		t.Fatalf("%d entries offered, want 5", n)
	}
	if n := count("SELECT count(*) FROM waitlist_entries WHERE state = 'offered' AND email > 'p04@example.com'"); n != 0 {
		t.Fatalf("%d offers skipped ahead of the first five in line", n)
	}
	if s, err := database.VariantStock(ctx, ev.ID, xl); err != nil || s == nil || *s != 0 {
		t.Fatalf("stock %v %v, want 0", s, err)
	}
}

// TestOrderingThroughAnOffer: the units an offer holds are sold out to
// everyone else and orderable once with its token, in its own event, until
// it expires.
func TestOrderingThroughAnOffer(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev, other := newTenant(t, database, "waits"), newTenant(t, database, "elsewhere")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(0))
	otherShirt := addProduct(t, database, other.ID, storefront.Product{}, intp(5))
	xl := shirt.Variants[0].ID
	for _, email := range []string{"first@example.com", "second@example.com"} {
		if _, err := database.JoinWaitlist(ctx, ev.ID, xl, email, "en", 1); err != nil {
			t.Fatal(err)
		}
	}
	offer := func() db.WaitlistOffer {
		t.Helper()
		if _, err := database.AdjustStock(ctx, ev.ID, xl, 1, "restock", "staff:test"); err != nil {
			t.Fatal(err)
		}
		offers, err := database.OfferReturnedStock(ctx, ev.ID, xl, nil)
		if err != nil || len(offers) != 1 {
			t.Fatalf("offers %v, %v", offers, err)
		}
		return offers[0]
	}
	first := offer()
	refused := func(tenantID uuid.UUID, req storefront.OrderRequest, code, field string) {
		t.Helper()
		_, err := database.PlaceOrder(ctx, tenantID, req)
		if marquee.ErrorCode(err) != code || marquee.ErrorField(err) != field {
			t.Fatalf("order refused with %v, want %s on %q", err, code, field)
		}
	}
	refused(ev.ID, orderFor("someone@example.com", shirt, 1), marquee.ECONFLICT, "item.0")

	elsewhere := orderFor("first@example.com", otherShirt, 1)
	elsewhere.OfferToken = first.Token
	refused(other.ID, elsewhere, marquee.ECONFLICT, "offer")

	req := orderFor("first@example.com", shirt, 1)
	req.OfferToken = first.Token
	o, err := database.PlaceOrder(ctx, ev.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int { return dbtest.CountIn(t, database, ev.ID, q, args...) }
	if n := count("SELECT count(*) FROM waitlist_offers WHERE state = 'ordered' AND order_id = $1", o.ID); n != 1 {
		t.Fatalf("%d offers used by the order, want 1", n)
	}
	if n := count("SELECT count(*) FROM waitlist_entries WHERE state = 'ordered' AND email = 'first@example.com'"); n != 1 {
		t.Fatalf("the first entry is not ordered")
	}
	if s, _ := database.VariantStock(ctx, ev.ID, xl); s == nil || *s != 0 {
		t.Fatalf("stock %v after the offer's order, want 0", s)
	}
	again := orderFor("first@example.com", shirt, 1)
	again.OfferToken = first.Token
	refused(ev.ID, again, marquee.ECONFLICT, "offer")

	second := offer()
	database.Now = func() time.Time { return second.ExpiresAt.Add(time.Second) }
	late := orderFor("second@example.com", shirt, 1)
	late.OfferToken = second.Token
	refused(ev.ID, late, marquee.ECONFLICT, "offer")
	if n := count("SELECT count(*) FROM orders"); n != 1 {
		t.Fatalf("%d orders written, want 1", n)
	}
}
