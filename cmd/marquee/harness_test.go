package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/domains/dnstest"
	tenantweb "marquee/tenant/web"
	"marquee/tenant/web/webtest"
)

const testBase = "shop.test"

// queryCounter counts the queries a pool sends.
type queryCounter = dbtest.QueryCounter

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
// the test's own that it stops and starts. A cfg.DatabaseURL set (a
// pooler in front of d) takes the request pool, and d's own URL is
// DATABASE_DIRECT_URL, as serve opens them.
func startServerOn(t *testing.T, cfg Config, d *dbtest.Database) *testServer {
	t.Helper()
	counter := &queryCounter{}
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = d.OwnerURL
	}
	cfg.DirectURL = d.OwnerURL
	database, err := db.Open(context.Background(), cfg.DatabaseURL, db.Options{Tracer: counter, DirectURL: cfg.DirectURL})
	if err != nil {
		t.Fatalf("open %s: %v", d.Name, err)
	}
	t.Cleanup(database.Close)
	if cfg.BaseDomain == "" {
		cfg.BaseDomain = testBase // a test may ask for dev's localhost instead
	}
	cfg.SecretKey = []byte(webtest.SecretKey)
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
	// serve's JSON log handler, whose request lines the tests read
	p, err := newPlatform(cfg, slog.New(tenantweb.NewJSONLog(io.MultiWriter(logTo, logs), nil)), database)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.serveHTTP(ctx, ln, nil) }()
	s := &testServer{t: t, url: "http://" + ln.Addr().String(), db: database, queries: counter, dbURL: cfg.DatabaseURL, adminURL: d.AdminURL, platform: p, logs: logs}
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
	return dbtest.Event(s.t, s.db, slug, status, colours)
}

// response is a fetched page, parsed.
type response struct {
	status int
	header http.Header
	doc    *goquery.Document
	body   string
}

func fromPage(p *webtest.Page) *response {
	return &response{status: p.Status, header: p.Header, doc: p.Doc, body: p.Body}
}

// text returns the trimmed text of the first element matching selector.
func (r *response) text(selector string) string { return webtest.Text(r.doc, selector) }

// get fetches path from the server with the given Host and headers.
func (s *testServer) get(host, path string, headers ...string) *response {
	s.t.Helper()
	return fromPage(webtest.Client{T: s.t, URL: s.url, Host: host}.Get(path, headers...))
}

// waitFor polls cond until it holds, failing after within.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	dbtest.WaitFor(t, within, cond)
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

// apiResponse is a decoded JSON answer of the API.
type apiResponse struct {
	status int
	header http.Header
	body   map[string]any
}

func (r apiResponse) errorMessage() string {
	return webtest.JSON{Body: r.body}.ErrorMessage()
}

func (s *testServer) api(method, path, token, body string) apiResponse {
	s.t.Helper()
	r := webtest.Client{T: s.t, URL: s.url, Host: "console." + testBase}.API(method, path, token, body)
	return apiResponse{status: r.Status, header: r.Header, body: r.Body}
}

// closedPort is an address nothing listens on: DNS checks against it fail
// at once, and a test never asks a real resolver.
func closedPort(t *testing.T) string { return dnstest.Unanswered(t) }

func toJSON(v any) string { return webtest.Marshal(v) }

// logBuffer is a log the server writes while a test reads it.
type logBuffer struct{ webtest.Log }

// entries are the JSON log lines with message msg ("": every line).
func (l *logBuffer) entries(t *testing.T, msg string) []map[string]any {
	t.Helper()
	return l.Entries(t, msg)
}

// tenantID is the id of the event named slug.
func (s *testServer) tenantID(slug string) (id [16]byte) {
	s.t.Helper()
	return dbtest.EventID(s.t, s.db, slug)
}
