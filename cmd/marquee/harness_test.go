package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
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
	"marquee/tenant"
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

// logBuffer is a log the server writes while a test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// entries are the JSON log lines with message msg ("": every line).
func (l *logBuffer) entries(t *testing.T, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for sc := bufio.NewScanner(bytes.NewReader(l.buf.Bytes())); sc.Scan(); {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if msg == "" || e["msg"] == msg {
			out = append(out, e)
		}
	}
	return out
}

// tenantID is the id of the event named slug.
func (s *testServer) tenantID(slug string) (id [16]byte) {
	s.t.Helper()
	t, err := s.db.TenantBySlug(context.Background(), slug)
	if err != nil {
		s.t.Fatal(err)
	}
	return t.ID
}
