package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	storefrontweb "marquee/storefront/web"
	"marquee/tenant"
	"marquee/tenant/domains/dnstest"
	"marquee/tenant/provision"
	tenantweb "marquee/tenant/web"
	"marquee/tenant/web/webtest"
	"marquee/themes"
)

// The API's tests run against testServer: the API as serve mounts it on
// console.shop.test, and the storefront on every other host (to see that a
// change reaches the event's site), over real HTTP on loopback, against a
// fresh database, the caches kept in step by the database's change
// notifications. What only serve adds (request logs, body limits, TLS) is
// tested end to end in cmd/marquee.

const testBase = "shop.test"

var testSecret = []byte(webtest.SecretKey)

// testServer is the API and the storefront on 127.0.0.1.
type testServer struct {
	t         *testing.T
	url       string // http://127.0.0.1:PORT
	db        *db.DB
	adminURL  string // a superuser's, past row-level security
	provision *provision.Service
	sites     *storefront.Sites
	resolver  *tenant.Resolver
	log       *slog.Logger
}

// startServer serves the API and the storefront on a fresh database; DNS
// checks of custom domains go to a port nothing answers.
func startServer(t *testing.T) *testServer {
	t.Helper()
	return startServerWith(t, func(*provision.Service) {})
}

// startServerWith is startServer with the provisioning service changed by
// tune first (a DNS resolver, the platform's addresses…).
func startServerWith(t *testing.T, tune func(*provision.Service)) *testServer {
	t.Helper()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{t: t, db: database, adminURL: d.AdminURL,
		sites:    storefront.NewSites(database, tenant.MemoOptions{}),
		resolver: tenant.NewResolver(testBase, database, tenant.MemoOptions{}),
		log:      slog.New(slog.NewTextHandler(io.Discard, nil))}
	service := provision.New(database, provision.Options{BaseDomain: testBase, DNSResolver: closedPort(t)})
	tune(service)
	s.provision = service
	h := &Handler{Service: service, BaseDomain: testBase, Desk: database, Log: s.log,
		Translate: func(id string, kv ...any) string { return set.Translations().T("en", id, kv...) },
		CertState: func(context.Context, string) string { return "none (TLS is off)" },
		Keys:      database, Catalogue: database, Brandings: database,
		Authenticate: func(ctx context.Context, secret string) (Token, error) {
			tok, err := database.APITokenBySecret(ctx, secret)
			return TokenOf(tok), err
		}}
	store := &storefrontweb.Handler{Themes: set, Sites: s.sites, Orders: database, Log: s.log,
		Links: storefront.OrderLinks{Key: testSecret}, Secret: testSecret,
		MediaURL: func(context.Context, string) string { return "" },
		Origin:   func(c *fiber.Ctx) string { return tenantweb.RequestOrigin(c, nil) }}
	s.serve(s.newApp(h, store))
	return s
}

// newApp answers the console's host with the API (its errors in its JSON)
// and every other host with the storefront.
func (s *testServer) newApp(h *Handler, store *storefrontweb.Handler) *fiber.App {
	console := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: h.Error})
	console.Use(tenantweb.CheckText)
	h.Mount(console)
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: store.ErrorHandler})
	app.Use(tenantweb.ForHost("console."+testBase, nil, console))
	app.Use(tenantweb.CheckText)
	app.Use(tenantweb.Resolve(s.resolver, nil))
	store.Mount(app)
	return app
}

// serve listens on loopback until the test ends, with the caches following
// the database's change notifications.
func (s *testServer) serve(app *fiber.App) {
	s.url = webtest.Serve(s.t, app, true, dbtest.FollowChanges(s.db, s.log, s.resolver, s.sites))
}

// closedPort is an address nothing listens on: DNS checks against it fail
// at once, and a test never asks a real resolver.
func closedPort(t *testing.T) string { return dnstest.Unanswered(t) }

// apiResponse is a decoded JSON answer of the API.
type apiResponse struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (r apiResponse) errorMessage() string { return webtest.JSON{Body: r.body}.ErrorMessage() }

func (r apiResponse) errorField() string { return webtest.JSON{Body: r.body}.ErrorField() }

// api sends a request to the API with a bearer token ("": none) and a
// JSON body ("": none); the answer must be what the OpenAPI document says.
func (s *testServer) api(method, path, token, body string) apiResponse {
	s.t.Helper()
	return s.call(method, path, token, body)
}

// call is api with more request headers, as name, value pairs
// ("Idempotency-Key", "k1").
func (s *testServer) call(method, path, token, body string, headers ...string) apiResponse {
	s.t.Helper()
	if token != "" {
		headers = append(headers, "Authorization", "Bearer "+token)
	}
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	res := webtest.Client{T: s.t, URL: s.url, Host: "console." + testBase}.Send(method, path, contentType, body, headers...)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	checkResponse(s.t, method, path, res.StatusCode, res.Header, raw)
	out := apiResponse{status: res.StatusCode, header: res.Header, body: map[string]any{}, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			s.t.Fatalf("%s %s: not a JSON object (%d): %s", method, path, res.StatusCode, raw)
		}
	}
	return out
}

// page is a storefront answer.
type page struct{ status int }

// get fetches path from the storefront with the given Host.
func (s *testServer) get(host, path string) page {
	s.t.Helper()
	res := webtest.Client{T: s.t, URL: s.url, Host: host}.Send(http.MethodGet, path, "", "")
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return page{status: res.StatusCode}
}

// waitFor polls cond until it holds, failing after within.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	dbtest.WaitFor(t, within, cond)
}

func toJSON(v any) string { return webtest.Marshal(v) }

// event provisions an active event in English and German.
func (s *testServer) event(slug string) *tenant.Tenant {
	s.t.Helper()
	return dbtest.Event(s.t, s.db, slug, tenant.StatusActive, branding.DefaultColours)
}

// countRows answers a count query on url.
func countRows(t *testing.T, url, query string, args ...any) int {
	t.Helper()
	return dbtest.CountRows(t, url, query, args...)
}
