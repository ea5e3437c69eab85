package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/db/dbtest"
	"marquee/db/throwaway"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// TestDatabaseOutageUnderOrderLoad restarts Postgres (a fast shutdown and
// a start, as `pg_ctl restart -m fast`), then stops it for 10 s, while
// attendees place orders and view the event's pages without pause. No
// response is a 500: pages already viewed keep answering 200, orders that
// cannot be placed get the event's own 503 page with Retry-After, the
// console and the API answer 503 in their own way, every acknowledged order
// is in the database afterwards, and each failed request is one log line.
func TestDatabaseOutageUnderOrderLoad(t *testing.T) {
	ctx := context.Background()
	pg, err := throwaway.Start(ctx, throwaway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Stop() })
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	s := startServerOn(t, cfg, dbtest.NewOn(t, pg.AdminURL()))
	halted := false
	t.Cleanup(func() { // the database must be back to be dropped
		if halted {
			_ = pg.Resume(ctx)
		}
	})
	o := newOutageShop(t, s)
	console, token := o.consoleAndToken(t)

	pages := []string{"/", "/products/" + o.hoodie.ID.String(), "/order"}
	for _, p := range pages {
		if st, _, _, err := o.visit(http.MethodGet, p, nil, nil); err != nil || st != http.StatusOK {
			t.Fatalf("before the outage %s: %d, %v", p, st, err)
		}
	}

	load := o.startLoad(pages)
	time.Sleep(time.Second)
	pg.Halt()
	if err := pg.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	load.waitForMoreOrders(t, 20*time.Second)
	time.Sleep(time.Second) // ordering as usual again
	t.Logf("restarted: %v", load.summary())

	pg.Halt()
	halted = true
	stoppedAt := time.Now()
	time.Sleep(2 * time.Second)
	t.Run("an order during the outage gets the event's 503 page with Retry-After", func(t *testing.T) {
		attendee := newJarClient()
		form, _, err := o.orderForm(attendee)
		if err != nil {
			t.Fatal(err)
		}
		st, header, doc, err := o.visit(http.MethodPost, "/order", attendee, form)
		if err != nil {
			t.Fatal(err)
		}
		if st != http.StatusServiceUnavailable || header.Get("Retry-After") == "" {
			t.Fatalf("status %d, Retry-After %q", st, header.Get("Retry-After"))
		}
		if got := strings.TrimSpace(doc.Find(".event-name").Text()); got != "Welcome to outage" {
			t.Errorf("the 503 page is not the event's: event name %q", got)
		}
		if got := strings.TrimSpace(doc.Find("h1").Text()); got != "Temporarily unavailable" {
			t.Errorf("heading %q", got)
		}
	})
	t.Run("the console answers its 503 page with Retry-After", func(t *testing.T) {
		r := console.do(http.MethodGet, "/", "", "")
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
			t.Fatalf("status %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		if got := r.text("h1"); got != "Temporarily unavailable" {
			t.Errorf("heading %q", got)
		}
	})
	t.Run("the API answers a JSON 503", func(t *testing.T) {
		r := s.api(http.MethodGet, "/api/v1/events", token, "")
		code, _ := r.body["error"].(map[string]any)["code"].(string)
		if r.status != http.StatusServiceUnavailable || code != "unavailable" || r.header.Get("Retry-After") == "" {
			t.Fatalf("status %d, code %q, Retry-After %q", r.status, code, r.header.Get("Retry-After"))
		}
	})
	time.Sleep(10*time.Second - time.Since(stoppedAt))
	if err := pg.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	halted = false
	load.waitForMoreOrders(t, 20*time.Second)
	time.Sleep(time.Second)
	load.stop()
	t.Logf("after 10 s stopped: %v", load.summary())

	t.Run("no response is a 500", func(t *testing.T) {
		for status, n := range load.statuses() {
			if status >= 500 && status != http.StatusServiceUnavailable {
				t.Errorf("%d responses with status %d", n, status)
			}
		}
		if e := load.transportErrors(); len(e) > 0 {
			t.Errorf("%d requests got no response, the first: %v", len(e), e[0])
		}
	})
	t.Run("orders failed with 503 while the database was away", func(t *testing.T) {
		if load.statuses()[http.StatusServiceUnavailable] == 0 {
			t.Fatal("no order was refused: the outage did not happen")
		}
	})
	t.Run("pages already viewed keep answering 200", func(t *testing.T) {
		for page, byStatus := range load.views() {
			for status, n := range byStatus {
				if status != http.StatusOK {
					t.Errorf("%s: %d views answered %d", page, n, status)
				}
			}
		}
	})
	t.Run("every acknowledged order is in the database", func(t *testing.T) {
		acked := load.acknowledged()
		stored := countRows(t, s.adminURL, "SELECT count(*) FROM orders WHERE tenant_id = $1 AND number = ANY($2)", o.ev.ID, acked)
		if stored != len(acked) {
			t.Fatalf("%d of %d acknowledged orders stored", stored, len(acked))
		}
	})
	t.Run("a failed request is one log line, with its cause", func(t *testing.T) {
		checkOneLinePerFailure(t, s.logs.entries(t, ""))
	})
}

// outageShop is an event with a stocked product (every order changes its
// stock, so every order makes each replica forget the event's cache).
type outageShop struct {
	s      *testServer
	ev     *tenant.Tenant
	hoodie storefront.Product
	host   string
	viewer *http.Client
}

func newOutageShop(t *testing.T, s *testServer) *outageShop {
	t.Helper()
	ev := s.event("outage", tenant.StatusActive, blue)
	stock := 1_000_000
	hoodie, err := s.db.AddProduct(context.Background(), ev.ID, storefront.Product{Name: storefront.Text{"en": "Hoodie"},
		Visible: true, PriceMinor: 3500, Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}, Stock: &stock}}})
	if err != nil {
		t.Fatal(err)
	}
	return &outageShop{s: s, ev: ev, hoodie: hoodie, host: "outage." + testBase, viewer: newJarClient()}
}

// consoleAndToken signs a staff member of the event in to the console and
// makes an API token, both while the database is up.
func (o *outageShop) consoleAndToken(t *testing.T) (*shop, string) {
	t.Helper()
	ctx := context.Background()
	st, err := o.s.platform.staff.CreateStaff(ctx, "ops@example.com", "Ops", false)
	if err == nil {
		err = o.s.platform.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1")
	}
	if err == nil {
		err = o.s.platform.staff.SetRole(ctx, st.ID, o.ev.ID, st.ID, staff.RoleMarketing)
	}
	if err != nil {
		t.Fatal(err)
	}
	b := o.s.browser()
	if r := signIn(b, "ops@example.com", "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	token, _, err := o.s.db.CreateAPIToken(ctx, "ops", []string{"events:read"})
	if err != nil {
		t.Fatal(err)
	}
	return b, token
}

func newJarClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// visit sends a request to the event's host with client (nil: the shared
// viewer) and a form body (nil: none); it never fails the test itself, so
// the load's goroutines may call it.
func (o *outageShop) visit(method, path string, client *http.Client, form url.Values) (int, http.Header, *goquery.Document, error) {
	if client == nil {
		client = o.viewer
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, o.s.url+path, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Host = o.host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	return res.StatusCode, res.Header, doc, err
}

// orderForm opens the order form with client and fills in one hoodie. It
// returns the status of the form page too.
func (o *outageShop) orderForm(client *http.Client) (url.Values, int, error) {
	st, _, doc, err := o.visit(http.MethodGet, "/order", client, nil)
	if err != nil || st != http.StatusOK {
		return nil, st, err
	}
	v := url.Values{}
	doc.Find("form.order-form input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		value, _ := s.Attr("value")
		v.Set(name, value)
	})
	v.Set("line.0.quantity", "1")
	v.Set("name", "Ada Lovelace")
	v.Set("email", fmt.Sprintf("ada+%s@example.com", v.Get("idempotency_key")))
	v.Set("action", "place")
	return v, st, nil
}

// outageLoad is attendees ordering and viewing pages until stopped.
type outageLoad struct {
	o    *outageShop
	done chan struct{}
	wg   sync.WaitGroup

	mu        sync.Mutex
	byStatus  map[int]int            // every response, orders and views
	byPage    map[string]map[int]int // views of pages seen before the outage
	numbers   []string               // acknowledged orders
	transport []error
}

// startLoad starts three attendees who place orders one after another and
// two who keep viewing pages.
func (o *outageShop) startLoad(pages []string) *outageLoad {
	l := &outageLoad{o: o, done: make(chan struct{}), byStatus: map[int]int{}, byPage: map[string]map[int]int{}}
	for range 3 {
		l.wg.Go(l.order)
	}
	for range 2 {
		l.wg.Go(func() { l.view(pages) })
	}
	return l
}

func (l *outageLoad) running() bool {
	select {
	case <-l.done:
		return false
	default:
		return true
	}
}

var orderNumber = regexp.MustCompile(`^/orders/([^/?]+)\?`)

func (l *outageLoad) order() {
	client := newJarClient()
	for l.running() {
		form, st, err := l.o.orderForm(client)
		l.record("/order", st, err)
		if form == nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		st, header, _, err := l.o.visit(http.MethodPost, "/order", client, form)
		l.record("", st, err)
		if m := orderNumber.FindStringSubmatch(header.Get("Location")); st == http.StatusSeeOther && m != nil {
			l.mu.Lock()
			l.numbers = append(l.numbers, m[1])
			l.mu.Unlock()
		}
		if st == http.StatusServiceUnavailable {
			time.Sleep(50 * time.Millisecond) // as Retry-After asks, roughly
		}
	}
}

func (l *outageLoad) view(pages []string) {
	for i := 0; l.running(); i++ {
		page := pages[i%len(pages)]
		st, _, _, err := l.o.visit(http.MethodGet, page, nil, nil)
		l.record(page, st, err)
		time.Sleep(5 * time.Millisecond)
	}
}

// record counts a response; page names a view of a page seen before the
// outage, "" an order.
func (l *outageLoad) record(page string, status int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.transport = append(l.transport, err)
		return
	}
	l.byStatus[status]++
	if page != "" {
		if l.byPage[page] == nil {
			l.byPage[page] = map[int]int{}
		}
		l.byPage[page][status]++
	}
}

// waitForMoreOrders waits until an order is acknowledged after now.
func (l *outageLoad) waitForMoreOrders(t *testing.T, within time.Duration) {
	t.Helper()
	before := len(l.acknowledged())
	waitFor(t, within, func() bool { return len(l.acknowledged()) > before })
}

func (l *outageLoad) stop() {
	close(l.done)
	l.wg.Wait()
}

func (l *outageLoad) acknowledged() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.numbers...)
}

func (l *outageLoad) statuses() map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int]int{}
	for k, v := range l.byStatus {
		out[k] = v
	}
	return out
}

func (l *outageLoad) views() map[string]map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]map[int]int{}
	for page, m := range l.byPage {
		out[page] = map[int]int{}
		for k, v := range m {
			out[page][k] = v
		}
	}
	return out
}

func (l *outageLoad) transportErrors() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.transport...)
}

func (l *outageLoad) summary() string {
	return fmt.Sprintf("%d orders acknowledged, responses by status %v", len(l.acknowledged()), l.statuses())
}

// checkOneLinePerFailure reads the server's log: no request id is on two
// lines, and every request line of a 5xx names its cause.
func checkOneLinePerFailure(t *testing.T, entries []map[string]any) {
	t.Helper()
	lines := map[string]int{}
	var failed, twice, causeless int
	var example map[string]any
	for _, e := range entries {
		id, _ := e["request_id"].(string)
		if id == "" {
			continue
		}
		if lines[id]++; lines[id] == 2 {
			twice++
			example = e
		}
		if status, _ := e["status"].(float64); status >= 500 {
			if failed++; e["err"] == nil {
				causeless++
				example = e
			}
		}
	}
	if twice > 0 || causeless > 0 {
		t.Errorf("%d requests logged twice, %d failed requests logged without their cause; e.g. %v", twice, causeless, example)
	}
	if failed == 0 {
		t.Error("no failed request was logged")
	}
}
