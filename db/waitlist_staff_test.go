package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// TestWaitlistForStaff: staff see an option's line in order with each
// waiting person's place and each offer's end, the demand per option, and
// take waiting people off (their row gone); an entry holding an offer
// stays, and another event's entries and options are not there.
func TestWaitlistForStaff(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev, other := newTenant(t, database, "staffwaits"), newTenant(t, database, "elsewhere")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(0), intp(0))
	xl, s := shirt.Variants[0].ID, shirt.Variants[1].ID
	for i, qty := range []int{2, 1, 1, 3} {
		if _, err := database.JoinWaitlist(ctx, ev.ID, xl, fmt.Sprintf("p%d@example.com", i), "en", qty); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := database.JoinWaitlist(ctx, ev.ID, s, "small@example.com", "de", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := database.AdjustStock(ctx, ev.ID, xl, 2, "restock", "staff:test"); err != nil {
		t.Fatal(err)
	}
	offers, err := database.OfferReturnedStock(ctx, ev.ID, xl, nil)
	if err != nil || len(offers) != 1 || offers[0].Email != "p0@example.com" {
		t.Fatalf("offers %+v %v", offers, err)
	}

	t.Run("the line in order, places among the waiting, the offer's end", func(t *testing.T) {
		list, total, err := database.WaitlistOf(ctx, ev.ID, xl, 10, 0)
		if err != nil || total != 4 || len(list) != 4 {
			t.Fatalf("%d of %d entries, %v", len(list), total, err)
		}
		if list[0].State != storefront.EntryOffered || list[0].Position != 0 || list[0].OfferExpiresAt == nil ||
			!list[0].OfferExpiresAt.Equal(offers[0].ExpiresAt) {
			t.Errorf("the offered entry: %+v", list[0])
		}
		for i, e := range list[1:] {
			if e.Position != i+1 || e.OfferExpiresAt != nil || e.Email != fmt.Sprintf("p%d@example.com", i+1) {
				t.Errorf("entry %d: %+v", i+1, e)
			}
		}
		page, total, err := database.WaitlistOf(ctx, ev.ID, xl, 2, 2)
		if err != nil || total != 4 || len(page) != 2 || page[0].Position != 2 {
			t.Fatalf("the second page: %+v of %d, %v", page, total, err)
		}
	})
	t.Run("demand counts the people waiting and their units, most wanted first", func(t *testing.T) {
		d, err := database.WaitlistDemand(ctx, ev.ID)
		if err != nil || len(d) != 2 || d[0].VariantID != xl || d[0].People != 3 || d[0].Units != 5 || d[1].People != 1 {
			t.Fatalf("demand %+v %v", d, err)
		}
	})
	t.Run("another event sees neither the line nor its entries", func(t *testing.T) {
		list, total, err := database.WaitlistOf(ctx, other.ID, xl, 10, 0)
		if err != nil || total != 0 || len(list) != 0 {
			t.Fatalf("%d entries, %v", total, err)
		}
		if d, err := database.WaitlistDemand(ctx, other.ID); err != nil || len(d) != 0 {
			t.Fatalf("demand %+v %v", d, err)
		}
		mine, _, _ := database.WaitlistOf(ctx, ev.ID, xl, 10, 0)
		if _, err := database.RemoveWaitlistEntry(ctx, other.ID, mine[1].ID); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("removing through another event: %v", err)
		}
		if _, err := database.WaitlistEntry(ctx, other.ID, mine[1].ID); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("reading through another event: %v", err)
		}
	})
	t.Run("a waiting entry is removed, its address gone, and the line moves up", func(t *testing.T) {
		list, _, _ := database.WaitlistOf(ctx, ev.ID, xl, 10, 0)
		gone, err := database.RemoveWaitlistEntry(ctx, ev.ID, list[1].ID)
		if err != nil || gone.Email != "p1@example.com" {
			t.Fatalf("removed %+v, %v", gone, err)
		}
		if n := dbtest.CountIn(t, database, ev.ID, "SELECT count(*) FROM waitlist_entries WHERE email = 'p1@example.com'"); n != 0 {
			t.Fatalf("%d rows keep the address", n)
		}
		after, total, _ := database.WaitlistOf(ctx, ev.ID, xl, 10, 0)
		if total != 3 || after[1].Position != 1 || after[1].Email != "p2@example.com" {
			t.Fatalf("after: %+v", after)
		}
		if _, err := database.RemoveWaitlistEntry(ctx, ev.ID, list[1].ID); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("removing twice: %v", err)
		}
	})
	t.Run("an entry holding an offer is not removed, its units still held", func(t *testing.T) {
		list, _, _ := database.WaitlistOf(ctx, ev.ID, xl, 10, 0)
		if _, err := database.RemoveWaitlistEntry(ctx, ev.ID, list[0].ID); marquee.ErrorCode(err) != marquee.ECONFLICT {
			t.Fatalf("removing the offered entry: %v", err)
		}
		if n := dbtest.CountIn(t, database, ev.ID, "SELECT count(*) FROM waitlist_offers WHERE state = 'held'"); n != 1 {
			t.Fatalf("%d offers held", n)
		}
	})
}

// TestRemovingAndOfferingAtOnceLosesNoUnit: staff remove the first person
// in line while returned stock is offered: either the removal wins and the
// offer goes to the next person, or the offer wins and the removal is
// refused; the unit is held for exactly one person still on the list.
func TestRemovingAndOfferingAtOnceLosesNoUnit(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 6})
	ev := newTenant(t, database, "racewaits")
	for round := range 10 {
		cap := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": fmt.Sprintf("Cap %d", round)}}, intp(0))
		v := cap.Variants[0].ID
		first, err := database.JoinWaitlist(ctx, ev.ID, v, "first@example.com", "en", 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := database.JoinWaitlist(ctx, ev.ID, v, "second@example.com", "en", 1); err != nil {
			t.Fatal(err)
		}
		if _, err := database.AdjustStock(ctx, ev.ID, v, 1, "restock", "staff:test"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var removeErr, offerErr error
		start := make(chan struct{})
		wg.Go(func() { <-start; _, removeErr = database.RemoveWaitlistEntry(ctx, ev.ID, first.ID) })
		wg.Go(func() { <-start; _, offerErr = database.OfferReturnedStock(ctx, ev.ID, v, nil) })
		close(start)
		wg.Wait()
		if offerErr != nil || (removeErr != nil && marquee.ErrorCode(removeErr) != marquee.ECONFLICT) {
			t.Fatalf("round %d: offer %v, removal %v", round, offerErr, removeErr)
		}
		list, _, err := database.WaitlistOf(ctx, ev.ID, v, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		held := 0
		for _, e := range list {
			if e.OfferExpiresAt != nil {
				held++
				if removeErr == nil && e.Email != "second@example.com" {
					t.Fatalf("round %d: the removed person holds the offer", round)
				}
			}
		}
		if held != 1 {
			t.Fatalf("round %d: %d offers on the list (removal %v): %+v", round, held, removeErr, list)
		}
	}
}
