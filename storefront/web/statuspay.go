package web

import (
	"context"
	"errors"
	"math"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
	"marquee/storefront/payments"
	"marquee/themes"
)

// Payments opens an order's online checkout (Stripe Checkout) and returns
// where to send the attendee; payments.Checkouts implements it. Nil when
// online payments are off.
type Payments interface {
	Checkout(ctx context.Context, o *storefront.Order, title, returnURL string) (string, error)
}

// StatusPaymentView is the status page's payment part: the state, while
// pending the time the items stay held and "Pay now", and whether the
// attendee just came back from paying (the webhook may come a moment
// later) or the payment page could not be opened.
type StatusPaymentView struct {
	State       string
	Pending     bool
	Until       string
	MinutesLeft int
	Confirming  bool
	Failed      bool
	PayAction   string
	CSRF        string
}

// statusPayment is what the status page says of o's payment (nil for an
// order that owes nothing and never did).
func (h *Handler) statusPayment(c *fiber.Ctx, base themes.Page, o *storefront.Order) *StatusPaymentView {
	if o.PaymentState == "" || o.PaymentState == storefront.PaymentNone {
		return nil
	}
	v := &StatusPaymentView{State: base.T("payment.state." + string(o.PaymentState))}
	if o.Status == storefront.StatusPendingPayment && o.HoldExpiresAt != nil {
		left := o.HoldLeft(h.nowOf(c))
		v.Pending = left > 0
		v.Until = base.EventTime(*o.HoldExpiresAt)
		v.MinutesLeft = int(math.Ceil(left.Minutes()))
		v.Confirming = c.Query("paid") == "1"
		v.Failed = c.Query("pay") == "failed"
		v.PayAction = "/orders/" + o.Number + "/pay?sig=" + c.Query("sig")
		v.CSRF = h.csrfToken(c)
	}
	return v
}

// toCheckout sends the attendee of an order waiting for its payment to
// its checkout; when it cannot be opened, to the status page, which says
// so and offers "Pay now" again.
func (h *Handler) toCheckout(c *fiber.Ctx, site *storefront.Site, o *storefront.Order) error {
	status := h.Links.Path(site.Tenant.ID, o.Number)
	if h.Payments != nil {
		u, err := h.Payments.Checkout(c.UserContext(), o, site.Tenant.Name, h.origin(c)+status)
		if err == nil {
			return c.Redirect(u, fiber.StatusSeeOther)
		}
		if errors.Is(err, payments.ErrNotWaiting) { // its hold ended meanwhile: the page says so
			return c.Redirect(status, fiber.StatusSeeOther)
		}
		h.Log.Error("the checkout could not be opened", "order", o.Number, "err", err)
	}
	return c.Redirect(status+"&pay=failed", fiber.StatusSeeOther)
}

// payNow is the status page's "Pay now": the order's checkout again, while
// the order waits for its payment and its hold lasts; otherwise back to
// the status page, which says where the order is.
func (h *Handler) payNow(c *fiber.Ctx) error {
	site, _, ok, err := h.submission(c)
	if !ok {
		return err
	}
	o, err := h.signedOrder(c, site)
	if err != nil {
		return err
	}
	if o.Status != storefront.StatusPendingPayment || o.HoldLeft(h.nowOf(c)) <= 0 {
		return c.Redirect(h.Links.Path(site.Tenant.ID, o.Number), fiber.StatusSeeOther)
	}
	return h.toCheckout(c, site, o)
}
