package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/address"
)

// stockOf is an option's units left (-1: unlimited).
func stockOf(t *testing.T, database *db.DB, tenantID, variantID uuid.UUID) int {
	t.Helper()
	s, err := database.VariantStock(context.Background(), tenantID, variantID)
	if err != nil {
		t.Fatal(err)
	}
	if s == nil {
		return -1
	}
	return *s
}

// wantRefusal fails unless err is the message msg on field (field "" for
// any field).
func wantRefusal(t *testing.T, err error, msg, field string) {
	t.Helper()
	if err == nil || marquee.ErrorMessage(err) != msg {
		t.Fatalf("got %v, want %s", err, msg)
	}
	if field != "" && marquee.ErrorField(err) != field {
		t.Fatalf("got %v, want it on field %q", err, field)
	}
}

func TestConcurrentSwapsNeverOversell(t *testing.T) {
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 25})
	ev := newTenant(t, database, "swaps")
	// Size 0 has plenty; size 1 has 5 units left.
	shirt := addProduct(t, database, ev.ID, storefront.Product{PriceMinor: 1500}, intp(40), intp(5))
	orders := make([]*storefront.Order, 20)
	for i := range orders {
		o, err := database.PlaceOrder(context.Background(), ev.ID, orderFor(fmt.Sprintf("s%d@example.com", i), shirt, 1))
		if err != nil {
			t.Fatal(err)
		}
		orders[i] = o
	}
	warmPool(t, database, len(orders))
	var mu sync.Mutex
	outcomes := map[string]int{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, o := range orders {
		wg.Go(func() {
			<-start
			_, err := database.SwapOrderOption(context.Background(), ev.ID, o.Number, 0, shirt.Variants[1].ID)
			if marquee.ErrorCode(err) == marquee.EINTERNAL {
				t.Errorf("unexpected error: %v", err)
			}
			key := ""
			if err != nil {
				key = marquee.ErrorMessage(err)
			}
			mu.Lock()
			outcomes[key]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	t.Logf("outcomes %v", outcomes)
	if outcomes[""] != 5 || outcomes["order.sold_out"] != 15 {
		t.Fatalf("outcomes %v, want 5 swaps and 15 sold out", outcomes)
	}
	if got := stockOf(t, database, ev.ID, shirt.Variants[1].ID); got != 0 {
		t.Errorf("size 1 has %d left, want 0", got)
	}
	if got := stockOf(t, database, ev.ID, shirt.Variants[0].ID); got != 40-20+5 {
		t.Errorf("size 0 has %d left, want %d (the 5 swapped away came back)", got, 40-20+5)
	}
	if n := dbtest.CountIn(t, database, ev.ID, "SELECT count(*) FROM order_items WHERE variant_id = $1", shirt.Variants[1].ID); n != 5 {
		t.Errorf("%d lines hold size 1, want 5", n)
	}
}

func TestSwapOrderOption(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "swap-rules")
	shirt := addProduct(t, database, ev.ID, storefront.Product{PriceMinor: 1500}, intp(5), intp(0), nil, nil)
	dearer := int64(2500)
	if err := database.UpdateVariant(ctx, ev.ID, shirt.Variants[3].ID, storefront.Text{"en": "XXL"}, &dearer); err != nil {
		t.Fatal(err)
	}
	other := newTenant(t, database, "swap-other")
	foreign := addProduct(t, database, other.ID, storefront.Product{PriceMinor: 1500}, intp(5))
	o, err := database.PlaceOrder(ctx, ev.ID, orderFor("swap@example.com", shirt, 2))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a sold-out option is refused on the variant field", func(t *testing.T) {
		_, err := database.SwapOrderOption(ctx, ev.ID, o.Number, 0, shirt.Variants[1].ID)
		wantRefusal(t, err, "order.sold_out", "variant")
	})
	t.Run("an option at another price is refused", func(t *testing.T) {
		_, err := database.SwapOrderOption(ctx, ev.ID, o.Number, 0, shirt.Variants[3].ID)
		wantRefusal(t, err, "change.price_differs", "variant")
	})
	t.Run("another event's option is unknown", func(t *testing.T) {
		_, err := database.SwapOrderOption(ctx, ev.ID, o.Number, 0, foreign.Variants[0].ID)
		wantRefusal(t, err, "order.unknown_variant", "variant")
	})
	t.Run("another event's order is not found", func(t *testing.T) {
		_, err := database.SwapOrderOption(ctx, other.ID, o.Number, 0, shirt.Variants[2].ID)
		wantRefusal(t, err, "order.not_found", "")
	})
	t.Run("a line the order does not have is refused", func(t *testing.T) {
		_, err := database.SwapOrderOption(ctx, ev.ID, o.Number, 7, shirt.Variants[2].ID)
		wantRefusal(t, err, "change.unknown_line", "line")
	})
	t.Run("the same option is refused", func(t *testing.T) {
		_, err := database.SwapOrderOption(ctx, ev.ID, o.Number, 0, shirt.Variants[0].ID)
		wantRefusal(t, err, "change.same_option", "variant")
	})
	if got := stockOf(t, database, ev.ID, shirt.Variants[0].ID); got != 3 {
		t.Fatalf("refused swaps moved stock: %d left of size 0, want 3", got)
	}
	t.Run("a swap moves the units and says so in the history", func(t *testing.T) {
		after, err := database.SwapOrderOption(ctx, ev.ID, o.Number, 0, shirt.Variants[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Items[0].VariantID != shirt.Variants[2].ID || after.Items[0].VariantLabel["en"] != "Size 2" || after.Items[0].Quantity != 2 {
			t.Errorf("line after the swap: %+v", after.Items[0])
		}
		last := after.History[len(after.History)-1]
		if last.Change != storefront.ChangeOptionSwapped || last.Status != storefront.StatusPlaced || last.Note != "T-shirt: Size 0 → Size 2" {
			t.Errorf("history row %+v", last)
		}
		if got := stockOf(t, database, ev.ID, shirt.Variants[0].ID); got != 5 {
			t.Errorf("size 0 has %d left after the swap, want 5", got)
		}
		if after.TotalMinor != o.TotalMinor {
			t.Errorf("total %d, want %d", after.TotalMinor, o.TotalMinor)
		}
	})
}

func TestChangesOnlyBeforeDispatch(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "change-late")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(5), intp(5))
	o, err := database.PlaceOrder(ctx, ev.ID, orderFor("late@example.com", shirt, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := database.ChangeOrderStatus(ctx, ev.ID, o.Number, storefront.StatusDispatched, "", uuid.New()); err != nil {
		t.Fatal(err)
	}
	_, err = database.SwapOrderOption(ctx, ev.ID, o.Number, 0, shirt.Variants[1].ID)
	wantRefusal(t, err, "change.too_late", "")
	if got := stockOf(t, database, ev.ID, shirt.Variants[1].ID); got != 5 {
		t.Errorf("a refused swap took stock: %d left", got)
	}

	off := newTenant(t, database, "change-off")
	s := storefront.DefaultSettings()
	s.AttendeeCanChange = false
	if err := database.SaveSettings(ctx, off.ID, s); err != nil {
		t.Fatal(err)
	}
	cap := addProduct(t, database, off.ID, storefront.Product{}, intp(5), intp(5))
	o2, err := database.PlaceOrder(ctx, off.ID, orderFor("off@example.com", cap, 1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = database.SwapOrderOption(ctx, off.ID, o2.Number, 0, cap.Variants[1].ID)
	wantRefusal(t, err, "change.not_allowed", "")
	if code := marquee.ErrorCode(err); code != marquee.EFORBIDDEN {
		t.Errorf("code %s, want forbidden", code)
	}
}

func TestCancelOrderLine(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "line-cancel")
	shirt := addProduct(t, database, ev.ID, storefront.Product{PriceMinor: 1500, MaxPerAttendee: 2}, intp(10))
	mug := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Mug"}, PriceMinor: 800}, intp(10))
	req := orderFor("lines@example.com", shirt, 2)
	req.Lines = append(req.Lines, storefront.Line{ProductID: mug.ID, VariantID: mug.Variants[0].ID, Quantity: 1})
	o, err := database.PlaceOrder(ctx, ev.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	after, err := database.CancelOrderLine(ctx, ev.ID, o.Number, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Items) != 1 || after.Items[0].ProductID != mug.ID || after.TotalMinor != 800 || after.Status != storefront.StatusPlaced {
		t.Fatalf("after cancelling the shirts: %d lines, total %d, status %s", len(after.Items), after.TotalMinor, after.Status)
	}
	last := after.History[len(after.History)-1]
	if last.Change != storefront.ChangeLineCancelled || last.Note != "2 × T-shirt (Size 0)" {
		t.Errorf("history row %+v", last)
	}
	if got := stockOf(t, database, ev.ID, shirt.Variants[0].ID); got != 10 {
		t.Errorf("shirts left %d, want 10", got)
	}
	// The attendee's count came back: they may order two shirts again.
	if _, err := database.PlaceOrder(ctx, ev.ID, orderFor("lines@example.com", shirt, 2)); err != nil {
		t.Errorf("the attendee's count did not come back: %v", err)
	}
	_, err = database.CancelOrderLine(ctx, ev.ID, o.Number, 1)
	wantRefusal(t, err, "change.last_line", "line")
	_, err = database.CancelOrderLine(ctx, ev.ID, o.Number, 0)
	wantRefusal(t, err, "change.unknown_line", "line")
}

func TestChangeOrderAddress(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "address-change")
	s := storefront.DefaultSettings()
	s.Ships = true
	if err := database.SaveSettings(ctx, ev.ID, s); err != nil {
		t.Fatal(err)
	}
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(10))
	req := orderFor("ship@example.com", shirt, 1)
	req.Address = &address.Address{Name: "Ada", Line1: "Old Street 1", Locality: "Berlin", PostalCode: "10115", CountryCode: "DE"}
	o, err := database.PlaceOrder(ctx, ev.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	after, err := database.ChangeOrderAddress(ctx, ev.ID, o.Number, address.Address{Name: "Ada", Line1: "New Street 2", Locality: "Hamburg", PostalCode: "20095", CountryCode: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	if after.Address.Line1 != "New Street 2" || after.Address.Locality != "Hamburg" {
		t.Errorf("address %+v", after.Address)
	}
	last := after.History[len(after.History)-1]
	if last.Change != storefront.ChangeAddressChanged || last.Note != "" {
		t.Errorf("history row %+v (the address is personal data: no note)", last)
	}
	// An order of an event that does not ship has no address to change.
	pickup := newTenant(t, database, "address-pickup")
	cap := addProduct(t, database, pickup.ID, storefront.Product{}, intp(10))
	o2, err := database.PlaceOrder(ctx, pickup.ID, orderFor("pick@example.com", cap, 1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = database.ChangeOrderAddress(ctx, pickup.ID, o2.Number, *req.Address)
	wantRefusal(t, err, "change.not_shipped", "address")
}
