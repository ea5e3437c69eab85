package db

import (
	"time"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// applyPayment decides how a new order is paid (contract 1 of issue 17):
// a free order has nothing to pay; a priced one is paid online when the
// platform has online payments (DB.OnlinePayments) and the attendee did
// not choose to pay at pick-up, which the event must allow; otherwise it is
// paid at pick-up. An order paid online is written as pending_payment,
// holding its stock until now plus the event's hold: the Events hook
// queues its expiry instead of its confirmation.
func (ot *orderTx) applyPayment(req storefront.OrderRequest, o *storefront.Order, settings dbq.SettingsGetRow) error {
	switch {
	case o.TotalMinor == 0:
		o.PaymentState = storefront.PaymentNone
	case !ot.online:
		o.PaymentState = storefront.PaymentAtPickup
	case req.Payment == storefront.PaymentChoiceAtPickup:
		if !pickupPaymentAllowed(settings) {
			return marquee.Invalid("payment", "order.payment_pickup_not_allowed")
		}
		o.PaymentState = storefront.PaymentAtPickup
	default:
		expires := ot.now.Add(paymentHold(settings))
		o.Status, o.PaymentState, o.HoldExpiresAt = storefront.StatusPendingPayment, storefront.PaymentPending, &expires
		o.History[0].Status = storefront.StatusPendingPayment
	}
	return nil
}

// paymentHold is how long an order waiting for its online payment holds
// its stock: the event's setting (storefront.DefaultPaymentHold when it
// has none).
func paymentHold(s dbq.SettingsGetRow) time.Duration {
	if s.HoldMinutes <= 0 {
		return storefront.DefaultPaymentHold
	}
	return time.Duration(s.HoldMinutes) * time.Minute
}

// pickupPaymentAllowed reports whether the event lets attendees pay at
// pick-up when online payments are on.
func pickupPaymentAllowed(s dbq.SettingsGetRow) bool {
	return s.PayAtPickup
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
