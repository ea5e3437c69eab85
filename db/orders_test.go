package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// addProduct stores a product with one variant per stock value (nil stock:
// unlimited) and returns it with ids.
func addProduct(t testing.TB, database *db.DB, tenantID uuid.UUID, p storefront.Product, stocks ...*int) storefront.Product {
	t.Helper()
	p.Visible = true
	if p.Name == nil {
		p.Name = storefront.Text{"en": "T-shirt"}
	}
	for i, s := range stocks {
		p.Variants = append(p.Variants, storefront.Variant{Label: storefront.Text{"en": fmt.Sprintf("Size %d", i)}, Position: i, Stock: s})
	}
	out, err := database.AddProduct(context.Background(), tenantID, p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func intp(n int) *int { return &n }

func orderFor(email string, p storefront.Product, qty int) storefront.OrderRequest {
	return storefront.OrderRequest{
		IdempotencyKey: uuid.New(), Email: email, Name: "Ada", Locale: "en",
		Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: qty}},
	}
}

// placeConcurrently places the orders all at once and counts the outcomes
// by message ID ("" for success).
func placeConcurrently(t *testing.T, database *db.DB, tenantID uuid.UUID, reqs []storefront.OrderRequest) map[string]int {
	t.Helper()
	warmPool(t, database, len(reqs))
	var mu sync.Mutex
	outcomes := map[string]int{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, req := range reqs {
		wg.Go(func() {
			<-start
			_, err := database.PlaceOrder(context.Background(), tenantID, req)
			key := ""
			if err != nil {
				key = marquee.ErrorMessage(err)
				if marquee.ErrorCode(err) == marquee.EINTERNAL {
					t.Errorf("unexpected error: %v", err)
				}
			}
			mu.Lock()
			outcomes[key]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return outcomes
}

// warmPool opens the pool's connections before a race, so the racing
// transactions really run at the same time instead of one per new
// connection.
func warmPool(t *testing.T, database *db.DB, n int) {
	t.Helper()
	n = min(n, int(database.Pool.Config().MaxConns))
	conns := make([]*pgxpool.Conn, 0, n)
	for range n {
		c, err := database.Pool.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
}

func countOrders(t *testing.T, database *db.DB, tenantID uuid.UUID) int {
	t.Helper()
	var n int
	err := database.InTenant(context.Background(), tenantID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT count(*) FROM orders").Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStockNeverGoesBelowZero(t *testing.T) {
	for _, guarded := range []bool{true, false} {
		name := "100 orders for 10 in stock make exactly 10 orders"
		if !guarded {
			name = "control: without the guard the same test oversells"
		}
		t.Run(name, func(t *testing.T) {
			// The control needs the race to happen, which a busy machine may
			// not give on one try: it passes as soon as one run oversells.
			tries := 1
			if !guarded {
				tries = 5
			}
			var outcomes map[string]int
			var orders int
			var stock *int
			for try := range tries {
				database := dbtest.New(t).Open(t, db.Options{MaxConns: 30})
				if !guarded {
					database.DisableGuardsForTest()
				}
				ev := newTenant(t, database, fmt.Sprintf("stocked-%d", try))
				shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(10))
				reqs := make([]storefront.OrderRequest, 100)
				for i := range reqs {
					reqs[i] = orderFor(fmt.Sprintf("a%d@example.com", i), shirt, 1)
				}
				outcomes = placeConcurrently(t, database, ev.ID, reqs)
				orders = countOrders(t, database, ev.ID)
				var err error
				if stock, err = database.VariantStock(context.Background(), ev.ID, shirt.Variants[0].ID); err != nil {
					t.Fatal(err)
				}
				t.Logf("try %d: outcomes %v, orders %d, stock left %d", try+1, outcomes, orders, *stock)
				if orders > 10 {
					break
				}
			}
			if !guarded {
				if orders <= 10 {
					t.Fatalf("without the guard %d orders were made in %d tries: the test cannot tell overselling", orders, tries)
				}
				return
			}
			if outcomes[""] != 10 || orders != 10 || *stock != 0 || outcomes["order.sold_out"] != 90 {
				t.Fatalf("want 10 orders, stock 0 and 90 sold-out answers")
			}
		})
	}
}

func TestPerAttendeeLimitHoldsUnderConcurrency(t *testing.T) {
	for _, guarded := range []bool{true, false} {
		name := "20 orders of one attendee with a limit of 1 make 1 order"
		if !guarded {
			name = "control: without the guard the same test exceeds the limit"
		}
		t.Run(name, func(t *testing.T) {
			// The control needs the race to happen, which a busy machine may
			// not give on one try: it passes as soon as one run oversteps.
			tries := 1
			if !guarded {
				tries = 5
			}
			var outcomes map[string]int
			var orders int
			for try := range tries {
				database := dbtest.New(t).Open(t, db.Options{MaxConns: 25})
				if !guarded {
					database.DisableGuardsForTest()
				}
				ev := newTenant(t, database, fmt.Sprintf("limited-%d", try))
				shirt := addProduct(t, database, ev.ID, storefront.Product{MaxPerAttendee: 1}, nil)
				reqs := make([]storefront.OrderRequest, 20)
				for i := range reqs {
					reqs[i] = orderFor("same@example.com", shirt, 1)
				}
				outcomes = placeConcurrently(t, database, ev.ID, reqs)
				orders = countOrders(t, database, ev.ID)
				t.Logf("try %d: outcomes %v, orders %d", try+1, outcomes, orders)
				if orders > 1 {
					break
				}
			}
			if !guarded {
				if orders <= 1 {
					t.Fatalf("without the guard %d orders were made in %d tries: the test cannot tell", orders, tries)
				}
				return
			}
			if orders != 1 || outcomes[""] != 1 || outcomes["order.over_attendee_limit"] != 19 {
				t.Fatalf("want 1 order and 19 over-limit answers")
			}
		})
	}
}

func TestResubmittedFormMakesOneOrder(t *testing.T) {
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 12})
	ev := newTenant(t, database, "idempotent")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(5))
	req := orderFor("twice@example.com", shirt, 1)
	reqs := make([]storefront.OrderRequest, 10)
	for i := range reqs {
		reqs[i] = req
	}
	outcomes := placeConcurrently(t, database, ev.ID, reqs)
	if outcomes[""] != 10 {
		t.Fatalf("every submission should get the order back: %v", outcomes)
	}
	if n := countOrders(t, database, ev.ID); n != 1 {
		t.Fatalf("%d orders, want 1", n)
	}
	if stock, _ := database.VariantStock(context.Background(), ev.ID, shirt.Variants[0].ID); *stock != 4 {
		t.Fatalf("stock %d, want 4", *stock)
	}
}

func TestOrderRules(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev, other := newTenant(t, database, "rules"), newTenant(t, database, "other-event")
	now := time.Now()
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	shirt := addProduct(t, database, ev.ID, storefront.Product{MaxPerOrder: 2, PriceMinor: 1500}, intp(5), intp(0))
	early := addProduct(t, database, ev.ID, storefront.Product{SalesOpenAt: &future}, nil)
	late := addProduct(t, database, ev.ID, storefront.Product{SalesCloseAt: &past}, nil)
	foreign := addProduct(t, database, other.ID, storefront.Product{}, nil)
	line := func(p storefront.Product, v, qty int) storefront.Line {
		return storefront.Line{ProductID: p.ID, VariantID: p.Variants[v].ID, Quantity: qty}
	}
	tests := []struct {
		name  string
		lines []storefront.Line
		want  string
	}{
		{"another event's product is unknown", []storefront.Line{line(foreign, 0, 1)}, "order.unknown_product"},
		{"a variant of another product is unknown", []storefront.Line{{ProductID: shirt.ID, VariantID: early.Variants[0].ID, Quantity: 1}}, "order.unknown_variant"},
		{"a sold-out variant is refused", []storefront.Line{line(shirt, 1, 1)}, "order.sold_out"},
		{"more than the per-order maximum is refused", []storefront.Line{line(shirt, 0, 2), line(shirt, 0, 1)}, "order.over_order_max"},
		{"before the sales window is refused", []storefront.Line{line(early, 0, 1)}, "order.sales_not_open"},
		{"after the sales window is refused", []storefront.Line{line(late, 0, 1)}, "order.sales_closed"},
		{"zero quantity is refused", []storefront.Line{line(shirt, 0, 0)}, "order.quantity_invalid"},
		{"an empty order is refused", nil, "order.empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := orderFor("rules@example.com", shirt, 1)
			req.Lines = tc.lines
			_, err := database.PlaceOrder(ctx, ev.ID, req)
			if got := marquee.ErrorMessage(err); got != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			if n := countOrders(t, database, ev.ID); n != 0 {
				t.Fatalf("%d orders written", n)
			}
		})
	}
	if stock, _ := database.VariantStock(ctx, ev.ID, shirt.Variants[0].ID); *stock != 5 {
		t.Fatalf("refused orders changed the stock to %d", *stock)
	}

	t.Run("a valid order is priced from the database and can be cancelled", func(t *testing.T) {
		req := orderFor("ok@example.com", shirt, 2)
		o, err := database.PlaceOrder(ctx, ev.ID, req)
		if err != nil {
			t.Fatal(err)
		}
		if o.TotalMinor != 3000 || len(o.Items) != 1 || o.Status != storefront.StatusPlaced || len(o.History) != 1 || len(o.Number) != 9 {
			t.Fatalf("order %+v", o)
		}
		if _, err := database.CancelOrder(ctx, other.ID, o.Number, "attendee"); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("another event cancelled the order: %v", err)
		}
		c, err := database.CancelOrder(ctx, ev.ID, o.Number, "attendee")
		if err != nil || c.Status != storefront.StatusCancelled || len(c.History) != 2 {
			t.Fatalf("cancel: %+v, %v", c, err)
		}
		if stock, _ := database.VariantStock(ctx, ev.ID, shirt.Variants[0].ID); *stock != 5 {
			t.Fatalf("stock after cancel %d, want 5", *stock)
		}
		if _, err := database.CancelOrder(ctx, ev.ID, o.Number, "attendee"); marquee.ErrorMessage(err) != "order.cancel_too_late" {
			t.Fatalf("second cancel: %v", err)
		}
	})
	t.Run("an order of another event is not found", func(t *testing.T) {
		o, err := database.PlaceOrder(ctx, ev.ID, orderFor("x@example.com", shirt, 1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := database.OrderByNumber(ctx, other.ID, o.Number); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("got %v", err)
		}
	})
}

func TestClosedEventTakesNoOrders(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	ev := newTenant(t, database, "closed-event")
	shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(5))
	if _, err := database.PlaceOrder(ctx, ev.ID, orderFor("before@example.com", shirt, 1)); err != nil {
		t.Fatalf("before the close: %v", err)
	}
	admin, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "UPDATE tenants SET closes_at = now() - interval '1 minute' WHERE id = $1", ev.ID); err != nil {
		t.Fatal(err)
	}
	_, err = database.PlaceOrder(ctx, ev.ID, orderFor("after@example.com", shirt, 1))
	if marquee.ErrorMessage(err) != "order.event_closed" {
		t.Fatalf("after the close: %v, want order.event_closed", err)
	}
	if n := countOrders(t, database, ev.ID); n != 1 {
		t.Fatalf("%d orders, want 1", n)
	}
}
