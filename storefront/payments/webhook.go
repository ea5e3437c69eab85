package payments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"marquee"
	"marquee/storefront"
)

// The webhook events acted on.
const (
	EventCompleted      = "checkout.session.completed"
	EventAsyncSucceeded = "checkout.session.async_payment_succeeded"
	EventExpired        = "checkout.session.expired"
)

// maxEventID is the longest Stripe event id recorded (payment_events'
// CHECK); Stripe's are about 30 characters.
const maxEventID = 255

// ErrBadSignature: a webhook not signed with the platform's secret (or too
// old to trust).
var ErrBadSignature = errors.New("payments: the webhook's signature does not verify")

// ParseWebhook verifies a webhook's Stripe-Signature header with the
// platform's secret and reads the checkout session it is about. ok is
// false for an event the shop does not act on.
func (c *Client) ParseWebhook(payload []byte, signature string) (e storefront.PaymentEvent, ok bool, err error) {
	ev, err := webhook.ConstructEventWithOptions(payload, signature, c.webhookSecret, webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return e, false, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	switch ev.Type {
	case EventCompleted, EventAsyncSucceeded, EventExpired:
	default:
		return e, false, nil
	}
	if n := utf8.RuneCountInString(ev.ID); n < 1 || n > maxEventID {
		// payment_events keeps it (its CHECK): Stripe's ids are short.
		return e, false, marquee.Wrap(marquee.EINVALID, "payment.webhook_invalid", fmt.Errorf("an event id of %d characters", n))
	}
	var s stripe.CheckoutSession
	if err := s.UnmarshalJSON(ev.Data.Raw); err != nil {
		return e, false, marquee.Wrap(marquee.EINVALID, "payment.webhook_invalid", err)
	}
	e = storefront.PaymentEvent{ID: ev.ID, Type: string(ev.Type), SessionID: s.ID, AmountMinor: s.AmountTotal, Currency: string(s.Currency)}
	if s.PaymentIntent != nil {
		e.PaymentIntentID = s.PaymentIntent.ID
	}
	tenantID, err1 := uuid.Parse(s.Metadata["tenant_id"])
	orderID, err2 := uuid.Parse(s.Metadata["order_id"])
	if err := errors.Join(err1, err2); err != nil {
		return e, false, marquee.Wrap(marquee.EINVALID, "payment.webhook_invalid", err)
	}
	e.TenantID, e.OrderID = tenantID, orderID
	if (ev.Type == EventCompleted) && s.PaymentStatus != stripe.CheckoutSessionPaymentStatusPaid {
		return e, false, nil // paid later: async_payment_succeeded follows
	}
	return e, true, nil
}

// Store records what webhooks say; db.DB implements it. Each is idempotent
// by the event's id, and refuses (ENOTFOUND) an order that is not the
// event's named in the metadata.
type Store interface {
	PaymentSucceeded(ctx context.Context, e storefront.PaymentEvent) (*storefront.Order, error)
	PaymentExpired(ctx context.Context, e storefront.PaymentEvent) (*storefront.Order, error)
}

// WebhookPath is where Stripe sends the platform's webhooks, on the
// console's host.
const WebhookPath = "/webhooks/stripe"

// Webhook answers Stripe's webhooks: 400 for a bad signature or a body
// that is not a checkout session of ours (writing nothing), 404 for an
// order that does not exist in the event named, 200 once recorded (or
// ignored); any other failure is a 5xx and Stripe sends it again.
func Webhook(c *Client, store Store, log *slog.Logger) fiber.Handler {
	return func(ctx *fiber.Ctx) error {
		e, ok, err := c.ParseWebhook(ctx.Body(), ctx.Get("Stripe-Signature"))
		if errors.Is(err, ErrBadSignature) {
			log.Warn("a Stripe webhook with a bad signature", "err", err)
			return ctx.Status(fiber.StatusBadRequest).SendString("bad signature")
		}
		if err != nil {
			return ctx.Status(marquee.HTTPStatus(err)).SendString(marquee.ErrorMessage(err))
		}
		if !ok {
			return ctx.SendString("ignored")
		}
		if e.Type == EventExpired {
			_, err = store.PaymentExpired(ctx.UserContext(), e)
		} else {
			_, err = store.PaymentSucceeded(ctx.UserContext(), e)
		}
		if code := marquee.ErrorCode(err); code == marquee.ENOTFOUND || code == marquee.EINVALID {
			log.Warn("a Stripe webhook about an unknown order", "event", e.ID, "tenant", e.TenantID, "order", e.OrderID, "err", err)
			return ctx.Status(marquee.HTTPStatus(err)).SendString(marquee.ErrorMessage(err))
		}
		if err != nil {
			return err
		}
		return ctx.SendString("ok")
	}
}
