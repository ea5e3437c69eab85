package db_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// heard records what the change listener called.
type heard struct {
	mu      sync.Mutex
	changed []uuid.UUID
	stock   []string // "VARIANT=UNITS" or "VARIANT=unlimited"
}

func (h *heard) handlers(listening chan struct{}) db.ChangeHandlers {
	var once sync.Once
	return db.ChangeHandlers{
		Changed: func(id uuid.UUID) { h.mu.Lock(); defer h.mu.Unlock(); h.changed = append(h.changed, id) },
		Stock: func(_, variant uuid.UUID, n *int) {
			h.mu.Lock()
			defer h.mu.Unlock()
			s := "unlimited"
			if n != nil {
				s = strconv.Itoa(*n)
			}
			h.stock = append(h.stock, variant.String()+"="+s)
		},
		Reset: func() { once.Do(func() { close(listening) }) },
	}
}

func (h *heard) snapshot() ([]uuid.UUID, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]uuid.UUID(nil), h.changed...), append([]string(nil), h.stock...)
}

// TestStockChangesArriveAsStock: a change of a variant's stock alone (an
// order, a stock adjustment, a cancellation) reaches the listener as that
// variant's units left, read after the notification came, which caches
// apply in place; any other change of a variant still names the event.
// Units in a payload are not taken as they are: another replica may have
// read newer ones already.
func TestStockChangesArriveAsStock(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, d, "stocked")
	two := 2
	p, err := d.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}, Stock: &two}}})
	if err != nil {
		t.Fatal(err)
	}
	variant := p.Variants[0].ID
	h := &heard{}
	listening := make(chan struct{})
	go d.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), h.handlers(listening))
	<-listening
	last := func() string {
		_, s := h.snapshot()
		if len(s) == 0 {
			return ""
		}
		return s[len(s)-1]
	}
	order := dbtest.PlaceOrder(t, d, ev.ID, p, 0, "Ada") // 2 → 1, told after the commit
	dbtest.WaitFor(t, 2*time.Second, func() bool { return last() == variant.String()+"=1" })
	if _, err := d.AdjustStock(ctx, ev.ID, variant, 4, "found a box", "staff"); err != nil { // 5
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 2*time.Second, func() bool { return last() == variant.String()+"=5" })
	if _, err := d.CancelOrder(ctx, ev.ID, order.Number, "attendee"); err != nil { // 6
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 2*time.Second, func() bool { return last() == variant.String()+"=6" })
	if err := d.UpdateVariant(ctx, ev.ID, variant, storefront.Text{"en": "One size fits all"}, nil); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 2*time.Second, func() bool { c, _ := h.snapshot(); return len(c) == 1 })
	// A payload's units (here a stale or forged "unlimited") are read
	// again: the listener hears the 6 the database holds.
	_, before := h.snapshot()
	if _, err := d.Pool.Exec(ctx, "SELECT pg_notify('tenant_changed', $1)", "stock "+ev.ID.String()+" "+variant.String()+" unlimited"); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 2*time.Second, func() bool { _, s := h.snapshot(); return len(s) > len(before) })
	if got := last(); got != variant.String()+"=6" {
		t.Errorf("after a payload saying unlimited the listener heard %s, want the database's %s=6", got, variant)
	}
	changed, stock := h.snapshot()
	for _, s := range stock {
		if !slices.Contains([]string{"=1", "=5", "=6"}, s[len(variant.String()):]) {
			t.Errorf("heard %s, which the stock never was", s)
		}
	}
	if changed[0] != ev.ID {
		t.Errorf("the label change named %v, want the event %v", changed[0], ev.ID)
	}
}

// TestStockReadFollowsTheLastOrder: 40 concurrent orders on one variant
// send fewer notifications than orders (gathered after their commits),
// and the last units the listener hears are the database's.
func TestStockReadFollowsTheLastOrder(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, d, "busy")
	units := 100
	p, err := d.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Pen"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Blue"}, Stock: &units}}})
	if err != nil {
		t.Fatal(err)
	}
	h := &heard{}
	listening := make(chan struct{})
	go d.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), h.handlers(listening))
	<-listening
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			_, err := d.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "buyer" + strconv.Itoa(i) + "@example.com",
				Name: "Buyer", Locale: "en", Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: 1}}})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	want := p.Variants[0].ID.String() + "=60"
	dbtest.WaitFor(t, 3*time.Second, func() bool { _, s := h.snapshot(); return len(s) > 0 && s[len(s)-1] == want })
	_, stock := h.snapshot()
	t.Logf("40 orders, %d stock reads heard", len(stock))
}

// TestStockOfAVariantGoneNamesItsEvent: a stock notification for a
// variant the database no longer has (deleted meanwhile, or another
// event's id) drops the event it names instead.
func TestStockOfAVariantGoneNamesItsEvent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, d, "gone")
	h := &heard{}
	listening := make(chan struct{})
	go d.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), h.handlers(listening))
	<-listening
	if _, err := d.Pool.Exec(ctx, "SELECT pg_notify('tenant_changed', $1)", "stock "+ev.ID.String()+" "+uuid.NewString()); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 2*time.Second, func() bool { c, _ := h.snapshot(); return len(c) == 1 })
	if changed, stock := h.snapshot(); changed[0] != ev.ID || len(stock) != 0 {
		t.Errorf("heard changed %v and stock %v, want the event %v and no stock", changed, stock, ev.ID)
	}
}

// TestStockWithoutStockHandler: listeners that take no stock (or replicas
// that do not know the payload) treat it as a change of the event.
func TestStockWithoutStockHandler(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, d, "plain")
	h := &heard{}
	listening := make(chan struct{})
	handlers := h.handlers(listening)
	handlers.Stock = nil
	go d.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers)
	<-listening
	if _, err := d.Pool.Exec(ctx, "SELECT pg_notify('tenant_changed', $1)", "stock "+ev.ID.String()+" "+uuid.NewString()+" 3"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, "SELECT pg_notify('tenant_changed', 'stock nonsense')"); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 2*time.Second, func() bool { c, _ := h.snapshot(); return len(c) == 1 })
	if changed, _ := h.snapshot(); changed[0] != ev.ID {
		t.Errorf("Changed(%v), want the event %v", changed[0], ev.ID)
	}
}
