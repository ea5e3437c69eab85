package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/bench/cpuwatch"
	"marquee/db"
)

// hotAndSpread places o.hotOrders orders all for one variant (a popular
// size the minute a shop opens), then as many spread over spreadSizes
// variants, and prints both rates and their ratio (issue 14's goal: the
// hot run at least 0.7 of the spread one). The hot variant's stock must
// have gone down by exactly the orders placed.
func hotAndSpread(ctx context.Context, base, host string, fx fixture, o options) error {
	before, err := stockOf(ctx, fx, fx.variant)
	if err != nil {
		return err
	}
	if err := analyze(ctx, fx.dbURL); err != nil {
		return err
	}
	fmt.Printf("measuring %d orders for one variant, then %d over %d variants, %d clients\n", o.hotOrders, o.hotOrders, spreadSizes, o.clients)
	c0 := cpuwatch.Take()
	hot, err := countedRun(ctx, base, host, o.clients, o.hotOrders, func(int) (uuid.UUID, uuid.UUID) { return fx.product, fx.variant })
	if err != nil {
		return fmt.Errorf("hot run: %w", err)
	}
	c1 := cpuwatch.Take()
	spread, err := countedRun(ctx, base, host, o.clients, o.hotOrders, func(i int) (uuid.UUID, uuid.UUID) {
		return fx.shirt, fx.sizes[i%len(fx.sizes)]
	})
	if err != nil {
		return fmt.Errorf("spread run: %w", err)
	}
	c2 := cpuwatch.Take()
	after, err := stockOf(ctx, fx, fx.variant)
	if err != nil {
		return err
	}
	fmt.Println()
	fmt.Println("== One hot variant against orders spread over many")
	fmt.Printf("hot (1 variant):      %.0f orders/s (%d orders; p50 %v, p99 %v)\n", hot.perSecond(), hot.orders, percentile(hot.latencies, 50), percentile(hot.latencies, 99))
	fmt.Printf("spread (%d variants): %.0f orders/s (%d orders; p50 %v, p99 %v)\n", spreadSizes, spread.perSecond(), spread.orders, percentile(spread.latencies, 50), percentile(spread.latencies, 99))
	fmt.Printf("ratio hot/spread:     %.2f (target: at least 0.70, issue 14)\n", hot.perSecond()/spread.perSecond())
	fmt.Printf("hot variant's stock:  %d before, %d after, %d taken for %d orders\n", before, after, before-after, hot.orders)
	fmt.Printf("CPU per order, hot:   %s\n", cpuwatch.PerUnit(c0, c1, hot.orders))
	fmt.Printf("CPU per order, spread: %s\n", cpuwatch.PerUnit(c1, c2, spread.orders))
	cpuwatch.Report("the hot run", c0, c1)
	cpuwatch.Report("the spread run", c1, c2)
	if before-after != hot.orders {
		return fmt.Errorf("the hot variant's stock went down by %d for %d orders", before-after, hot.orders)
	}
	return nil
}

// countedRun places n orders from clients at once, order i for the
// product and variant pick(i) names.
func countedRun(ctx context.Context, base, host string, clients, n int, pick func(int) (uuid.UUID, uuid.UUID)) (result, error) {
	var next, orders atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			cl, err := newClient(base, host)
			if err != nil {
				fail(err)
				return
			}
			defer cl.close()
			var own []time.Duration
			for i := int(next.Add(1)) - 1; i < n && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				product, variant := pick(i)
				t0 := time.Now()
				if err := cl.placeOrder(product, variant, fmt.Sprintf("h%d-%d-%s@example.com", c, i, uuid.NewString()[:8])); err != nil {
					fail(err)
					continue
				}
				own = append(own, time.Since(t0))
				orders.Add(1)
			}
			mu.Lock()
			latencies = append(latencies, own...)
			mu.Unlock()
		})
	}
	wg.Wait()
	r := result{orders: orders.Load(), elapsed: time.Since(start), latencies: latencies}
	r.failures = int64(n) - r.orders
	if firstErr != nil || r.failures > 0 {
		return r, fmt.Errorf("%d of %d orders failed; first: %v", r.failures, n, firstErr)
	}
	return r, ctx.Err()
}

// stockOf reads a variant's stock as the event sees it.
func stockOf(ctx context.Context, fx fixture, variant uuid.UUID) (int64, error) {
	database, err := db.Open(ctx, fx.dbURL, db.Options{MaxConns: 1})
	if err != nil {
		return 0, err
	}
	defer database.Close()
	var stock int64
	err = database.InTenant(ctx, fx.tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT stock FROM variants WHERE id = $1", variant).Scan(&stock)
	})
	return stock, err
}
