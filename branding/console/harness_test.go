package console

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// consoleApp is the console as serve mounts it, on a fresh database, with
// cheap password hashing.
type consoleApp struct {
	t        *testing.T
	db       *db.DB
	staff    *db.StaffStore
	app      *fiber.App
	adminURL string // a superuser's, past row-level security
}

func newConsoleApp(t *testing.T) *consoleApp {
	t.Helper()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	people := db.NewStaffStore(database, staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}})
	s := &consoleApp{t: t, db: database, staff: people, adminURL: d.AdminURL}
	h := &Console{Themes: set, Identity: people, Events: database, Brandings: database, Orders: database, Products: database, Forms: database,
		Secret: []byte("test secret key, 32 bytes or more.."), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// serve renders errors as themed pages; the status is what matters here.
	s.app = fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		status := marquee.HTTPStatus(err)
		var fe *fiber.Error
		if errors.As(err, &fe) {
			status = fe.Code
		}
		return c.Status(status).SendString(err.Error())
	}})
	h.Mount(s.app)
	return s
}

// event provisions an event in English and German.
func (s *consoleApp) event(slug string) *tenant.Tenant {
	s.t.Helper()
	ev, err := s.db.CreateTenant(context.Background(), tenant.Tenant{Slug: slug, Name: slug, Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: slug}, "de": {Title: slug}}})
	if err != nil {
		s.t.Fatal(err)
	}
	return ev
}

// member signs in a new staff member with role on ev.
func (s *consoleApp) member(email string, ev *tenant.Tenant, role staff.Role) *browser {
	s.t.Helper()
	ctx := context.Background()
	st, err := s.staff.CreateStaff(ctx, email, "Pat", false)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		s.t.Fatal(err)
	}
	if err := s.staff.SetRole(ctx, st.ID, ev.ID, st.ID, role); err != nil {
		s.t.Fatal(err)
	}
	b := &browser{s: s, cookies: map[string]string{}}
	login := b.get("/login")
	if r := b.post("/login", url.Values{"csrf": {login.csrf()}, "email": {email}, "password": {"correct horse battery"}}); r.status != http.StatusSeeOther {
		s.t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	return b
}

// browser is a signed-in staff member's browser: it keeps cookies.
type browser struct {
	s       *consoleApp
	cookies map[string]string
}

// page is a response, parsed.
type page struct {
	status int
	body   string
	doc    *goquery.Document
}

func (p *page) text(selector string) string {
	return strings.TrimSpace(p.doc.Find(selector).First().Text())
}

// csrf is the page's form token.
func (p *page) csrf() string {
	v, _ := p.doc.Find(`input[name="csrf"]`).First().Attr("value")
	return v
}

func (b *browser) get(path string) *page {
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

func (b *browser) post(path string, values url.Values) *page {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) do(req *http.Request) *page {
	b.s.t.Helper()
	req.Host = "console.shop.test"
	for name, value := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	res, err := b.s.app.Test(req, -1)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	for _, c := range res.Cookies() {
		b.cookies[c.Name] = c.Value
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	if err != nil {
		b.s.t.Fatal(err)
	}
	return &page{status: res.StatusCode, body: string(raw), doc: doc}
}

// message is a message of themes/locales in lang.
func message(t *testing.T, lang, id string, kv ...any) string {
	t.Helper()
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	msg := set.Translations().T(lang, id, kv...)
	if msg == id || msg == "" {
		t.Fatalf("%s has no %s translation", id, lang)
	}
	return msg
}
