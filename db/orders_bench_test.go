package db_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify/jobs"
)

// BenchmarkPlaceOrder places orders with their jobs (jobs.Enqueuer, as
// serve wires it) through PlaceOrder: one client at a time ("serial": the
// latency of an order's round trips), and 16 at once for one variant
// ("hot", every order updating one row) or spread over 100 variants. It
// reports round trips per order; ns/op is wall time per order. The
// throwaway database has fsync off, so this is the CPU and round-trip
// cost, not the disk's.
func BenchmarkPlaceOrder(b *testing.B) {
	ctx := context.Background()
	trips := &dbtest.QueryCounter{}
	database := dbtest.New(b).Open(b, db.Options{MaxConns: 16, Tracer: trips})
	inserter, err := jobs.NewInserter(database.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	database.Events = &jobs.Enqueuer{Client: inserter, PerOrderSuppliers: db.HasPerOrderSuppliers}
	ev := newTenant(b, database, "bench-orders")
	pen := addProduct(b, database, ev.ID, storefront.Product{}, intp(100_000_000))
	stocks := make([]*int, 100)
	for i := range stocks {
		stocks[i] = intp(100_000_000)
	}
	shirt := addProduct(b, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Shirt"}}, stocks...)
	var n atomic.Int64
	order := func(p storefront.Product, variant int) {
		i := n.Add(1)
		req := orderFor(fmt.Sprintf("b%d@example.com", i), p, 1)
		req.Lines[0].VariantID = p.Variants[variant%len(p.Variants)].ID
		if _, err := database.PlaceOrder(ctx, ev.ID, req); err != nil {
			b.Error(err)
		}
	}
	run := func(b *testing.B, parallel bool, p storefront.Product) {
		for range 32 { // every connection prepares its statements
			order(p, 0)
		}
		before := trips.N.Load()
		b.ReportAllocs()
		b.ResetTimer()
		if parallel {
			b.SetParallelism(8) // 16 clients on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for v := 0; pb.Next(); v++ {
					order(p, v)
				}
			})
		} else {
			for v := 0; b.Loop(); v++ {
				order(p, v)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(trips.N.Load()-before)/float64(b.N), "trips/order")
	}
	b.Run("serial", func(b *testing.B) { run(b, false, pen) })
	b.Run("hot", func(b *testing.B) { run(b, true, pen) })
	b.Run("spread", func(b *testing.B) { run(b, true, shirt) })
}
