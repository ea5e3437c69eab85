package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/payments"
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

// Payments is what the payment jobs ask Stripe; payments.Client
// implements it.
type Payments interface {
	// ExpireSession closes a checkout session (nil when it is closed
	// already); a paid one answers payments.ErrSessionComplete.
	ExpireSession(ctx context.Context, id string) error
	Refund(ctx context.Context, paymentIntentID string, amountMinor int64, key uuid.UUID) (string, error)
}

type paymentExpireWorker struct {
	river.WorkerDefaults[PaymentExpireArgs]
	d *Deps
}

// Work closes the order's checkout at Stripe, so it can no longer be paid,
// then releases the order's stock and cancels it (db.PaymentExpired, which
// leaves an order no longer waiting as it is). A session paid meanwhile is
// left to its webhook.
func (w *paymentExpireWorker) Work(ctx context.Context, job *river.Job[PaymentExpireArgs]) error {
	a := job.Args
	o, err := w.d.Store.OrderByNumber(ctx, a.TenantID, a.OrderNumber)
	if err != nil {
		return ignoreGone(err)
	}
	if o.Status != storefront.StatusPendingPayment {
		return nil
	}
	if o.PaymentSessionID != "" && w.d.Payments != nil {
		err := w.d.Payments.ExpireSession(ctx, o.PaymentSessionID)
		if errors.Is(err, payments.ErrSessionComplete) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	expired, err := w.d.Store.PaymentExpired(ctx, storefront.PaymentEvent{TenantID: a.TenantID, OrderID: o.ID})
	if err != nil {
		return ignoreGone(err)
	}
	// A session opened after the order was read (the attendee's "Pay now"
	// at the last moment) is closed too: nothing else would close it. Paid
	// meanwhile, its webhook finds the order expired and refunds it.
	if expired != nil && expired.PaymentSessionID != "" && expired.PaymentSessionID != o.PaymentSessionID && w.d.Payments != nil {
		if err := w.d.Payments.ExpireSession(ctx, expired.PaymentSessionID); err != nil && !errors.Is(err, payments.ErrSessionComplete) {
			return err
		}
	}
	return nil
}

type paymentRefundWorker struct {
	river.WorkerDefaults[PaymentRefundArgs]
	d *Deps
}

// Work refunds at Stripe with the job's key (a rerun gets the same refund)
// and records it (once per key).
func (w *paymentRefundWorker) Work(ctx context.Context, job *river.Job[PaymentRefundArgs]) error {
	a := job.Args
	if w.d.Payments == nil {
		return errors.New("jobs: a refund is due but online payments are off (STRIPE_SECRET_KEY unset)")
	}
	o, err := w.d.Store.OrderByNumber(ctx, a.TenantID, a.OrderNumber)
	if err != nil {
		return ignoreGone(err)
	}
	if o.PaymentIntentID == "" {
		return river.JobCancel(fmt.Errorf("order %s was not paid online", o.Number))
	}
	id, err := w.d.Payments.Refund(ctx, o.PaymentIntentID, a.AmountMinor, a.Key)
	if err != nil {
		return err
	}
	return w.d.Store.RecordRefund(context.WithoutCancel(ctx), a.TenantID, a.OrderNumber, a.Key, a.AmountMinor, a.Reason, id)
}
