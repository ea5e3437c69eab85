package db_test

import (
	"context"
	"fmt"
	"testing"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// TestAnOrderIsTwoRoundTrips: an order of two lines (one of them a second
// product with a per-attendee limit) is one batch that begins the
// transaction and reads, and one that writes and commits; a refused one
// adds the ROLLBACK, and its writes are gone.
func TestAnOrderIsTwoRoundTrips(t *testing.T) {
	ctx := context.Background()
	trips := &dbtest.QueryCounter{}
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 1, Tracer: trips})
	ev := newTenant(t, database, "trips")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(10))
	cap := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, MaxPerAttendee: 2}, nil)
	order := func(email string, shirts int) storefront.OrderRequest {
		req := orderFor(email, shirt, shirts)
		req.Lines = append(req.Lines, storefront.Line{ProductID: cap.ID, VariantID: cap.Variants[0].ID, Quantity: 1})
		return req
	}
	// The first order on the connection prepares its statements.
	if _, err := database.PlaceOrder(ctx, ev.ID, order("first@example.com", 1)); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		shirts int
		trips  int64
		err    string
	}{
		{shirts: 2, trips: 2},
		{shirts: 8, trips: 3, err: "order.sold_out"},
		{shirts: 7, trips: 2},
	} {
		before := trips.N.Load()
		_, err := database.PlaceOrder(ctx, ev.ID, order(fmt.Sprintf("o%d@example.com", i), c.shirts))
		if got := marquee.ErrorMessage(err); err != nil && got != c.err || err == nil && c.err != "" {
			t.Fatalf("order of %d shirts: %v, want %q", c.shirts, err, c.err)
		}
		if got := trips.N.Load() - before; got != c.trips {
			t.Errorf("order of %d shirts (%q): %d round trips, want %d", c.shirts, c.err, got, c.trips)
		}
	}
	if stock, err := database.VariantStock(ctx, ev.ID, shirt.Variants[0].ID); err != nil || *stock != 0 {
		t.Fatalf("stock %v (%v), want 0: 1 + 2 + 7 of 10 taken, the refused 8 not", stock, err)
	}
	if n := countOrders(t, database, ev.ID); n != 3 {
		t.Fatalf("%d orders, want 3", n)
	}
	if n := dbtest.CountIn(t, database, ev.ID, "SELECT coalesce(sum(quantity), 0) FROM attendee_purchases WHERE product_id = $1", cap.ID); n != 3 {
		t.Fatalf("%d caps counted for attendees, want 3 (the refused order's gone)", n)
	}
}
