package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/storefront/notify/render"
	"marquee/tenant"
	"marquee/themes"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// testSecret signs the order and supplier links in these tests.
const testSecret = "jobs test secret key, 32 bytes or more"

// harness is a fresh database whose order changes queue their email jobs
// (jobs.Enqueuer), two workers working them, and a real SMTP server on
// 127.0.0.1 receiving what they send.
type harness struct {
	t        *testing.T
	db       *db.DB
	adminURL string // a superuser's, for what a test must do behind the workers' backs
	ownerURL string // the workers' (startWorkers)
	inserter *river.Client[pgx.Tx]
	smtp     *smtptest.Server
	event    *tenant.Tenant
	cat      storefront.Catalogue
	workers  *river.Client[pgx.Tx] // the workers newHarness started
	tweak    func(*jobs.Options)   // changes the workers' options (newHarnessWith)
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, nil)
}

// newHarnessWith is newHarness with the workers' options changed by
// tweak (nil: none).
func newHarnessWith(t *testing.T, tweak func(*jobs.Options)) *harness {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	inserter, err := jobs.NewInserter(database.Pool, log)
	if err != nil {
		t.Fatal(err)
	}
	database.Events = &jobs.Enqueuer{Client: inserter, PerOrderSuppliers: db.HasPerOrderSuppliers}
	h := &harness{t: t, db: database, adminURL: d.AdminURL, ownerURL: d.OwnerURL, inserter: inserter, smtp: smtptest.Start(t, smtptest.Options{}), tweak: tweak}
	h.workers = h.startWorkers(ctx, d.OwnerURL, log)
	h.event, h.cat = h.newEvent(ctx)
	return h
}

// testLinks sign the workers' order links and pick-up tokens.
var testLinks = storefront.OrderLinks{Key: []byte(testSecret)}

// startWorkers works the queue as `marquee worker` does, with fast retries.
func (h *harness) startWorkers(ctx context.Context, url string, log *slog.Logger) *river.Client[pgx.Tx] {
	t := h.t
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := render.New(set)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := db.OpenPlatformPool(ctx, url, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	cfg := mail.Config{Host: h.smtp.Host(), Port: h.smtp.Port(), TLS: mail.NoTLS, Timeout: 5 * time.Second}
	deps := &jobs.Deps{Store: h.db, Renderer: renderer, Sender: mail.New(cfg), Permanent: mail.Permanent, From: "shop@shop.test",
		EventURL: func(slug string) string { return "https://" + slug + ".shop.test" },
		Links:    testLinks, SupplierLinks: storefront.SupplierLinks{Key: []byte(testSecret)}, Log: log,
		Webhooks: testWebhooks}
	// The job timeout and rescue time are production's.
	opts := jobs.Options{Workers: 2, RetryBase: 200 * time.Millisecond, MaxRetryDelay: time.Second, PollInterval: 100 * time.Millisecond}
	if h.tweak != nil {
		h.tweak(&opts)
	}
	workers, err := jobs.NewWorkers(pool, deps, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := workers.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = workers.Stop(stopCtx)
	})
	return workers
}

// newEvent provisions an English event with a Hoodie (S, M), a Cap and an
// item field "Name to print".
func (h *harness) newEvent(ctx context.Context) (*tenant.Tenant, storefront.Catalogue) {
	t := h.t
	ev, err := h.db.CreateTenant(ctx, tenant.Tenant{Slug: "devcon", Name: "DevCon", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "DevCon"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []storefront.Product{
		{Name: storefront.Text{"en": "Hoodie"}, Visible: true, PriceMinor: 3500,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "S"}}, {Label: storefront.Text{"en": "M"}, Position: 1}}},
		{Name: storefront.Text{"en": "Cap"}, Visible: true, PriceMinor: 1200, Position: 1,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}},
	} {
		if _, err := h.db.AddProduct(ctx, ev.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.db.AddFormField(ctx, ev.ID, form.Field{Key: "print", Scope: form.ScopeItem, Type: form.TypeText,
		Label: map[string]string{"en": "Name to print"}}); err != nil {
		t.Fatal(err)
	}
	cat, err := h.db.Catalogue(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ev, cat
}

// line is qty of one variant of the event's catalogue, with a print name.
func (h *harness) line(product, variant string, qty int, print string) storefront.Line {
	for _, p := range h.cat.Products {
		for _, v := range p.Variants {
			if p.Name["en"] == product && v.Label["en"] == variant {
				return storefront.Line{ProductID: p.ID, VariantID: v.ID, Quantity: qty, Answers: map[string]any{"print": print}}
			}
		}
	}
	h.t.Fatalf("no %s %s", product, variant)
	return storefront.Line{}
}

// placeOrder places an order by email with lines.
func (h *harness) placeOrder(t *testing.T, email string, lines ...storefront.Line) *storefront.Order {
	t.Helper()
	o, err := h.db.PlaceOrder(context.Background(), h.event.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(),
		Email: email, Name: "Jana", Locale: "en", Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// received are the messages to rcpt of kind (X-Marquee-Kind) whose subject
// holds about (any, when empty).
func (h *harness) received(t *testing.T, rcpt, kind, about string) []smtptest.Parsed {
	t.Helper()
	var out []smtptest.Parsed
	for _, p := range h.smtp.To(t, rcpt) {
		if p.Header.Get("X-Marquee-Kind") == kind && strings.Contains(p.Subject, about) {
			out = append(out, p)
		}
	}
	return out
}

// waitFor returns the first message received finds, failing t after 20 s.
func (h *harness) waitFor(t *testing.T, rcpt, kind, about string) smtptest.Parsed {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if got := h.received(t, rcpt, kind, about); len(got) > 0 {
			return got[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s email to %s about %q within 20s", kind, rcpt, about)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// admin runs a statement as a superuser, past row-level security.
func (h *harness) admin(t *testing.T, sql string, args ...any) {
	t.Helper()
	dbtest.Exec(t, h.adminURL, sql, args...)
}

// count runs a counting query in the event (row-level security applies).
func (h *harness) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	return dbtest.CountIn(t, h.db, h.event.ID, query, args...)
}
