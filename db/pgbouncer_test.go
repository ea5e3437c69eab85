package db_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant/staff"
)

// The app behind Debian's PgBouncer (1.18) in transaction pooling mode:
// DATABASE_URL through the pooler, DATABASE_DIRECT_URL for the LISTEN.

// throughPgBouncer is the app's pool through a pgbouncer of serverConns
// server connections in front of d, and d's direct URL for LISTEN.
func throughPgBouncer(t *testing.T, d *dbtest.Database, pb *dbtest.PgBouncer, maxConns int32) *db.DB {
	t.Helper()
	database, err := db.Open(context.Background(), pb.URL, db.Options{MaxConns: maxConns, DirectURL: d.OwnerURL})
	if err != nil {
		t.Fatalf("open through pgbouncer: %v\n%s", err, pb.Log())
	}
	t.Cleanup(database.Close)
	return database
}

// placeThrough places n orders of one unit of a variant from
// workers goroutines and returns what each returned.
func placeThrough(database *db.DB, id, productID, variantID uuid.UUID, n, workers int) ([]string, []error) {
	var mu sync.Mutex
	var numbers []string
	var errs []error
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range jobs {
				o, err := database.PlaceOrder(context.Background(), id, orderOf(productID, variantID))
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					numbers = append(numbers, o.Number)
				}
				mu.Unlock()
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return numbers, errs
}

func TestOrdersThroughPgBouncer(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	pb := d.PgBouncer(t, 2)
	// More client connections than server ones: consecutive transactions
	// of one client run on either server connection.
	database := throughPgBouncer(t, d, pb, 8)
	ev := newTenant(t, database, "pooled-orders")
	p := dbtest.SizedProduct(t, database, ev.ID, "Pooled shirt")

	numbers, errs := placeThrough(database, ev.ID, p.ID, p.Variants[0].ID, 40, 8)
	if len(errs) > 0 {
		t.Fatalf("%d of 40 orders failed through pgbouncer, first: %v\n%s", len(errs), errs[0], pb.Log())
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM orders WHERE tenant_id = $1", ev.ID); n != 40 {
		t.Fatalf("%d orders in the database, want 40", n)
	}
	for _, number := range numbers {
		o, err := database.OrderByNumber(ctx, ev.ID, number)
		if err != nil || o.Number != number || len(o.Items) != 1 {
			t.Fatalf("order %s read back through pgbouncer: %+v, %v", number, o, err)
		}
	}
	t.Run("a resubmitted order is one order", func(t *testing.T) {
		req := orderOf(p.ID, p.Variants[1].ID)
		first, err := database.PlaceOrder(ctx, ev.ID, req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := database.PlaceOrder(ctx, ev.ID, req)
		if err != nil || again.Number != first.Number {
			t.Fatalf("resubmitted: %v, %v; want order %s again", again, err, first.Number)
		}
	})

	// Control: pgx's default, named prepared statements, breaks behind
	// this pooler, which is why DATABASE_URL says default_query_exec_mode.
	t.Run("named prepared statements fail through it", func(t *testing.T) {
		named, err := db.Open(ctx, strings.Replace(pb.URL, "&"+dbtest.PoolerExecMode, "", 1), db.Options{MaxConns: 8})
		if err == nil {
			defer named.Close()
			_, errs = placeThrough(named, ev.ID, p.ID, p.Variants[2].ID, 40, 8)
		}
		t.Logf("open: %v; %d of 40 orders failed, first: %v", err, len(errs), firstErr(errs))
		if err == nil && len(errs) == 0 {
			t.Fatal("40 orders with named prepared statements all succeeded through pgbouncer: this test no longer shows why the mode matters")
		}
	})
}

func orderOf(productID, variantID uuid.UUID) storefront.OrderRequest {
	return storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: uuid.NewString()[:8] + "@example.com", Name: "Pooled buyer", Locale: "en",
		Lines: []storefront.Line{{ProductID: productID, VariantID: variantID, Quantity: 1}}}
}

func TestConsoleSignInThroughPgBouncer(t *testing.T) {
	d := dbtest.New(t)
	pb := d.PgBouncer(t, 1)
	database := throughPgBouncer(t, d, pb, 4)
	store := db.NewStaffStore(database, staff.Policy{Password: cheapHashing})
	ada := newStaffWithPassword(t, store, "ada@example.com")
	token := login(t, store, "ada@example.com", "192.0.2.1", t0)
	who, sess, err := store.Session(context.Background(), token, t0.Add(time.Minute))
	if err != nil || who.ID != ada.ID || sess.StaffID != ada.ID {
		t.Fatalf("session through pgbouncer: %+v %+v %v\n%s", who, sess, err, pb.Log())
	}
	if err := store.Logout(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	wantSession(t, store, token, t0.Add(2*time.Minute), false)
}

// A session's SET ROLE through a transaction pooler stays on the server
// connection for whichever client runs on it next; the app never sets
// one there, and its every transaction sets its own role, so even a
// leaked platform role does not lift row-level security from requests.
func TestRoleCannotLeakThroughPgBouncer(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	pb := d.PgBouncer(t, 1) // one server connection: every client shares it
	database := throughPgBouncer(t, d, pb, 4)
	a := newTenant(t, database, "leak-a")
	b := newTenant(t, database, "leak-b")
	p := dbtest.SizedProduct(t, database, b.ID, "B's shirt")
	bOrder := dbtest.PlaceOrder(t, database, b.ID, p, 0, "Bea")

	// What the platform pool did per session before: SET ROLE.
	leaker, err := pgx.Connect(ctx, pb.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer leaker.Close(ctx)
	if _, err := leaker.Exec(ctx, "SET ROLE "+db.PlatformRole); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = leaker.Exec(context.WithoutCancel(ctx), "RESET ROLE") })
	bystander, err := pgx.Connect(ctx, pb.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer bystander.Close(ctx)
	var leaked string
	if err := bystander.QueryRow(ctx, "SELECT current_user").Scan(&leaked); err != nil {
		t.Fatal(err)
	}
	if leaked != db.PlatformRole {
		t.Fatalf("another client runs as %s after one client's SET ROLE; the test needs the role to leak (one server connection)", leaked)
	}

	var wg sync.WaitGroup
	fail := make(chan string, 100)
	for range 3 {
		wg.Go(func() {
			for range 30 {
				var user string
				var tenants, brandings int
				err := database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
					return tx.QueryRow(ctx, "SELECT current_user, (SELECT count(*) FROM tenants), (SELECT count(*) FROM brandings)").Scan(&user, &tenants, &brandings)
				})
				if err != nil || user != db.AppRole || tenants != 1 || brandings != 1 {
					fail <- fmt.Sprintf("A's transaction ran as %s and saw %d tenants and %d brandings (%v); want %s, 1 and 1", user, tenants, brandings, err, db.AppRole)
					return
				}
				if _, err := database.OrderByNumber(ctx, a.ID, bOrder.Number); marquee.ErrorCode(err) != marquee.ENOTFOUND {
					fail <- fmt.Sprintf("A reads B's order: %v, want not found", err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 30 {
			var n int
			err := database.InPlatform(ctx, func(tx pgx.Tx) error {
				return tx.QueryRow(ctx, "SELECT count(*) FROM tenants").Scan(&n)
			})
			if err != nil || n < 2 {
				fail <- fmt.Sprintf("platform transaction saw %d tenants (%v), want 2 or more", n, err)
				return
			}
		}
	})
	wg.Wait()
	close(fail)
	for f := range fail {
		t.Error(f)
	}
}

func firstErr(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}

// A change made through the pooler reaches another replica's caches:
// its LISTEN holds a direct connection (DATABASE_DIRECT_URL).
func TestTenantChangesReachTheDirectListenerThroughPgBouncer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t)
	pb := d.PgBouncer(t, 2)
	writer := throughPgBouncer(t, d, pb, 4)
	reader := throughPgBouncer(t, d, pb, 4)
	ev := newTenant(t, writer, "pooled-change")
	changed, ready := make(chan uuid.UUID, 10), make(chan struct{}, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		reader.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), db.ChangeHandlers{
			Changed: func(id uuid.UUID) { changed <- id },
			Reset:   func() { ready <- struct{}{} },
		})
	}()
	defer func() { cancel(); <-done }()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener did not connect")
	}
	err := writer.InTenantChanging(ctx, ev.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE brandings SET theme = theme WHERE tenant_id = $1", ev.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-changed:
		if id != ev.ID {
			t.Fatalf("heard of %s, want %s", id, ev.ID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a change made through pgbouncer never reached the other pool's listener")
	}
}

// Behind a transaction pooler the request pool's connections run as the
// login role (the owner) until a transaction switches, so nothing may
// send a query on the pool outside the helpers that switch first
// (InTenant, InPlatform, the one-trip reads, the order's batches), nor
// through River's client outside a transaction (its pool is the request
// pool in serve): the Tx methods take the caller's transaction.
func TestNothingQueriesThePoolOutsideATransaction(t *testing.T) {
	bare := regexp.MustCompile(`\.Pool\.(Query|QueryRow|Exec|SendBatch|CopyFrom|Begin|BeginTx|Acquire)\(|` +
		`\.(JobList|JobRetry|JobCancel|JobDelete|JobGet|Insert|InsertMany|InsertManyFast|QueueList|QueueGet|QueuePause|QueueResume)\(ctx`)
	allowed := map[string]string{
		"db/unavailable.go": "db.Pool.Begin(",   // begin: every transaction's first statement sets its role
		"db/onetrip.go":     "db.Pool.Acquire(", // acquireConn: the trips and the order send TenantSet first
	}
	found := 0
	err := filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == ".git" || e.Name() == "node_modules" || e.Name() == "testdata") {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, "../"))
		for i, line := range strings.Split(string(src), "\n") {
			if m := bare.FindString(line); m != "" {
				found++
				if want, ok := allowed[rel]; !ok || !strings.Contains(line, want) {
					t.Errorf("%s:%d: %s outside a transaction that sets its role: %s", rel, i+1, m, strings.TrimSpace(line))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < len(allowed) {
		t.Fatalf("the scan found %d uses, fewer than the %d allowed ones: it no longer reads the source", found, len(allowed))
	}
}
