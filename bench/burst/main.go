// Command burst measures a shop opening end to end (issue 14, goal 4):
// attendees (2,000) each load the event's page and its order form, submit
// an order for one unit of a size and follow the redirect to their order,
// so many at a time (64), for a product of 1,500 units over 10 sizes; an
// attendee whose size sold out picks the next, as a person would. It prints
// orders/s, submit p50/p99, errors, units oversold and the time from the
// burst's end to the last confirmation email at a local SMTP sink. Then the
// mixed run (goal 2, mixed.go): page views at full rate over many events
// and on the hot event, with and without a steady stream of orders on it.
//
// Run it with bash bench/burst.sh (make bench-burst), which builds the
// binaries first.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"

	"marquee/bench/benchkit"
	"marquee/bench/cpuwatch"
	"marquee/db/throwaway"
)

type options struct {
	marquee     string
	attendees   int
	concurrency int
	units       int
	sizes       int
	mailWait    time.Duration
	pastEvents  int
	pastOrders  int
	mixed       mixedOptions
}

func main() {
	var o options
	flag.StringVar(&o.marquee, "marquee", "", "path of the marquee binary (required)")
	flag.IntVar(&o.attendees, "attendees", 2000, "attendees in the burst")
	flag.IntVar(&o.concurrency, "concurrency", 64, "attendees at a time")
	flag.IntVar(&o.units, "units", 1500, "units of the product, spread evenly over its sizes")
	flag.IntVar(&o.sizes, "sizes", 10, "sizes of the product")
	flag.DurationVar(&o.mailWait, "mail-wait", 3*time.Minute, "how long to wait for the last confirmation email")
	flag.IntVar(&o.pastEvents, "past-events", 200, "events with past orders, for the planner's statistics (not viewed)")
	flag.IntVar(&o.pastOrders, "past-orders", 5, "orders of each past event")
	flag.BoolVar(&o.mixed.run, "mixed", true, "run the mixed benchmark after the burst")
	flag.IntVar(&o.mixed.events, "events", 1000, "events of the mixed run's page views")
	flag.IntVar(&o.mixed.clients, "page-clients", 64, "concurrent page-view connections in the mixed run")
	flag.IntVar(&o.mixed.orderRate, "order-rate", 100, "orders per second on the hot event in the mixed run")
	flag.DurationVar(&o.mixed.duration, "mixed-duration", 10*time.Second, "length of each mixed run")
	flag.DurationVar(&o.mixed.warmUp, "warm-up", 3*time.Second, "pages over every event with orders before the mixed runs, after each event's page was viewed once")
	flag.IntVar(&o.mixed.stickerUnits, "sticker-units", 5, "units of the hot event's sticker, sold at the end of the mixed run to time the sold-out state on its page")
	flag.DurationVar(&o.mixed.statsWait, "stats-wait", 11*time.Second, "wait after each mixed run for Postgres to publish its transaction counts (idle backends report every 10 s)")
	flag.Parse()
	if o.marquee == "" {
		log.Fatal("burst: -marquee is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal("burst: ", err)
	}
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "marquee-burst-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	// A named directory keeps Postgres's default durability (fsync on).
	srv, err := throwaway.Start(ctx, throwaway.Options{Dir: filepath.Join(dir, "pg")})
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("provisioning the hot event, %d others and %d past events with %d orders each\n", o.mixed.events, o.pastEvents, o.pastOrders)
	fx, err := setUp(ctx, srv, o)
	if err != nil {
		return err
	}
	sink, err := benchkit.StartSink()
	if err != nil {
		return err
	}
	defer sink.Close()
	base, stopServe, err := benchkit.Serve(ctx, o.marquee, fx.dbURL, dir, sink)
	if err != nil {
		return err
	}
	defer stopServe()
	if err := shopOpening(ctx, base, fx, sink, o); err != nil {
		return err
	}
	if !o.mixed.run {
		return nil
	}
	return mixed(ctx, base, fx, o.mixed)
}

// burstResult is what the shop opening measured.
type burstResult struct {
	orders, soldOut, errors atomic.Int64
	firstErr                error
	mu                      sync.Mutex
	submits                 []time.Duration
}

func (r *burstResult) fail(err error) {
	r.errors.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.firstErr == nil {
		r.firstErr = err
	}
}

// shopOpening runs the burst and reports it.
func shopOpening(ctx context.Context, base string, fx fixture, sink *benchkit.Sink, o options) error {
	fmt.Printf("shop opening: %d attendees, %d at a time, %d units over %d sizes\n", o.attendees, o.concurrency, o.units, o.sizes)
	sentBefore := sink.Received.Load()
	var r burstResult
	soldOut := make([]atomic.Bool, len(fx.sizes))
	next := atomic.Int64{}
	c0 := cpuwatch.Take()
	start := time.Now()
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < o.attendees && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				attend(base, fx, i, soldOut, &r)
			}
		})
	}
	wg.Wait()
	end := time.Now()
	c1 := cpuwatch.Take()
	elapsed := end.Sub(start)
	sold, left, err := fx.unitsOf(ctx)
	if err != nil {
		return err
	}
	fmt.Println()
	fmt.Println("== Shop opening (bench/burst)")
	fmt.Printf("attendees:            %d, %d at a time; %d units over %d sizes\n", o.attendees, o.concurrency, o.units, o.sizes)
	fmt.Printf("burst:                %v, %.0f orders/s (%d orders, %d turned away sold out)\n", elapsed.Round(time.Millisecond), float64(r.orders.Load())/elapsed.Seconds(), r.orders.Load(), r.soldOut.Load())
	fmt.Printf("submit latency:       p50 %v, p99 %v\n", percentile(r.submits, 50), percentile(r.submits, 99))
	fmt.Printf("errors:               %d\n", r.errors.Load())
	fmt.Printf("units:                %d sold, %d left, %d oversold\n", sold, left, max(0, sold-o.units))
	fmt.Printf("CPU:                  %s\n", cpuwatch.Breakdown(c0, c1))
	cpuwatch.Report("the burst", c0, c1)
	if r.errors.Load() > 0 {
		return fmt.Errorf("%d errors; first: %v", r.errors.Load(), r.firstErr)
	}
	if sold > o.units || sold+left != o.units || sold != int(r.orders.Load()) {
		return fmt.Errorf("stock not exact: %d units sold for %d orders, %d left, of %d", sold, r.orders.Load(), left, o.units)
	}
	if r.soldOut.Load() > 0 && left != 0 {
		return fmt.Errorf("attendees were turned away while %d units were left", left)
	}
	want := sentBefore + r.orders.Load()
	deadline := time.Now().Add(o.mailWait)
	for sink.Received.Load() < want {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%d of %d confirmation emails after %v", sink.Received.Load()-sentBefore, r.orders.Load(), o.mailWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
	last := time.Unix(0, sink.LastAt.Load())
	fmt.Printf("emails:               %d confirmations; the last %v after the burst's end (target: within 10s)\n",
		sink.Received.Load()-sentBefore, last.Sub(end).Round(time.Millisecond))
	return nil
}

// attend is one attendee: the event's page, the order form, an order for
// one unit of a size (the next size when it sold out), the order's page.
func attend(base string, fx fixture, i int, soldOut []atomic.Bool, r *burstResult) {
	jar, _ := cookiejar.New(nil)
	// Plain pages (DisableCompression): the load generator shares the
	// server's cores, and gunzipping in the client would be charged to the
	// server's figures; wrk in the other benches asks for plain pages too.
	cl := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer cl.CloseIdleConnections()
	if _, err := get(cl, base, fx.host, "/"); err != nil {
		r.fail(fmt.Errorf("event page: %w", err))
		return
	}
	form, err := get(cl, base, fx.host, "/order")
	if err != nil {
		r.fail(fmt.Errorf("order form: %w", err))
		return
	}
	token := benchkit.CSRFToken(form)
	if token == "" {
		r.fail(fmt.Errorf("order form: no CSRF token"))
		return
	}
	email := fmt.Sprintf("attendee%d-%s@example.com", i, uuid.NewString()[:8])
	first := rand.IntN(len(fx.sizes))
	for k := range fx.sizes {
		size := (first + k) % len(fx.sizes)
		if soldOut[size].Load() {
			continue
		}
		t0 := time.Now()
		status, location, body, err := benchkit.Submit(cl, base, fx.host, token, fx.product, fx.sizes[size], email)
		r.mu.Lock()
		r.submits = append(r.submits, time.Since(t0))
		r.mu.Unlock()
		switch {
		case err != nil:
			r.fail(fmt.Errorf("submit: %w", err))
			return
		case status == http.StatusConflict:
			soldOut[size].Store(true)
			continue
		case status != http.StatusSeeOther:
			r.fail(fmt.Errorf("submit: status %d: %.300s", status, body))
			return
		}
		r.orders.Add(1)
		if _, err := get(cl, base, fx.host, location); err != nil {
			r.fail(fmt.Errorf("order page: %w", err))
		}
		return
	}
	r.soldOut.Add(1)
}

// get fetches path on host and fails on anything but 200.
func get(cl *http.Client, base, host, path string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Host = host
	res, err := cl.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d: %.300s", path, res.StatusCode, body)
	}
	return body, err
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(100 * time.Microsecond)
}
