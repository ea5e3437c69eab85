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
// order, a stock adjustment, a cancellation) is notified as that
// variant's units, which caches apply in place; any other change of a
// variant still names the event.
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
	order := dbtest.PlaceOrder(t, d, ev.ID, p, 0, "Ada")                                     // 2 → 1
	if _, err := d.AdjustStock(ctx, ev.ID, variant, 4, "found a box", "staff"); err != nil { // 5
		t.Fatal(err)
	}
	if _, err := d.CancelOrder(ctx, ev.ID, order.Number, "attendee"); err != nil { // 6
		t.Fatal(err)
	}
	if err := d.UpdateVariant(ctx, ev.ID, variant, storefront.Text{"en": "One size fits all"}, nil); err != nil {
		t.Fatal(err)
	}
	// No statement of ours makes a stock unlimited: the payload's word for
	// it, as the listener reads it.
	if _, err := d.Pool.Exec(ctx, "SELECT pg_notify('tenant_changed', $1)", "stock "+ev.ID.String()+" "+variant.String()+" unlimited"); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 2*time.Second, func() bool { c, s := h.snapshot(); return len(s) == 4 && len(c) == 1 })
	changed, stock := h.snapshot()
	want := []string{variant.String() + "=1", variant.String() + "=5", variant.String() + "=6", variant.String() + "=unlimited"}
	if !slices.Equal(stock, want) {
		t.Errorf("stock notifications %v, want %v", stock, want)
	}
	if changed[0] != ev.ID {
		t.Errorf("the label change named %v, want the event %v", changed[0], ev.ID)
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
