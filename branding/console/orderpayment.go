package console

import (
	"context"
	"math"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/themes"
)

// PaymentDesk is what fulfilment does about payments; db.DB implements it.
type PaymentDesk interface {
	// MarkPaidAtPickup records a payment taken at the pick-up desk.
	MarkPaidAtPickup(ctx context.Context, tenantID uuid.UUID, number string, staffID uuid.UUID) (*storefront.Order, error)
	// OrderRefunds lists the money given back on an order.
	OrderRefunds(ctx context.Context, tenantID, orderID uuid.UUID) ([]storefront.Refund, error)
}

// PaymentView is an order's payment as the console's order page shows it.
type PaymentView struct {
	State, Amount string
	// TimeLeft is how many minutes a pending online payment still holds
	// the stock; SessionID and IntentID are Stripe's ("" when none).
	TimeLeft            int
	Pending             bool
	SessionID, IntentID string
	// CanMarkPaid: the order waits to be paid at the desk.
	CanMarkPaid bool
	Refunds     []RefundRow
}

// RefundRow is one refund on the order page.
type RefundRow struct{ Amount, Reason, RefundID, At string }

// orderPayment is o's payment with its refunds, for the order page.
func (h *Console) orderPayment(ctx context.Context, base themes.Page, o *storefront.Order) (PaymentView, error) {
	v := paymentView(base, o, h.now())
	refunds, err := h.Orders.OrderRefunds(ctx, o.TenantID, o.ID)
	for _, r := range refunds {
		v.Refunds = append(v.Refunds, RefundRow{Amount: storefront.FormatMoney(r.AmountMinor, o.Currency, base.Lang),
			Reason: r.Reason, RefundID: r.RefundID, At: consoleTime(base, r.At)})
	}
	return v, err
}

// paymentView describes o's payment at now in the staff member's language.
func paymentView(base themes.Page, o *storefront.Order, now time.Time) PaymentView {
	v := PaymentView{State: paymentLabel(base, o.PaymentState), Amount: storefront.FormatMoney(o.TotalMinor, o.Currency, base.Lang),
		SessionID: o.PaymentSessionID, IntentID: o.PaymentIntentID, Pending: o.PaymentState == storefront.PaymentPending,
		CanMarkPaid: o.PaymentState == storefront.PaymentAtPickup && o.Status != storefront.StatusCancelled}
	if v.Pending {
		v.TimeLeft = int(math.Ceil(o.HoldLeft(now).Minutes()))
	}
	return v
}

// paymentLabel is a payment state in the staff member's language.
func paymentLabel(base themes.Page, s storefront.PaymentState) string {
	if s == "" {
		s = storefront.PaymentNone
	}
	return base.T("payment.state." + string(s))
}

// paymentOptions are the orders list's payment filter, chosen selected.
func paymentOptions(base themes.Page, chosen storefront.PaymentState) []OptionRow {
	out := []OptionRow{{Value: "", Label: base.T("console.orders.any_payment"), Selected: chosen == ""}}
	for _, s := range storefront.PaymentStates {
		out = append(out, OptionRow{Value: string(s), Label: paymentLabel(base, s), Selected: s == chosen})
	}
	return out
}

// paymentFilter is the list's payment state from the query; an unknown
// one is ignored rather than refused, as an unknown status is.
func paymentFilter(c *fiber.Ctx) storefront.PaymentState {
	if s := storefront.PaymentState(c.Query("payment")); s.Valid() {
		return s
	}
	return ""
}

// markPaid records that the route's order, to be paid at pick-up, was
// paid at the desk. An order that is not waiting for that comes back with
// why (409), unchanged.
func (h *Console) markPaid(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	number := c.Params("number")
	_, err := h.Orders.MarkPaidAtPickup(c.UserContext(), t.ID, number, current(c).staff.ID)
	if marquee.ErrorCode(err) == marquee.ECONFLICT {
		o, lerr := h.Orders.OrderByNumber(c.UserContext(), t.ID, number)
		if lerr != nil {
			return "", lerr
		}
		return "", h.renderOrder(c, t, o, fiber.StatusConflict, h.page(c).T(marquee.ErrorMessage(err)))
	}
	if err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/orders/"+number, "marked_paid"), nil
}

// RevenueSplit is the dashboard's revenue by payment, in the event's
// currency: paid, to be paid at pick-up, and online payments still open.
type RevenueSplit struct{ Paid, AtPickup, Pending string }

func revenueSplit(d storefront.Dashboard, currency, lang string) RevenueSplit {
	return RevenueSplit{Paid: storefront.FormatMoney(d.Paid[currency], currency, lang),
		AtPickup: storefront.FormatMoney(d.AtPickup[currency], currency, lang),
		Pending:  storefront.FormatMoney(d.Pending[currency], currency, lang)}
}
