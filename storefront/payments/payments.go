// Package payments takes an order's payment online through Stripe
// Checkout (github.com/stripe/stripe-go/v82): it opens a checkout session
// for an order, expires one, refunds a payment and reads Stripe's signed
// webhook events. The platform has one Stripe account (STRIPE_SECRET_KEY,
// STRIPE_WEBHOOK_SECRET); without the keys online payments are off and
// priced orders are paid at pick-up. stripetest is a server speaking the
// few endpoints used, for tests.
package payments

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v82"

	"marquee/storefront"
)

// Config is the platform's Stripe account.
type Config struct {
	SecretKey     string // STRIPE_SECRET_KEY
	WebhookSecret string // STRIPE_WEBHOOK_SECRET: what signs the webhooks
	// APIBase replaces https://api.stripe.com (STRIPE_API_BASE: tests).
	APIBase    string
	HTTPClient *http.Client // nil: stripe-go's
}

// Enabled reports whether online payments are on: both keys are set.
func (c Config) Enabled() bool { return c.SecretKey != "" && c.WebhookSecret != "" }

// Client calls Stripe for the platform.
type Client struct {
	sc            *stripe.Client
	webhookSecret string
}

// New returns a client for cfg (which must be Enabled).
func New(cfg Config) *Client {
	bc := &stripe.BackendConfig{HTTPClient: cfg.HTTPClient, MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}} // errors are returned and logged by the caller
	if cfg.APIBase != "" {
		bc.URL = stripe.String(strings.TrimRight(cfg.APIBase, "/"))
	}
	return &Client{sc: stripe.NewClient(cfg.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(bc))),
		webhookSecret: cfg.WebhookSecret}
}

// Checkout is an open checkout session: where to send the attendee.
type Checkout struct {
	SessionID string
	URL       string
}

// minSessionLife is the shortest life Stripe gives a checkout session; a
// shorter hold is ended by the order's expiry job, which expires it.
const minSessionLife = 31 * time.Minute

// CreateCheckout opens a checkout session for o: its lines in minor units
// of its currency (one line for the whole order when a code took
// something off, so Stripe charges exactly o.TotalMinor), the attendee's
// email and language, the order in the metadata (tenant_id, order_id,
// order_number), returning to returnURL (the signed status page) when paid
// or cancelled.
func (c *Client) CreateCheckout(ctx context.Context, o *storefront.Order, title string, returnURL string, now time.Time) (Checkout, error) {
	currency := strings.ToLower(o.Currency)
	var lines []*stripe.CheckoutSessionCreateLineItemParams
	line := func(name string, unit int64, qty int) {
		lines = append(lines, &stripe.CheckoutSessionCreateLineItemParams{Quantity: stripe.Int64(int64(qty)),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{Currency: stripe.String(currency), UnitAmount: stripe.Int64(unit),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(name)}}})
	}
	if o.ItemsTotal() != o.TotalMinor {
		line(fmt.Sprintf("%s: order %s", title, o.Number), o.TotalMinor, 1)
	} else {
		for _, it := range o.Items {
			if it.UnitPriceMinor > 0 {
				line(it.ProductName.In(o.Locale, "en")+" ("+it.VariantLabel.In(o.Locale, "en")+")", it.UnitPriceMinor, it.Quantity)
			}
		}
	}
	expires := now.Add(minSessionLife)
	if o.HoldExpiresAt != nil && o.HoldExpiresAt.After(expires) {
		expires = *o.HoldExpiresAt
	}
	meta := map[string]string{"tenant_id": o.TenantID.String(), "order_id": o.ID.String(), "order_number": o.Number}
	sep := "?"
	if strings.Contains(returnURL, "?") {
		sep = "&"
	}
	p := &stripe.CheckoutSessionCreateParams{
		Mode: stripe.String(string(stripe.CheckoutSessionModePayment)), LineItems: lines,
		SuccessURL: stripe.String(returnURL + sep + "paid=1"), CancelURL: stripe.String(returnURL),
		ClientReferenceID: stripe.String(o.ID.String()), CustomerEmail: stripe.String(o.Email),
		Locale: stripe.String(stripeLocale(o.Locale)), ExpiresAt: stripe.Int64(expires.Unix()), Metadata: meta,
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{Metadata: meta},
	}
	// One session per order and hold: a retried request gets the same.
	p.SetIdempotencyKey("checkout:" + o.ID.String() + ":" + now.UTC().Format(time.RFC3339))
	s, err := c.sc.V1CheckoutSessions.Create(ctx, p)
	if err != nil {
		return Checkout{}, fmt.Errorf("stripe: create checkout session for order %s: %w", o.Number, err)
	}
	return Checkout{SessionID: s.ID, URL: s.URL}, nil
}

// OpenCheckout returns the session id's checkout when it is still open.
func (c *Client) OpenCheckout(ctx context.Context, id string) (Checkout, bool, error) {
	s, err := c.sc.V1CheckoutSessions.Retrieve(ctx, id, nil)
	if err != nil {
		return Checkout{}, false, fmt.Errorf("stripe: retrieve checkout session: %w", err)
	}
	return Checkout{SessionID: s.ID, URL: s.URL}, s.Status == stripe.CheckoutSessionStatusOpen, nil
}

// ErrSessionComplete: the checkout session was paid; it cannot expire.
var ErrSessionComplete = errors.New("payments: the checkout session is complete")

// ExpireSession closes a checkout session, so it can no longer be paid.
// One already expired is fine; a completed one is ErrSessionComplete.
func (c *Client) ExpireSession(ctx context.Context, id string) error {
	s, err := c.sc.V1CheckoutSessions.Retrieve(ctx, id, nil)
	if err != nil {
		return fmt.Errorf("stripe: retrieve checkout session: %w", err)
	}
	switch s.Status {
	case stripe.CheckoutSessionStatusComplete:
		return ErrSessionComplete
	case stripe.CheckoutSessionStatusExpired:
		return nil
	}
	if _, err := c.sc.V1CheckoutSessions.Expire(ctx, id, nil); err != nil {
		return fmt.Errorf("stripe: expire checkout session: %w", err)
	}
	return nil
}

// Refund gives back amountMinor of a payment; key makes it happen once
// however often it is asked (Stripe's idempotency key). It returns
// Stripe's refund id.
func (c *Client) Refund(ctx context.Context, paymentIntentID string, amountMinor int64, key uuid.UUID) (string, error) {
	p := &stripe.RefundCreateParams{PaymentIntent: stripe.String(paymentIntentID), Amount: stripe.Int64(amountMinor)}
	p.SetIdempotencyKey("refund:" + key.String())
	r, err := c.sc.V1Refunds.Create(ctx, p)
	if err != nil {
		return "", fmt.Errorf("stripe: refund: %w", err)
	}
	return r.ID, nil
}

// stripeLocale is Checkout's language for an order's ("auto" for one
// Checkout does not know).
func stripeLocale(l string) string {
	switch l {
	case "de", "en", "es", "fr", "it", "nl", "pt", "pl":
		return l
	}
	return "auto"
}

// SessionStore records an order's checkout session; db.DB implements it.
type SessionStore interface {
	PaymentSessionStarted(ctx context.Context, tenantID, orderID uuid.UUID, sessionID string) (recorded bool, err error)
}

// ErrNotWaiting is Begin's answer for an order whose hold ended while its
// checkout was being opened: the session is closed again, and the status
// page says where the order is.
var ErrNotWaiting = errors.New("payments: the order no longer waits for its payment")

// Begin returns where to send the attendee to pay o (waiting for its
// payment): its checkout session while that is open, else a new one,
// recorded in store. title names the event on a one-line checkout.
func (c *Client) Begin(ctx context.Context, store SessionStore, o *storefront.Order, title, returnURL string, now time.Time) (string, error) {
	if o.PaymentSessionID != "" {
		if co, open, err := c.OpenCheckout(ctx, o.PaymentSessionID); err == nil && open {
			return co.URL, nil
		}
	}
	co, err := c.CreateCheckout(ctx, o, title, returnURL, now)
	if err != nil {
		return "", err
	}
	recorded, err := store.PaymentSessionStarted(ctx, o.TenantID, o.ID, co.SessionID)
	if err != nil {
		return "", err
	}
	if !recorded {
		if err := c.ExpireSession(ctx, co.SessionID); err != nil && !errors.Is(err, ErrSessionComplete) {
			return "", err
		}
		return "", ErrNotWaiting
	}
	return co.URL, nil
}

// Checkouts opens orders' checkouts for the order form and the status
// page's "Pay now" (storefront/web's Payments).
type Checkouts struct {
	Client *Client
	Store  SessionStore
}

// Checkout returns where to send the attendee to pay o.
func (c Checkouts) Checkout(ctx context.Context, o *storefront.Order, title, returnURL string) (string, error) {
	return c.Client.Begin(ctx, c.Store, o, title, returnURL, time.Now())
}
