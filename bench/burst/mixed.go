package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"marquee/bench/benchkit"
	"marquee/bench/cpuwatch"
)

type mixedOptions struct {
	run          bool
	events       int
	clients      int
	orderRate    int
	duration     time.Duration
	warmUp       time.Duration
	statsWait    time.Duration
	stickerUnits int
}

// pageRun is what one mixed run measured.
type pageRun struct {
	name          string
	views, orders int64
	p99           time.Duration
	xacts         int64 // transactions the database finished during the run
	seconds       float64
	cores         float64 // what the benchmark's process tree used on average
	cpu           string  // and by command
	notes         *notifications
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
	if err := warmUp(ctx, base, fx, o, all); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	var runs []pageRun
	for _, spec := range []runSpec{
		{name: "idle"},
		{name: "orders alone", orders: true},
		{name: "pages over the other events", host: all},
		{name: "pages over the other events, with orders", host: all, orders: true},
		{name: "pages on the hot event", host: hot},
		{name: "pages on the hot event, with orders", host: hot, orders: true},
	} {
		r, err := mixedRun(ctx, base, fx, o, spec)
		if err != nil {
			return fmt.Errorf("%s: %w", spec.name, err)
		}
		runs = append(runs, r)
	}
	var delay time.Duration
	if _, err := mixedRun(ctx, base, fx, o, runSpec{name: "pages on the hot event, with orders, selling its last stickers", host: hot, orders: true,
		during: func(ctx context.Context) (err error) { delay, err = soldOutDelay(ctx, base, fx); return err }}); err != nil {
		return fmt.Errorf("sold-out timing: %w", err)
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
	for _, r := range runs {
		fmt.Printf("  CPU, %-40s %.2f cores: %s\n", r.name+":", r.cores, r.cpu)
	}
	// Page views use every core they get, so what the orders take is what
	// the pages lose: the ratio cannot be above this on this machine.
	for _, r := range runs {
		if r.orders > 0 {
			fmt.Printf("  notifications per order, %-28s %.2f stock (applied in place), %.2f whole event (reloads)\n", r.name+":",
				float64(r.notes.stock.Load())/float64(r.orders), float64(r.notes.event.Load())/float64(r.orders))
		}
	}
	orderCores := max(0, ordersAlone.cores-idle.cores)
	fmt.Printf("the orders used %.2f of %d cores (orders alone less idle): page views with them can have about %.2f of the CPU they had without\n",
		orderCores, runtime.NumCPU(), 1-orderCores/float64(runtime.NumCPU()))
	fmt.Printf("ratio with/without orders, other events: %.2f (target: at least 0.90)\n", runs[3].rate()/runs[2].rate())
	fmt.Printf("ratio with/without orders, hot event:    %.2f (target: at least 0.90)\n", runs[5].rate()/runs[4].rate())
	fmt.Printf("sold out on the hot event's page:        %v after the last unit's order was sent (target: within 1s)\n", delay.Round(100*time.Microsecond))
	return nil
}

// runSpec is one mixed run: page views of host() (nil: none), orders at
// the steady rate or not, and something to do during the run (nil: none;
// then the run also waits and counts the database's transactions).
type runSpec struct {
	name   string
	host   func() string
	orders bool
	during func(ctx context.Context) error
}

// warmUp views every event's page once, then pages over all of them with
// orders arriving for o.warmUp, so that both runs of each pair start with
// the events cached and the order path (connections, prepared statements,
// the email queue) busy already: nothing measured pays for a first view.
func warmUp(ctx context.Context, base string, fx fixture, o mixedOptions, all func() string) error {
	fmt.Printf("  warm-up: every event's page once, then %v of pages with orders\n", o.warmUp)
	hosts := append([]string{fx.host}, fx.others...)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range min(o.clients, 16) {
		wg.Go(func() {
			cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}, Timeout: 10 * time.Second}
			defer cl.CloseIdleConnections()
			for i := int(next.Add(1)) - 1; i < len(hosts) && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				if err := view(ctx, cl, base, hosts[i]); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil || o.warmUp <= 0 {
		return firstErr
	}
	if _, err := mixedRun(ctx, base, fx, mixedOptions{clients: o.clients, orderRate: o.orderRate, duration: o.warmUp},
		runSpec{name: "warm-up", host: all, orders: true, during: func(context.Context) error { return nil }}); err != nil {
		return err
	}
	// The warm-up's orders (their emails) and its statistics, which idle
	// backends publish up to 10 s later, must not fall into the idle run
	// that follows: it is the baseline the others are measured against,
	// and it printed negative "transactions from page views" when they did.
	select {
	case <-time.After(o.statsWait):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// soldOutDelay sells the sticker's units one order at a time and then
// views the hot event's page until it shows the sticker sold out: the time
// from sending the order for the last unit to the first page that says so
// (an upper bound: the unit went at that order's commit, a little later).
func soldOutDelay(ctx context.Context, base string, fx fixture) (time.Duration, error) {
	cl, token, err := benchkit.NewClient(base, fx.host)
	if err != nil {
		return 0, err
	}
	defer cl.CloseIdleConnections()
	page := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}
	defer page.CloseIdleConnections()
	if out, err := stickerSoldOut(page, base, fx); err != nil || out {
		return 0, cmp.Or(err, errors.New("the sticker shows sold out before its last unit went"))
	}
	var last time.Time
	for range fx.stickerUnits {
		last = time.Now()
		status, _, body, err := benchkit.Submit(cl, base, fx.host, token, fx.sticker, fx.stickerVariant, "sticker-"+uuid.NewString()+"@example.com")
		if err == nil && status != http.StatusSeeOther {
			err = fmt.Errorf("sticker order: status %d: %.300s", status, body)
		}
		if err != nil {
			return 0, err
		}
	}
	for deadline := last.Add(10 * time.Second); ctx.Err() == nil; time.Sleep(time.Millisecond) {
		out, err := stickerSoldOut(page, base, fx)
		if err != nil {
			return 0, err
		}
		if out {
			return time.Since(last), nil
		}
		if time.Now().After(deadline) {
			return 0, errors.New("the sticker was not shown sold out within 10s of its last unit")
		}
	}
	return 0, ctx.Err()
}

// stickerSoldOut reports whether the hot event's landing page shows the
// sticker sold out: its entry in the products' list is marked so.
func stickerSoldOut(cl *http.Client, base string, fx fixture) (bool, error) {
	body, err := get(cl, base, fx.host, "/")
	if err != nil {
		return false, err
	}
	link := bytes.Index(body, []byte(`href="/products/`+fx.sticker.String()+`"`))
	item := bytes.LastIndex(body[:max(link, 0)], []byte(`<li class="product`))
	if link < 0 || item < 0 {
		return false, fmt.Errorf("the hot event's page does not list the sticker")
	}
	return bytes.HasPrefix(body[item:], []byte(`<li class="product sold-out"`)), nil
}

// mixedRun views pages of host() (nil: none) from o.clients connections
// for o.duration, with orders on the hot event at o.orderRate if orders,
// then waits for Postgres to publish its counts.
func mixedRun(ctx context.Context, base string, fx fixture, o mixedOptions, spec runSpec) (pageRun, error) {
	name, host, orders := spec.name, spec.host, spec.orders
	var before int64
	if spec.during == nil {
		var err error
		if before, err = fx.transactions(ctx); err != nil {
			return pageRun{}, err
		}
	}
	fmt.Printf("  %s\n", name)
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	r := pageRun{name: name, notes: &notifications{}}
	if orders {
		// The change notifications the orders cause, by kind.
		listening := make(chan struct{})
		listenCtx, stopListening := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); _ = r.notes.listen(listenCtx, fx.dbURL, listening) }()
		<-listening
		defer func() { stopListening(); <-done }()
	}
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
	if spec.during != nil {
		wg.Go(func() {
			if err := spec.during(runCtx); err != nil && runCtx.Err() == nil {
				fail(err)
			}
		})
	}
	if host == nil && !orders {
		<-runCtx.Done()
	}
	wg.Wait()
	r.seconds = time.Since(start).Seconds()
	c1 := cpuwatch.Take()
	r.cores, r.cpu = cpuwatch.Ours(c0, c1), cpuwatch.Breakdown(c0, c1)
	cpuwatch.Report(name, c0, c1)
	if firstErr != nil {
		return r, firstErr
	}
	r.views, r.orders, r.p99 = views.Load(), placed.Load(), percentile(latencies, 99)
	if spec.during != nil {
		return r, nil
	}
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
