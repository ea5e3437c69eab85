package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// TestHotVariantStockStaysExact: 100 orders at once for one variant that
// has more than enough (the popular size the minute a shop opens) all
// succeed, and the stock left is exactly what was there minus what they
// took, as the order lines say. Issue 14 asked for this under bucketed
// stock; the buckets were not built (docs/decisions.md), so it holds the
// one row every order updates. The control shows the test can fail: read
// then write loses updates.
func TestHotVariantStockStaysExact(t *testing.T) {
	const orders, initial = 100, 250
	for _, guarded := range []bool{true, false} {
		name := "100 orders for one variant with stock to spare leave the exact stock"
		if !guarded {
			name = "control: without the guard the same orders lose updates"
		}
		t.Run(name, func(t *testing.T) {
			tries := 1
			if !guarded {
				tries = 5
			}
			var left, taken, placed int
			for try := range tries {
				database := dbtest.New(t).Open(t, db.Options{MaxConns: 30})
				if !guarded {
					database.DisableGuardsForTest()
				}
				ev := newTenant(t, database, fmt.Sprintf("hot-%d", try))
				shirt := addProduct(t, database, ev.ID, storefront.Product{}, intp(initial))
				reqs := make([]storefront.OrderRequest, orders)
				taken = 0
				for i := range reqs {
					reqs[i] = orderFor(fmt.Sprintf("h%d@example.com", i), shirt, 1+i%2) // 1 or 2 units
					taken += 1 + i%2
				}
				outcomes := placeConcurrently(t, database, ev.ID, reqs)
				placed = outcomes[""]
				stock, err := database.VariantStock(context.Background(), ev.ID, shirt.Variants[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				left = *stock
				t.Logf("try %d: outcomes %v, %d units ordered, stock %d -> %d", try+1, outcomes, taken, initial, left)
				if guarded {
					if placed != orders || countOrders(t, database, ev.ID) != orders {
						t.Fatalf("%d of %d orders placed, want all (there was stock for them)", placed, orders)
					}
					if got := unitsOrdered(t, database, ev.ID); got != taken {
						t.Fatalf("the order lines hold %d units, want %d", got, taken)
					}
				}
				if left != initial-taken {
					break
				}
			}
			if !guarded {
				if left == initial-taken {
					t.Fatalf("without the guard the stock stayed exact in %d tries: the test cannot tell", tries)
				}
				return
			}
			if left != initial-taken || left <= 0 {
				t.Fatalf("stock left %d, want %d - %d = %d", left, initial, taken, initial-taken)
			}
		})
	}
}

// unitsOrdered sums the quantities of an event's order lines.
func unitsOrdered(t *testing.T, database *db.DB, tenantID uuid.UUID) int {
	t.Helper()
	var n int
	err := database.InTenant(context.Background(), tenantID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT coalesce(sum(quantity), 0) FROM order_items").Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
