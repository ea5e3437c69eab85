package payments_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/storefront/notify/render"
	"marquee/storefront/payments"
	"marquee/storefront/payments/stripetest"
	"marquee/tenant"
	"marquee/themes"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// harness: a database whose priced orders wait for their online payment,
// River's workers working the payment and email jobs (with stripetest as
// Stripe and a real SMTP server), the webhook endpoint on a real listener
// on 127.0.0.1 (as the console's host serves it) and stripetest sending
// its webhooks there.
type harness struct {
	db       *db.DB
	adminURL string
	stripe   *stripetest.Server
	client   *payments.Client
	smtp     *smtptest.Server
	event    *tenant.Tenant
	other    *tenant.Tenant
	shop     dbtest.Shop
	cap      storefront.Product // 1200, 2 in stock
	offset   atomic.Int64       // the database clock's lead on real time
}

type harnessOptions struct {
	workers jobs.Options
}

func newHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	h := &harness{db: d.Open(t, db.Options{}), adminURL: d.AdminURL, smtp: smtptest.Start(t, smtptest.Options{})}
	h.db.Now = func() time.Time { return time.Now().Add(time.Duration(h.offset.Load())) }
	h.db.OnlinePayments = true
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	inserter, err := jobs.NewInserter(h.db.Pool, log)
	if err != nil {
		t.Fatal(err)
	}
	h.db.Events = &jobs.Enqueuer{Client: inserter, PerOrderSuppliers: db.HasPerOrderSuppliers}

	h.stripe = stripetest.Start(t, stripetest.Options{})
	h.client = payments.New(payments.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIBase: h.stripe.URL})
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post(payments.WebhookPath, payments.Webhook(h.client, h.db, log))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	h.stripe.SetWebhook("http://"+ln.Addr().String()+payments.WebhookPath, "console.shop.test")

	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := render.New(set)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := db.OpenPlatformPool(ctx, d.OwnerURL, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	cfg := mail.Config{Host: h.smtp.Host(), Port: h.smtp.Port(), TLS: mail.NoTLS, Timeout: 5 * time.Second}
	deps := &jobs.Deps{Store: h.db, Renderer: renderer, Sender: mail.New(cfg), Permanent: mail.Permanent, From: "shop@shop.test",
		EventURL: func(slug string) string { return "https://" + slug + ".shop.test" }, Payments: h.client,
		Links: storefront.OrderLinks{Key: []byte("payments test secret key, 32 bytes or more")}, Log: log}
	wo := o.workers
	wo.Workers, wo.RetryBase, wo.MaxRetryDelay, wo.PollInterval = 2, 200*time.Millisecond, time.Second, 100*time.Millisecond
	workers, err := jobs.NewWorkers(pool, deps, wo)
	if err != nil {
		t.Fatal(err)
	}
	if err := workers.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = workers.Stop(stop)
	})

	h.event = dbtest.Event(t, h.db, "devcon", tenant.StatusActive, branding.DefaultColours)
	h.other = dbtest.Event(t, h.db, "othercon", tenant.StatusActive, branding.DefaultColours)
	h.shop = dbtest.NewShop(t, h.db, h.event.ID)
	two := 2
	h.cap, err = h.db.AddProduct(ctx, h.event.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, Visible: true, PriceMinor: 1200,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}, Stock: &two}}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// order places an order of qty caps by email, waiting for its payment,
// and opens its checkout as the order form does; it returns the order and
// its session id.
func (h *harness) order(t *testing.T, email string, qty int) (*storefront.Order, string) {
	t.Helper()
	ctx := context.Background()
	o, err := h.db.PlaceOrder(ctx, h.event.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: email, Name: "Ada", Locale: "en",
		Answers: map[string]any{"consent": true},
		Lines:   []storefront.Line{{ProductID: h.cap.ID, VariantID: h.cap.Variants[0].ID, Quantity: qty}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != storefront.StatusPendingPayment {
		t.Fatalf("a priced order with online payments is %s, want pending_payment", o.Status)
	}
	u, err := h.client.Begin(ctx, h.db, o, h.event.Name, "https://devcon.shop.test/orders/"+o.Number+"?sig=x", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return o, strings.TrimPrefix(u, h.stripe.URL+"/pay/")
}

func (h *harness) reload(t *testing.T, o *storefront.Order) *storefront.Order {
	t.Helper()
	got, err := h.db.OrderByNumber(context.Background(), o.TenantID, o.Number)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// eventually waits up to 20 s for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (h *harness) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	return dbtest.CountRows(t, h.adminURL, query, args...)
}

func (h *harness) stock(t *testing.T) int {
	t.Helper()
	s, err := h.db.VariantStock(context.Background(), h.event.ID, h.cap.Variants[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return *s
}

// admin runs a statement as a superuser, behind the workers' backs.
func (h *harness) admin(t *testing.T, sql string, args ...any) {
	t.Helper()
	dbtest.Exec(t, h.adminURL, sql, args...)
}
