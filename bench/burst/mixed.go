package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"marquee/bench/benchkit"
	"marquee/bench/cpuwatch"
)

type mixedOptions struct {
	run       bool
	events    int
	clients   int
	orderRate int
	duration  time.Duration
	statsWait time.Duration
}

// pageRun is what one mixed run measured.
type pageRun struct {
	name          string
	views, orders int64
	p99           time.Duration
	xacts         int64 // transactions the database finished during the run
	seconds       float64
}

func (r pageRun) rate() float64 { return float64(r.views) / r.seconds }

// mixed measures page views at full rate over the other events and on the
// hot event, each without and with orderRate orders/s on the hot event,
// and the transactions the page views caused: a run's transactions less
// those of the same time idle (no orders) or of the orders alone.
func mixed(ctx context.Context, base string, fx fixture, o mixedOptions) error {
	fmt.Printf("\nmixed run: %v per run, %d page connections, %d orders/s on the hot event\n", o.duration, o.clients, o.orderRate)
	// The burst's last transactions (its emails) are published only once
	// their backends have been idle a while: let them in before counting.
	select {
	case <-time.After(o.statsWait):
	case <-ctx.Done():
		return ctx.Err()
	}
	all := func() string { return fx.others[rand.IntN(len(fx.others))] }
	hot := func() string { return fx.host }
	var runs []pageRun
	for _, spec := range []struct {
		name   string
		host   func() string
		orders bool
	}{
		{"idle", nil, false},
		{"orders alone", nil, true},
		{"pages over the other events", all, false},
		{"pages over the other events, with orders", all, true},
		{"pages on the hot event", hot, false},
		{"pages on the hot event, with orders", hot, true},
	} {
		r, err := mixedRun(ctx, base, fx, o, spec.name, spec.host, spec.orders)
		if err != nil {
			return fmt.Errorf("%s: %w", spec.name, err)
		}
		runs = append(runs, r)
	}
	idle, ordersAlone := runs[0], runs[1]
	fmt.Println()
	fmt.Println("== Page views while orders arrive (bench/burst, mixed)")
	for _, r := range runs[2:] {
		background := idle.xacts
		if r.orders > 0 {
			background = ordersAlone.xacts
		}
		fmt.Printf("%-42s %8.0f pages/s  p99 %-8v %5d orders  ~%d transactions from page views\n",
			r.name+":", r.rate(), r.p99, r.orders, r.xacts-background)
	}
	fmt.Printf("ratio with/without orders, other events: %.2f (target: at least 0.90)\n", runs[3].rate()/runs[2].rate())
	fmt.Printf("ratio with/without orders, hot event:    %.2f (target: at least 0.90)\n", runs[5].rate()/runs[4].rate())
	return nil
}

// mixedRun views pages of host() (nil: none) from o.clients connections
// for o.duration, with orders on the hot event at o.orderRate if orders,
// then waits for Postgres to publish its counts.
func mixedRun(ctx context.Context, base string, fx fixture, o mixedOptions, name string, host func() string, orders bool) (pageRun, error) {
	before, err := fx.transactions(ctx)
	if err != nil {
		return pageRun{}, err
	}
	fmt.Printf("  %s\n", name)
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	r := pageRun{name: name}
	var views, placed atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var latencies []time.Duration
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
		cancel()
	}
	c0 := cpuwatch.Take()
	start := time.Now()
	var wg sync.WaitGroup
	if host != nil {
		for range o.clients {
			wg.Go(func() {
				// Plain pages, as in attend: no gunzip on the shared cores.
				cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}, Timeout: 10 * time.Second}
				defer cl.CloseIdleConnections()
				var own []time.Duration
				for runCtx.Err() == nil {
					t0 := time.Now()
					if err := view(runCtx, cl, base, host()); err != nil {
						if runCtx.Err() == nil {
							fail(err)
						}
						break
					}
					own = append(own, time.Since(t0))
					views.Add(1)
				}
				mu.Lock()
				latencies = append(latencies, own...)
				mu.Unlock()
			})
		}
	}
	if orders {
		wg.Go(func() {
			if err := steadyOrders(runCtx, base, fx, o.orderRate, &placed); err != nil && runCtx.Err() == nil {
				fail(err)
			}
		})
	}
	if host == nil && !orders {
		<-runCtx.Done()
	}
	wg.Wait()
	r.seconds = time.Since(start).Seconds()
	cpuwatch.Report(name, c0, cpuwatch.Take())
	if firstErr != nil {
		return r, firstErr
	}
	r.views, r.orders, r.p99 = views.Load(), placed.Load(), percentile(latencies, 99)
	select {
	case <-time.After(o.statsWait):
	case <-ctx.Done():
		return r, ctx.Err()
	}
	after, err := fx.transactions(ctx)
	r.xacts = after - before
	return r, err
}

// view loads an event's page and fails on anything but 200.
func view(ctx context.Context, cl *http.Client, base, host string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
	if err != nil {
		return err
	}
	req.Host = host
	res, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET / on %s: status %d", host, res.StatusCode)
	}
	return err
}

// steadyOrders places rate orders a second for the hot event's pen from a
// few attendee sessions until ctx ends.
func steadyOrders(ctx context.Context, base string, fx fixture, rate int, placed *atomic.Int64) error {
	const sessions = 16
	tick := time.NewTicker(time.Second / time.Duration(max(rate, 1)))
	defer tick.Stop()
	due := make(chan struct{}, sessions)
	errs := make(chan error, sessions)
	var wg sync.WaitGroup
	for range sessions {
		wg.Go(func() {
			cl, token, err := benchkit.NewClient(base, fx.host)
			if err != nil {
				errs <- err
				return
			}
			defer cl.CloseIdleConnections()
			for range due {
				status, _, body, err := benchkit.Submit(cl, base, fx.host, token, fx.pen, fx.penColour, "steady-"+uuid.NewString()+"@example.com")
				if err == nil && status != http.StatusSeeOther {
					err = fmt.Errorf("order: status %d: %.300s", status, body)
				}
				if err != nil {
					if ctx.Err() == nil {
						errs <- err
					}
					return
				}
				placed.Add(1)
			}
		})
	}
	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err = <-errs:
			break loop
		case <-tick.C:
			select {
			case due <- struct{}{}:
			default: // every session busy: the rate is not kept, and the count shows it
			}
		}
	}
	close(due)
	wg.Wait()
	return err
}
