package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/branding"
	"marquee/branding/media/diskstore"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
	"marquee/tenant/web/webtest"
	"marquee/themes"
)

// testBase is the platform's base domain in these tests.
const testBase = "shop.test"

// storefrontApp is the storefront as serve mounts it, on a fresh database:
// the event resolver in front (trusting the test client as a proxy), the real
// catalogue and order store, images kept on disk.
type storefrontApp struct {
	t        testing.TB
	db       *db.DB
	app      *fiber.App
	sites    *storefront.Sites
	resolver *tenant.Resolver
	queries  *atomic.Int64 // the queries the app's pool has sent
	handler  *Handler      // for a test to set before its first request
}

func newStorefrontApp(t testing.TB) *storefrontApp {
	t.Helper()
	return newStorefrontAppKeeping(t, 0)
}

// newStorefrontAppKeeping is newStorefrontApp keeping at most events
// events in memory (0: no bound).
func newStorefrontAppKeeping(t testing.TB, events int) *storefrontApp {
	t.Helper()
	counter := &dbtest.QueryCounter{}
	database := dbtest.New(t).Open(t, db.Options{Tracer: counter})
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	images, err := diskstore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &storefrontApp{t: t, db: database, queries: &counter.N,
		sites: storefront.NewSites(database, tenant.MemoOptions{MaxEntries: events}), resolver: tenant.NewResolver(testBase, database, tenant.MemoOptions{})}
	// app.Test's requests come from 0.0.0.0: that is the trusted proxy here.
	proxies := tenantweb.Proxies{netip.MustParsePrefix("0.0.0.0/32")}
	secret := []byte(webtest.SecretKey)
	h := &Handler{Themes: set, Sites: s.sites, Orders: database, Changes: database, Vouchers: database, Links: storefront.OrderLinks{Key: secret}, Secret: secret,
		Dispatches: database, SupplierLinks: storefront.SupplierLinks{Key: secret}, Kiosks: database,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MediaURL: func(ctx context.Context, key string) string {
			if key == "" {
				return ""
			}
			u, _ := images.URL(ctx, key)
			return u
		},
		Origin: func(c *fiber.Ctx) string { return tenantweb.RequestOrigin(c, proxies) }}
	s.handler = h
	s.app = fiber.New(fiber.Config{ErrorHandler: h.ErrorHandler, EnableTrustedProxyCheck: true})
	s.app.Use(tenantweb.Resolve(s.resolver, proxies))
	h.Mount(s.app)
	return s
}

// event provisions an event in locales (the first is its default).
func (s *storefrontApp) event(slug string, locales ...string) *tenant.Tenant {
	s.t.Helper()
	copies := map[string]branding.Copy{}
	for _, l := range locales {
		copies[l] = branding.Copy{Title: slug + " " + l}
	}
	ev, err := s.db.CreateTenant(context.Background(), tenant.Tenant{Slug: slug, Name: slug, Status: tenant.StatusActive,
		DefaultLocale: locales[0], Locales: locales}, branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: copies})
	if err != nil {
		s.t.Fatal(err)
	}
	return ev
}

// welcomeEvent provisions an event in English and German whose titles
// say "Welcome to SLUG" and "Willkommen bei SLUG".
func (s *storefrontApp) welcomeEvent(slug string) *tenant.Tenant {
	return s.welcomeEventIn(slug, tenant.StatusActive, branding.DefaultColours)
}

// welcomeEventIn is welcomeEvent with a status and colours of its own.
func (s *storefrontApp) welcomeEventIn(slug string, status tenant.Status, colours branding.Colours) *tenant.Tenant {
	s.t.Helper()
	return dbtest.Event(s.t, s.db, slug, status, colours)
}

// product adds a visible product with one unlimited variant.
func (s *storefrontApp) product(ev *tenant.Tenant, p storefront.Product) storefront.Product {
	s.t.Helper()
	p.Visible = true
	if len(p.Variants) == 0 {
		p.Variants = []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}
	}
	out, err := s.db.AddProduct(context.Background(), ev.ID, p)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// changed drops what the storefront keeps of an event, as the change
// notification does in serve.
func (s *storefrontApp) changed(id uuid.UUID) {
	s.sites.Forget(id)
	s.resolver.Forget(id)
}

// page is a response, parsed.
type page struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

// text is the trimmed text of the first element matching selector.
func (p *page) text(selector string) string { return webtest.Text(p.doc, selector) }

// visitor is someone on an event's host, with the cookies it was given.
type visitor struct {
	s       *storefrontApp
	host    string
	cookies map[string]string
}

func (s *storefrontApp) visitor(host string) *visitor {
	return &visitor{s: s, host: host, cookies: map[string]string{}}
}

// get fetches path with headers (name, value pairs).
func (v *visitor) get(path string, headers ...string) *page {
	return v.do(httptest.NewRequest(http.MethodGet, path, nil), headers...)
}

// post submits a form.
func (v *visitor) post(path string, values url.Values) *page {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

func (v *visitor) do(req *http.Request, headers ...string) *page {
	v.s.t.Helper()
	req.Host = v.host
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	for name, value := range v.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	res, err := v.s.app.Test(req, -1)
	if err != nil {
		v.s.t.Fatal(err)
	}
	for _, c := range res.Cookies() {
		v.cookies[c.Name] = c.Value
	}
	p := webtest.Read(v.s.t, res)
	return &page{status: p.Status, header: p.Header, body: p.Body, doc: p.Doc}
}

// orderForm opens the order form and returns its hidden values (the CSRF
// token, the idempotency key).
func (v *visitor) orderForm() url.Values {
	v.s.t.Helper()
	p := v.get("/order")
	if p.status != http.StatusOK {
		v.s.t.Fatalf("order form: %d", p.status)
	}
	return webtest.FormValues(p.doc, "form.order-form input[type=hidden]")
}

// message is a message of themes/locales in lang, failing when lang has
// no translation of its own.
func message(t *testing.T, lang, id string, kv ...any) string {
	t.Helper()
	return webtest.OwnMessage(t, lang, id, kv...)
}

func mustThemes(t *testing.T) *themes.Set { return webtest.Themes(t) }
