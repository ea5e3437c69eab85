package web

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// followChanges keeps s's caches in step with the database's change
// notifications, as serve does, and returns once the listener listens.
func (s *storefrontApp) followChanges() {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan struct{})
	h := db.Forget(s.resolver, s.sites)
	reset := h.Reset
	h.Reset = func() {
		reset()
		select {
		case <-listening:
		default:
			close(listening)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.db.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), h)
	}()
	s.t.Cleanup(func() { cancel(); <-done })
	select {
	case <-listening:
	case <-time.After(5 * time.Second):
		s.t.Fatal("the change listener did not start")
	}
}

func TestSoldOutReachesThePageWithoutReload(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.event("capshop", "en")
	two := 2
	hoodie := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Hoodie"},
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}, Stock: &two}, {Label: storefront.Text{"en": "L"}}}})
	cap := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Cap"}, Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}, Stock: &two}}})
	s.followChanges()
	v := s.visitor("capshop.shop.test")
	var pageQueries int64
	view := func(path string) *page {
		t.Helper()
		before := s.queries.Load()
		p := v.get(path, "Accept-Language", "en")
		pageQueries += s.queries.Load() - before
		if p.status != 200 {
			t.Fatalf("GET %s: status %d", path, p.status)
		}
		return p
	}
	capSoldOut := func() bool {
		return view("/").doc.Find(".product.sold-out").Length() == 1 &&
			view("/products/"+cap.ID.String()).text(".badge-sold-out") != "" &&
			view("/order").doc.Find("fieldset.line.sold-out").Length() == 1
	}
	mSoldOut := func() bool {
		_, disabled := view("/products/" + hoodie.ID.String()).doc.Find("input[name=variant][value='" + hoodie.Variants[0].ID.String() + "']").Attr("disabled")
		return disabled
	}
	if capSoldOut() || mSoldOut() {
		t.Fatal("sold out before any order")
	}
	s.queries.Store(0)
	pageQueries = 0

	for i := range 2 {
		dbtest.PlaceOrder(t, s.db, ev.ID, cap, 0, "Ada")
		dbtest.PlaceOrder(t, s.db, ev.ID, hoodie, 0, "Ada")
		if i == 0 {
			time.Sleep(100 * time.Millisecond) // the notifications of the first orders arrive
			if capSoldOut() || mSoldOut() {
				t.Fatal("sold out with a unit left")
			}
		}
	}
	if s.queries.Load() == 0 {
		t.Fatal("the orders made no query: the counter is not wired")
	}
	dbtest.WaitFor(t, time.Second, func() bool { return capSoldOut() && mSoldOut() })
	if pageQueries != 0 {
		t.Errorf("page views made %d queries, want 0 (the stock arrives by notification)", pageQueries)
	}

	t.Run("stock given back shows at once too", func(t *testing.T) {
		if _, err := s.db.AdjustStock(context.Background(), ev.ID, cap.Variants[0].ID, 3, "found a box", "test"); err != nil {
			t.Fatal(err)
		}
		pageQueries = 0
		dbtest.WaitFor(t, time.Second, func() bool { return !capSoldOut() && view("/").doc.Find(".product.sold-out").Length() == 0 })
		if pageQueries != 0 {
			t.Errorf("page views made %d queries, want 0", pageQueries)
		}
	})
}
