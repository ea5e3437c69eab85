package jobs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
	"marquee/storefront"
)

// PaymentExpireArgs asks to end an order's wait for its online payment
// once its hold has run out: the checkout is closed, the stock released and
// the order cancelled (payment_state expired), unless it was paid
// meanwhile.
type PaymentExpireArgs struct {
	TenantID    uuid.UUID `json:"tenant_id"`
	OrderNumber string    `json:"order_number"`
}

// Kind names the job for River.
func (PaymentExpireArgs) Kind() string { return "payment_expire" }

// PaymentRefundArgs asks to give back AmountMinor of an order paid online.
// Key identifies the refund at Stripe (its idempotency key) and in
// payment_refunds, so a job run again after its worker died refunds once.
type PaymentRefundArgs struct {
	TenantID    uuid.UUID `json:"tenant_id"`
	OrderNumber string    `json:"order_number"`
	AmountMinor int64     `json:"amount_minor"`
	Reason      string    `json:"reason"`
	Key         uuid.UUID `json:"key"`
}

// Kind names the job for River.
func (PaymentRefundArgs) Kind() string { return "payment_refund" }

// paymentExpiry is the expiry job of an order waiting for its online
// payment, as a row for the order's batch, scheduled at its hold's end.
func paymentExpiry(o *storefront.Order) (db.Job, error) {
	a := PaymentExpireArgs{TenantID: o.TenantID, OrderNumber: o.Number}
	b, err := json.Marshal(a)
	if err != nil {
		return db.Job{}, err
	}
	at := time.Now()
	if o.HoldExpiresAt != nil {
		at = *o.HoldExpiresAt
	}
	return db.Job{Kind: a.Kind(), Args: b, Queue: river.QueueDefault, Priority: river.PriorityDefault,
		MaxAttempts: river.MaxAttemptsDefault, ScheduledAt: &at}, nil
}

// PaymentRefundDue queues the refund of amountMinor of o when o was paid
// online; an order paid at the desk, or not paid, is refunded there or
// owes nothing.
func (e *Enqueuer) PaymentRefundDue(ctx context.Context, tx pgx.Tx, o *storefront.Order, amountMinor int64, reason string) error {
	if !o.PaidOnline() || amountMinor <= 0 {
		return nil
	}
	_, err := e.Client.InsertTx(ctx, tx, PaymentRefundArgs{TenantID: o.TenantID, OrderNumber: o.Number,
		AmountMinor: amountMinor, Reason: reason, Key: uuid.New()}, nil)
	return err
}
