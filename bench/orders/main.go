// Command orders measures order placement: orders per second that many
// concurrent clients place through `marquee serve` (the whole path: HTTP,
// CSRF, form validation, the order transaction), printed beside pgbench
// running a transaction of the same shape on the same database in the same
// run. Postgres runs with its default durability (fsync on).
//
// Run it with bash bench/orders.sh, which builds the binaries first.
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/bench/benchkit"
	"marquee/bench/cpuwatch"
	"marquee/branding"
	"marquee/db"
	"marquee/db/throwaway"
	"marquee/storefront"
	"marquee/tenant"
)

type options struct {
	marquee  string        // path of the marquee binary
	clients  int           // concurrent clients (HTTP) and pgbench connections
	duration time.Duration // each measured run
	warmup   time.Duration
	durable  bool // Postgres defaults (fsync on); false shows the CPU-bound case
	mail     bool // workers in serve send every confirmation to a local SMTP sink
	// hotOrders: orders of the hot-variant run and of the spread run
	hotOrders int
}

func main() {
	var o options
	flag.StringVar(&o.marquee, "marquee", "", "path of the marquee binary (required)")
	flag.IntVar(&o.clients, "clients", 16, "concurrent clients, and pgbench connections")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured run")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before the marquee run")
	flag.BoolVar(&o.durable, "durable", true, "run Postgres with its default durability (fsync on); false turns fsync off to compare CPU cost")
	flag.BoolVar(&o.mail, "mail", false, "let serve's workers (WORKERS, default 10) send the confirmations to a local SMTP sink during the run and report the send rate beside the order rate; pgbench is skipped")
	flag.IntVar(&o.hotOrders, "hot-orders", 1000, "orders of the run on one variant, and of the run spread over many (0: skip both)")
	flag.Parse()
	if o.marquee == "" {
		log.Fatal("orders: -marquee is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal("orders: ", err)
	}
}

// fixture is the event the orders go to.
type fixture struct {
	dbURL                    string
	tenant, product, variant uuid.UUID
	// shirt's sizes, for the run whose orders are spread over many
	// variants
	shirt uuid.UUID
	sizes []uuid.UUID
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "marquee-orders-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	// A named directory keeps Postgres's default durability (fsync on);
	// only anonymous throwaway servers turn it off.
	pgDir := filepath.Join(dir, "pg")
	if !o.durable {
		pgDir = ""
	}
	srv, err := throwaway.Start(ctx, throwaway.Options{Dir: pgDir})
	if err != nil {
		return err
	}
	defer srv.Stop()
	fx, err := setUp(ctx, srv)
	if err != nil {
		return err
	}
	var mailSink *benchkit.Sink
	if o.mail {
		if mailSink, err = benchkit.StartSink(); err != nil {
			return err
		}
		defer mailSink.Close()
	}
	serveURL, stopServe, err := benchkit.Serve(ctx, o.marquee, fx.dbURL, dir, mailSink)
	if err != nil {
		return err
	}
	defer stopServe()
	host := "orderbench.bench.test"
	fmt.Printf("warming up for %v with %d clients\n", o.warmup, o.clients)
	warm, err := load(ctx, serveURL, host, fx, o.clients, o.warmup)
	if err != nil {
		return err
	}
	if err := analyze(ctx, fx.dbURL); err != nil {
		return err
	}
	fmt.Printf("measuring marquee for %v with %d clients\n", o.duration, o.clients)
	sentBefore := int64(0)
	if mailSink != nil {
		sentBefore = mailSink.Received.Load()
	}
	c0 := cpuwatch.Take()
	m, err := load(ctx, serveURL, host, fx, o.clients, o.duration)
	if err != nil {
		return err
	}
	c1 := cpuwatch.Take()
	if mailSink != nil {
		return reportMail(ctx, m, mailSink, sentBefore, warm.orders+m.orders, o)
	}
	if err := analyze(ctx, fx.dbURL); err != nil {
		return err
	}
	fmt.Printf("measuring pgbench for %v with %d connections\n", o.duration, o.clients)
	c2 := cpuwatch.Take()
	pgTPS, pgOut, err := pgbench(ctx, fx, o)
	if err != nil {
		return err
	}
	c3 := cpuwatch.Take()
	report(m, pgTPS, pgOut, o)
	fmt.Printf("CPU per order, marquee run: %s\n", cpuwatch.PerUnit(c0, c1, m.orders))
	fmt.Printf("CPU per order, pgbench run: %s\n", cpuwatch.PerUnit(c2, c3, pgTransactions(pgOut)))
	cpuwatch.Report("the marquee run", c0, c1)
	cpuwatch.Report("the pgbench run", c2, c3)
	if o.hotOrders > 0 {
		return hotAndSpread(ctx, serveURL, host, fx, o)
	}
	return nil
}

// setUp creates the owner's database, migrates it and provisions one event
// with a free product whose one variant has (ample) stock: every order takes
// that row's lock, the worst case of a popular free t-shirt size.
var ampleStock = 100_000_000

// spreadSizes is how many variants the spread run's orders go to.
const spreadSizes = 100

func setUp(ctx context.Context, srv *throwaway.Server) (fixture, error) {
	url, err := srv.EnsureOwnerDatabase(ctx, "bench_owner", "bench")
	if err != nil {
		return fixture{}, err
	}
	if _, err := db.Migrate(ctx, url); err != nil {
		return fixture{}, err
	}
	database, err := db.Open(ctx, url, db.Options{MaxConns: 2})
	if err != nil {
		return fixture{}, err
	}
	defer database.Close()
	ev, err := database.CreateTenant(ctx,
		tenant.Tenant{Slug: "orderbench", Name: "Bench shop", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "Bench shop"}}})
	if err != nil {
		return fixture{}, err
	}
	pen, err := database.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Pen"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Blue"}, Stock: &ampleStock}}})
	if err != nil {
		return fixture{}, err
	}
	shirt := storefront.Product{Name: storefront.Text{"en": "Shirt"}, Visible: true}
	for i := range spreadSizes {
		shirt.Variants = append(shirt.Variants, storefront.Variant{Label: storefront.Text{"en": fmt.Sprintf("Size %d", i)}, Position: i, Stock: &ampleStock})
	}
	if shirt, err = database.AddProduct(ctx, ev.ID, shirt); err != nil {
		return fixture{}, err
	}
	fx := fixture{dbURL: url, tenant: ev.ID, product: pen.ID, variant: pen.Variants[0].ID, shirt: shirt.ID}
	for _, v := range shirt.Variants {
		fx.sizes = append(fx.sizes, v.ID)
	}
	return fx, nil
}

// result is what a load run measured.
type result struct {
	orders, failures int64
	elapsed          time.Duration
	latencies        []time.Duration
}

func (r result) perSecond() float64 { return float64(r.orders) / r.elapsed.Seconds() }

// load runs clients that each open the order form once (cookie and CSRF
// token, like a browser) and then place orders back to back until d passes.
func load(ctx context.Context, base, host string, fx fixture, clients int, d time.Duration) (result, error) {
	var orders, failures atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	var firstErr error
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			cl, err := newClient(base, host)
			if err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
				return
			}
			defer cl.close()
			var own []time.Duration
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				t0 := time.Now()
				if err := cl.placeOrder(fx.product, fx.variant, fmt.Sprintf("c%d-%d-%s@example.com", c, n, uuid.NewString()[:8])); err != nil {
					failures.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
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
	r := result{orders: orders.Load(), failures: failures.Load(), elapsed: time.Since(start), latencies: latencies}
	if r.failures > 0 || firstErr != nil {
		return r, fmt.Errorf("%d failed orders; first: %v", r.failures, firstErr)
	}
	return r, nil
}

var (
	tpsLine          = regexp.MustCompile(`tps = ([0-9.]+)`)
	transactionsLine = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
)

// pgTransactions is how many transactions pgbench's output says it ran.
func pgTransactions(out string) int64 {
	m := transactionsLine.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// pgbench runs the order transaction of order.pgbench.sql, connected as
// the owner of the database and switched to marquee_app, as the pool is.
func pgbench(ctx context.Context, fx fixture, o options) (float64, string, error) {
	pgbenchBin, err := findPgbench()
	if err != nil {
		return 0, "", err
	}
	script, err := filepath.Abs(filepath.Join("bench", "orders", "order.pgbench.sql"))
	if err != nil {
		return 0, "", err
	}
	cmd := exec.CommandContext(ctx, pgbenchBin, "-n", "-M", "prepared",
		"-c", strconv.Itoa(o.clients), "-j", "2", "-T", strconv.Itoa(int(o.duration.Seconds())),
		"-D", "tenant="+fx.tenant.String(), "-D", "product="+fx.product.String(), "-D", "variant="+fx.variant.String(),
		"-f", script, fx.dbURL)
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c role=marquee_app")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return 0, out.String(), fmt.Errorf("pgbench: %v\n%s", err, out.String())
	}
	m := tpsLine.FindStringSubmatch(out.String())
	if m == nil {
		return 0, out.String(), fmt.Errorf("pgbench printed no tps:\n%s", out.String())
	}
	tps, _ := strconv.ParseFloat(m[1], 64)
	return tps, out.String(), nil
}

// findPgbench looks beside the server binaries, on PATH, then in Debian's
// PostgreSQL directories (pgbench ships with the server package there).
func findPgbench() (string, error) {
	if dir, err := throwaway.FindBinaries(); err == nil {
		if p := filepath.Join(dir, "pgbench"); isFile(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", errors.New("pgbench not found: install the PostgreSQL server package")
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func report(m result, pgTPS float64, pgOut string, o options) {
	fmt.Println()
	fmt.Println("== Order placement (bench/orders.sh)")
	durability := "Postgres defaults (fsync on)"
	if !o.durable {
		durability = "fsync off (CPU-bound comparison)"
	}
	fmt.Printf("clients/connections:  %d, %v each run, %s\n", o.clients, o.duration, durability)
	fmt.Printf("marquee serve:        %.0f orders/s (%d orders, 0 failures; latency p50 %v, p99 %v)\n",
		m.perSecond(), m.orders, percentile(m.latencies, 50), percentile(m.latencies, 99))
	fmt.Printf("pgbench, same shape:  %.0f transactions/s\n", pgTPS)
	fmt.Printf("ratio marquee/pgbench: %.2f (target: at least 0.80, issue 14)\n", m.perSecond()/pgTPS)
	for _, line := range strings.Split(pgOut, "\n") {
		if strings.HasPrefix(line, "latency average") {
			fmt.Println("pgbench " + line)
		}
	}
}

// reportMail waits until every order's confirmation reached the sink and
// prints the send rate beside the order rate: during the measured load,
// and while the backlog left at its end drains.
func reportMail(ctx context.Context, m result, s *benchkit.Sink, sentBefore, orders int64, o options) error {
	loadEnd := time.Now()
	sentDuring := s.Received.Load() - sentBefore
	backlog := orders - s.Received.Load()
	deadline := loadEnd.Add(5 * time.Minute)
	for s.Received.Load() < orders {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%d of %d confirmations received 5 minutes after the load", s.Received.Load(), orders)
		}
		time.Sleep(10 * time.Millisecond)
	}
	drain := time.Unix(0, s.LastAt.Load()).Sub(loadEnd)
	if drain < 0 {
		drain = 0
	}
	time.Sleep(2 * time.Second) // a confirmation sent twice would arrive by now
	fmt.Println()
	fmt.Println("== Order placement with email (bench/orders.sh, BENCH_MAIL=true)")
	fmt.Printf("clients:               %d, %v measured, Postgres defaults: %v\n", o.clients, o.duration, o.durable)
	fmt.Printf("WORKERS:               %s\n", cmp.Or(os.Getenv("WORKERS"), "(default)"))
	fmt.Printf("orders:                %.0f orders/s (%d orders; latency p50 %v, p99 %v)\n",
		m.perSecond(), m.orders, percentile(m.latencies, 50), percentile(m.latencies, 99))
	fmt.Printf("confirmations sent:    %.0f emails/s during the measured load (%d)\n", float64(sentDuring)/m.elapsed.Seconds(), sentDuring)
	fmt.Printf("backlog at the end:    %d confirmations not yet sent\n", backlog)
	fmt.Printf("drained in:            %v after the load ended\n", drain.Round(10*time.Millisecond))
	fmt.Printf("received in all:       %d emails for %d orders (warm-up included)\n", s.Received.Load(), orders)
	if got := s.Received.Load(); got != orders {
		return fmt.Errorf("%d emails for %d orders: each order must get exactly one", got, orders)
	}
	return nil
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[(len(sorted)-1)*p/100].Round(100 * time.Microsecond)
}

// analyze vacuums and analyzes the bench database before each measured
// run, as autovacuum would in service. Statistics: on tables it has never
// analyzed, Postgres looked an event's orders up through the wrong index
// and each order cost more than the one before, so runs of the same code
// printed 527 and 1,076 orders/s depending on whether autovacuum happened
// to visit during the warm-up (bench-burst gives its platform a history
// for the same reason). Vacuum: every run updates the same variant's row,
// and the dead versions a run leaves made the next run's updates of it
// slower (pgbench after marquee paid 2.3 ms of Postgres CPU per order,
// marquee before it 1.0 ms), so the order of the runs decided the ratio.
func analyze(ctx context.Context, ownerURL string) error {
	conn, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "VACUUM (ANALYZE)")
	return err
}
