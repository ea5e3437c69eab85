package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/tenant/staff"
)

const testBase = "shop.test"

// queryCounter counts the queries a pool sends.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// testServer is marquee serve on 127.0.0.1 against a fresh database.
type testServer struct {
	t        *testing.T
	url      string // http://127.0.0.1:PORT
	db       *db.DB
	queries  *queryCounter
	dbURL    string
	adminURL string // a superuser's, past row-level security: for counting rows in tests
	platform *platform
	logs     *logBuffer // the server's log, JSON lines

	// shutdown stops the server as SIGTERM does and waits for it.
	shutdown func() error
	stopErr  error
}

func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	return startServerOn(t, cfg, dbtest.New(t))
}

// startServerOn is startServer on database d, e.g. on a Postgres server of
// the test's own that it stops and starts.
func startServerOn(t *testing.T, cfg Config, d *dbtest.Database) *testServer {
	t.Helper()
	counter := &queryCounter{}
	database := d.Open(t, db.Options{Tracer: counter})
	cfg.DatabaseURL = d.OwnerURL
	if cfg.BaseDomain == "" {
		cfg.BaseDomain = testBase // a test may ask for dev's localhost instead
	}
	cfg.SecretKey = []byte("test secret key, 32 bytes or more..")
	if cfg.MediaDir == "" && cfg.S3.Bucket == "" {
		cfg.MediaDir = t.TempDir()
	}
	if cfg.Workers == defaultConfig().Workers {
		cfg.Workers = 0 // tests that want email jobs worked ask for a count of their own
	}
	if cfg.DNSResolver == "" {
		cfg.DNSResolver = closedPort(t) // a test never asks a real resolver
	}
	if cfg.DrainDelay == defaultConfig().DrainDelay {
		cfg.DrainDelay = 0 // no load balancer to wait for; the drain tests set their own
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 5 * time.Second
	}
	logTo := io.Discard
	if os.Getenv("TEST_SERVER_LOG") != "" {
		logTo = os.Stderr // TEST_SERVER_LOG=1 shows the server's log while debugging a test
	}
	logs := &logBuffer{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.ListenAddr = ln.Addr().String() // the server's links name the port it listens on
	p, err := newPlatform(cfg, slog.New(slog.NewJSONHandler(io.MultiWriter(logTo, logs), nil)), database)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.serveHTTP(ctx, ln, nil) }()
	s := &testServer{t: t, url: "http://" + ln.Addr().String(), db: database, queries: counter, dbURL: d.OwnerURL, adminURL: d.AdminURL, platform: p, logs: logs}
	var once sync.Once
	s.shutdown = func() error {
		once.Do(func() { cancel(); s.stopErr = <-done })
		return s.stopErr
	}
	t.Cleanup(func() {
		if err := s.shutdown(); err != nil {
			t.Errorf("server stopped with %v", err)
		}
	})
	return s
}

// event provisions an event with copy in English and German.
func (s *testServer) event(slug string, status tenant.Status, colours branding.Colours) *tenant.Tenant {
	s.t.Helper()
	ctx := context.Background()
	ev, err := s.db.CreateTenant(ctx,
		tenant.Tenant{Slug: slug, Name: "Name of " + slug, Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"}},
		branding.Branding{Theme: "classic", Colours: colours, Copy: map[string]branding.Copy{
			"en": {Title: "Welcome to " + slug, Tagline: "English tagline"},
			"de": {Title: "Willkommen bei " + slug, Tagline: "Deutscher Untertitel"},
		}})
	if err != nil {
		s.t.Fatal(err)
	}
	if status != tenant.StatusActive {
		if ev, err = s.db.SetTenantStatus(ctx, ev.ID, status); err != nil {
			s.t.Fatal(err)
		}
	}
	return ev
}

// response is a fetched page, parsed.
type response struct {
	status int
	header http.Header
	doc    *goquery.Document
	body   string
}

// text returns the trimmed text of the first element matching selector.
func (r *response) text(selector string) string {
	return strings.TrimSpace(r.doc.Find(selector).First().Text())
}

// get fetches path from the server with the given Host and headers.
func (s *testServer) get(host, path string, headers ...string) *response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		s.t.Fatal(err)
	}
	return &response{status: res.StatusCode, header: res.Header, doc: doc, body: string(b)}
}

// waitFor polls cond until it holds, failing after within.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits until the server's change listener has applied every
// notification sent so far: it sends one of its own and waits for it
// (notifications arrive in commit order).
func (s *testServer) settle() {
	s.t.Helper()
	sentinel := uuid.New()
	waitFor(s.t, 10*time.Second, func() bool {
		if got, _ := s.platform.lastChange.Load().(uuid.UUID); got == sentinel {
			return true
		}
		_, err := s.db.Pool.Exec(context.Background(), "SELECT pg_notify('tenant_changed', $1)", sentinel.String())
		if err != nil {
			s.t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		got, _ := s.platform.lastChange.Load().(uuid.UUID)
		return got == sentinel
	})
}

const consoleHost = "console.shop.test"

// consoleServer is a test server with cheap password hashing and one
// marketing member of one event.
func consoleServer(t *testing.T) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	return consoleServerWith(t, func(*Config) {})
}

// consoleServerWith is consoleServer with the configuration changed by
// tune first (email workers, a DNS resolver…).
func consoleServerWith(t *testing.T, tune func(*Config)) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	tune(&cfg)
	s := startServer(t, cfg)
	ev := s.event("devcon", tenant.StatusActive, blue)
	s.event("other", tenant.StatusActive, teal)
	ctx := context.Background()
	st, err := s.platform.staff.CreateStaff(ctx, "marketing@example.com", "Mia", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetRole(ctx, st.ID, ev.ID, st.ID, staff.RoleMarketing); err != nil {
		t.Fatal(err)
	}
	return s, ev, st
}

// browser is a visitor of the console with its own cookies.
func (s *testServer) browser() *shop {
	jar, _ := cookiejar.New(nil)
	return &shop{s: s, host: consoleHost, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn posts the login form with the token of the login page.
func signIn(b *shop, email, password string) *response {
	page := b.do(http.MethodGet, "/login", "", "")
	csrf, _ := page.doc.Find(`input[name="csrf"]`).Attr("value")
	return b.post("/login", url.Values{"csrf": {csrf}, "email": {email}, "password": {password}})
}

// jarURL is where the visitor's cookies live: the client keys them by the
// Host it asked for, not by the loopback address it dialled.
func jarURL(b *shop) *url.URL { return &url.URL{Scheme: "http", Host: b.host, Path: "/"} }

func sessionValue(b *shop, _ *testServer) string {
	for _, c := range b.client.Jar.Cookies(jarURL(b)) {
		if c.Name == "marquee_session" {
			return c.Value
		}
	}
	return ""
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{R: 200, G: 30, B: 30, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// signedInMember is a browser signed in as the marketing member of devcon.
func signedInMember(t *testing.T, s *testServer) *shop {
	t.Helper()
	b := s.browser()
	if r := signIn(b, "marketing@example.com", "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	return b
}

// editorForm returns the values of the branding form as the page shows it.
func editorForm(t *testing.T, b *shop, slug string) (url.Values, *response) {
	t.Helper()
	r := b.do(http.MethodGet, "/events/"+slug+"/branding", "", "")
	if r.status != 200 {
		t.Fatalf("editor: %d", r.status)
	}
	v := url.Values{}
	r.doc.Find("form.branding-form input, form.branding-form textarea, form.branding-form select").Each(func(_ int, sel *goquery.Selection) {
		name, _ := sel.Attr("name")
		switch goquery.NodeName(sel) {
		case "textarea":
			v.Set(name, sel.Text())
		case "select":
			val, _ := sel.Find("option[selected]").Attr("value")
			v.Set(name, val)
		default:
			val, _ := sel.Attr("value")
			v.Set(name, val)
		}
	})
	return v, r
}

// multipartUpload builds the editor's image form.
func multipartUpload(t *testing.T, csrf, slot, filename string, data []byte) (string, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", csrf)
	_ = w.WriteField("slot", slot)
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	return w.FormDataContentType(), body.String()
}

func csrfOf(r *response) string {
	v, _ := r.doc.Find(`input[name="csrf"]`).First().Attr("value")
	return v
}

// fulfilmentMember signs in a fulfilment member of ev.
func fulfilmentMember(t *testing.T, s *testServer, ev *tenant.Tenant) *shop {
	t.Helper()
	ctx := context.Background()
	st, err := s.platform.staff.CreateStaff(ctx, "packer@example.com", "Pat", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetRole(ctx, st.ID, ev.ID, st.ID, staff.RoleFulfilment); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	if r := signIn(b, "packer@example.com", "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	return b
}

// consolePage fetches a console page that must answer 200.
func consolePage(t *testing.T, b *shop, path string) *response {
	t.Helper()
	r := b.do(http.MethodGet, path, "", "")
	if r.status != 200 {
		t.Fatalf("GET %s: %d", path, r.status)
	}
	return r
}

// platformAdmin signs in a platform administrator.
func platformAdmin(t *testing.T, s *testServer) *shop {
	t.Helper()
	return consoleMember(t, s, "ops@example.com", true, nil, "")
}

// consoleMember creates a staff member with a password and signs them in;
// role on ev, unless ev is nil.
func consoleMember(t *testing.T, s *testServer, email string, platformAdmin bool, ev *tenant.Tenant, role staff.Role) *shop {
	t.Helper()
	ctx := context.Background()
	st, err := s.platform.staff.CreateStaff(ctx, email, "Someone", platformAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if ev != nil {
		if err := s.platform.staff.SetRole(ctx, st.ID, ev.ID, st.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser()
	if r := signIn(b, email, "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, r.status)
	}
	return b
}

func orderForProduct(cat storefront.Catalogue, name string) storefront.OrderRequest {
	for _, p := range cat.Products {
		if p.Name["en"] == name {
			return storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "buyer@example.com", Name: "Buyer", Locale: "en",
				Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: 1}}}
		}
	}
	return storefront.OrderRequest{}
}

func mustRequest(t *testing.T, u, host string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	return req
}

// shop is an event with a catalogue and an order form, and a visitor with
// a cookie jar.
type shop struct {
	s                    *testServer
	ev                   *tenant.Tenant
	shirt, hoodie, socks storefront.Product
	client               *http.Client
	host                 string
}

func intp(n int) *int { return &n }

func newShop(t *testing.T, s *testServer, slug string) *shop {
	t.Helper()
	ctx := context.Background()
	ev := s.event(slug, tenant.StatusActive, blue)
	add := func(p storefront.Product) storefront.Product {
		p.Visible = true
		out, err := s.db.AddProduct(ctx, ev.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	sh := &shop{s: s, ev: ev, host: slug + ".shop.test"}
	sh.shirt = add(storefront.Product{Name: storefront.Text{"en": "T-shirt", "de": "T-Shirt"}, Position: 1, MaxPerAttendee: 1,
		Variants: []storefront.Variant{
			{Label: storefront.Text{"en": "S"}, Position: 1, Stock: intp(5)},
			{Label: storefront.Text{"en": "M"}, Position: 2, Stock: intp(5)},
			{Label: storefront.Text{"en": "XL"}, Position: 3, Stock: intp(0)},
		}})
	sh.hoodie = add(storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Position: 2, PriceMinor: 3500,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}})
	sh.socks = add(storefront.Product{Name: storefront.Text{"en": "Socks"}, Position: 3, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Pair"}, Stock: intp(0)}}})
	for _, f := range []form.Field{
		{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Company", "de": "Firma"}, Position: 1},
		{Key: "consent", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Required: true, Label: map[string]string{"en": "I agree to the terms", "de": "Ich stimme zu"}, Position: 2},
		{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText, MaxLength: 12, Label: map[string]string{"en": "Name to print", "de": "Aufdruck"}, Position: 1},
	} {
		if err := s.db.AddFormField(ctx, ev.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	jar, _ := cookiejar.New(nil)
	sh.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return sh
}

// do sends a request to the shop's host with the visitor's cookies.
func (sh *shop) do(method, path, contentType, body string, headers ...string) *response {
	sh.s.t.Helper()
	req, err := http.NewRequest(method, sh.s.url+path, strings.NewReader(body))
	if err != nil {
		sh.s.t.Fatal(err)
	}
	req.Host = sh.host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := sh.client.Do(req)
	if err != nil {
		sh.s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		sh.s.t.Fatal(err)
	}
	return &response{status: res.StatusCode, header: res.Header, doc: doc, body: string(b)}
}

// form opens the order form and returns its hidden values.
func (sh *shop) form() url.Values {
	sh.s.t.Helper()
	r := sh.do(http.MethodGet, "/order", "", "")
	if r.status != 200 {
		sh.s.t.Fatalf("order form: %d", r.status)
	}
	v := url.Values{}
	r.doc.Find("form.order-form input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		value, _ := s.Attr("value")
		v.Set(name, value)
	})
	return v
}

// validOrder is a complete order: a shirt in M with a print name and a hoodie.
func (sh *shop) validOrder() url.Values {
	v := sh.form()
	v.Set("line.0.variant", sh.shirt.Variants[1].ID.String())
	v.Set("line.0.quantity", "1")
	v.Set("item.0.print_name", "ADA")
	v.Set("line.1.quantity", "1")
	v.Set("name", "Ada Lovelace")
	v.Set("email", "Ada@Example.com")
	v.Set("consent", "on")
	v.Set("action", "place")
	return v
}

func (sh *shop) post(path string, v url.Values, headers ...string) *response {
	return sh.do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), headers...)
}

func (sh *shop) orders() int {
	sh.s.t.Helper()
	var n int
	err := sh.s.db.InTenant(context.Background(), sh.ev.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT count(*) FROM orders").Scan(&n)
	})
	if err != nil {
		sh.s.t.Fatal(err)
	}
	return n
}

// apiResponse is a decoded JSON answer of the API.
type apiResponse struct {
	status int
	header http.Header
	body   map[string]any
}

func (r apiResponse) errorMessage() string {
	e, _ := r.body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func (s *testServer) api(method, path, token, body string) apiResponse {
	s.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Host = "console." + testBase
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apiResponse{status: res.StatusCode, header: res.Header, body: map[string]any{}}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			s.t.Fatalf("%s %s: not JSON (%d): %s", method, path, res.StatusCode, raw)
		}
	}
	return out
}

// closedPort is an address nothing listens on: DNS checks against it fail
// at once, and a test never asks a real resolver.
func closedPort(t *testing.T) string {
	ln, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.LocalAddr().String()
	ln.Close()
	return addr
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
