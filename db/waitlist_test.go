package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

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
