package db

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

// PaymentSessionStarted records the checkout session opened for an order
// waiting for its payment (the status page's "Pay now" reuses it while it
// is open). recorded is false when the order no longer waits (its hold
// ended while the session was being opened): the caller closes the
// session, which nothing would close otherwise.
func (db *DB) PaymentSessionStarted(ctx context.Context, tenantID, orderID uuid.UUID, sessionID string) (recorded bool, err error) {
	err = db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		n, err := dbq.New(tx).OrderSetPaymentSession(ctx, dbq.OrderSetPaymentSessionParams{TenantID: tenantID, ID: orderID, SessionID: sessionID})
		recorded = n == 1
		return err
	})
	return recorded, err
}

// paymentTx runs fn on the event's order named by e, locked, in a tenant
// transaction that first records e's id: a webhook delivered again finds
// it recorded and changes nothing (nil order). An order that is not the
// event's, or a session that is not the order's, is ENOTFOUND and writes
// nothing.
func (db *DB) paymentTx(ctx context.Context, e storefront.PaymentEvent, fn func(ot *orderTx, tx pgx.Tx, o *storefront.Order) error) (*storefront.Order, error) {
	if e.TenantID == uuid.Nil || e.OrderID == uuid.Nil {
		return nil, marquee.New(marquee.ENOTFOUND, "order.not_found")
	}
	var order *storefront.Order
	err := db.InTenant(ctx, e.TenantID, func(tx pgx.Tx) error {
		ot := db.orderTxIn(tx, e.TenantID)
		if e.ID != "" {
			n, err := ot.q.PaymentEventRecord(ctx, dbq.PaymentEventRecordParams{TenantID: e.TenantID, EventID: e.ID, Kind: e.Type})
			if err != nil || n == 0 {
				return err // seen before: done
			}
		}
		row, err := ot.q.OrderGetByIDForUpdate(ctx, dbq.OrderGetByIDForUpdateParams{TenantID: e.TenantID, ID: e.OrderID})
		if err != nil {
			return err
		}
		if e.SessionID != "" && row.PaymentSessionID != nil && *row.PaymentSessionID != e.SessionID {
			return marquee.New(marquee.ENOTFOUND, "order.not_found")
		}
		o, err := ot.load(ctx, row)
		if err != nil {
			return err
		}
		if err := fn(ot, tx, o); err != nil {
			return err
		}
		order = o
		return nil
	})
	return order, notFound(err, "order.not_found")
}

// PaymentSucceeded records a completed online payment (a webhook): an
// order waiting for it is placed and paid, with its history row and the
// jobs of a placed order (confirmation, supplier) in the same transaction.
// A payment that arrives after the order expired is refunded whole (its
// stock went back on sale). Anything else (paid already) changes nothing.
func (db *DB) PaymentSucceeded(ctx context.Context, e storefront.PaymentEvent) (*storefront.Order, error) {
	return db.paymentTx(ctx, e, func(ot *orderTx, tx pgx.Tx, o *storefront.Order) error {
		intent := &e.PaymentIntentID
		switch {
		case o.Status == storefront.StatusPendingPayment:
			if e.AmountMinor != o.TotalMinor {
				return marquee.Wrap(marquee.EINVALID, "payment.amount_mismatch",
					fmt.Errorf("order %s: paid %d, total %d", o.Number, e.AmountMinor, o.TotalMinor))
			}
			if err := ot.q.OrderSetPayment(ctx, dbq.OrderSetPaymentParams{TenantID: ot.tenantID, ID: o.ID,
				Status: string(storefront.StatusPlaced), PaymentState: string(storefront.PaymentPaid), PaymentIntentID: intent}); err != nil {
				return err
			}
			change := storefront.StatusChange{Status: storefront.StatusPlaced, Note: "paid online", Actor: "system", At: ot.now}
			if err := ot.historyRow(ctx, o, change); err != nil {
				return err
			}
			o.Status, o.PaymentState, o.PaymentIntentID, o.HoldExpiresAt = storefront.StatusPlaced, storefront.PaymentPaid, e.PaymentIntentID, nil
			if err := orderWebhook(ctx, tx, o, webhooks.OrderPlaced, webhooks.OrderPaid); err != nil {
				return err
			}
			return db.placedJobs(ctx, ot, o)
		case o.PaymentState == storefront.PaymentExpired:
			if err := ot.q.OrderSetPayment(ctx, dbq.OrderSetPaymentParams{TenantID: ot.tenantID, ID: o.ID,
				Status: string(o.Status), PaymentState: string(storefront.PaymentPaid), PaymentIntentID: intent}); err != nil {
				return err
			}
			o.PaymentState, o.PaymentIntentID = storefront.PaymentPaid, e.PaymentIntentID
			if err := ot.historyRow(ctx, o, storefront.StatusChange{Status: o.Status, Note: "paid after the hold expired: refunded", Actor: "system", At: ot.now}); err != nil {
				return err
			}
			if db.Events == nil {
				return nil
			}
			return db.Events.PaymentRefundDue(ctx, tx, o, e.AmountMinor, "paid after the hold expired")
		}
		return nil
	})
}

// PaymentExpired ends an order's wait for its payment (Stripe's
// checkout.session.expired, or the payment_expire job at the end of the
// hold, whose e has no ID): its stock is released (release: the waiting
// list hears of it), it is cancelled with payment_state expired and a
// history row. An order no longer waiting, or whose hold has not ended
// when the job asks, is left as it is.
func (db *DB) PaymentExpired(ctx context.Context, e storefront.PaymentEvent) (*storefront.Order, error) {
	return db.paymentTx(ctx, e, func(ot *orderTx, tx pgx.Tx, o *storefront.Order) error {
		if o.Status != storefront.StatusPendingPayment {
			return nil
		}
		if e.ID == "" && o.HoldExpiresAt != nil && ot.now.Before(*o.HoldExpiresAt) {
			return nil
		}
		if err := ot.release(ctx, o); err != nil {
			return err
		}
		if err := ot.q.OrderSetPayment(ctx, dbq.OrderSetPaymentParams{TenantID: ot.tenantID, ID: o.ID,
			Status: string(storefront.StatusCancelled), PaymentState: string(storefront.PaymentExpired)}); err != nil {
			return err
		}
		o.Status, o.PaymentState, o.HoldExpiresAt = storefront.StatusCancelled, storefront.PaymentExpired, nil
		return ot.historyRow(ctx, o, storefront.StatusChange{Status: storefront.StatusCancelled, Note: "payment not completed in time", Actor: "system", At: ot.now})
	})
}

// historyRow writes a row of o's history and adds it to o.
func (ot *orderTx) historyRow(ctx context.Context, o *storefront.Order, ch storefront.StatusChange) error {
	if err := ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{TenantID: ot.tenantID, OrderID: o.ID,
		Status: string(ch.Status), Note: ch.Note, Actor: ch.Actor, Now: &ot.now}); err != nil {
		return err
	}
	o.History = append(o.History, ch)
	return nil
}

// placedJobs inserts, in ot's transaction, the jobs of an order that was
// just placed (paid): what PlaceOrder inserts for one placed at once.
func (db *DB) placedJobs(ctx context.Context, ot *orderTx, o *storefront.Order) error {
	if db.Events == nil {
		return nil
	}
	pids, vids := make([]uuid.UUID, 0, len(o.Items)), make([]uuid.UUID, 0, len(o.Items))
	for _, it := range o.Items {
		pids, vids = append(pids, it.ProductID), append(vids, it.VariantID)
	}
	supplier, err := ot.q.SupplierPerOrderExists(ctx, dbq.SupplierPerOrderExistsParams{TenantID: ot.tenantID, ProductIds: pids, VariantIds: vids})
	if err != nil {
		return err
	}
	jobs, err := db.Events.OrderPlaced(o, supplier)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if err := ot.q.JobInsert(ctx, dbq.JobInsertParams{Args: j.Args, Kind: j.Kind, MaxAttempts: j.MaxAttempts,
			Priority: j.Priority, Queue: j.Queue, Notify: j.Notify, ScheduledAt: j.ScheduledAt}); err != nil {
			return err
		}
	}
	return nil
}

// RecordRefund records a refund made (the payment_refund job, once Stripe
// made it): its row (once per key), the order's payment state (refunded
// when the order is cancelled, else partially refunded) and a history
// row. A key recorded before changes nothing.
func (db *DB) RecordRefund(ctx context.Context, tenantID uuid.UUID, number string, key uuid.UUID, amountMinor int64, reason, refundID string) error {
	return db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := db.orderTxIn(tx, tenantID)
		row, err := ot.q.OrderGetByNumberForUpdate(ctx, dbq.OrderGetByNumberForUpdateParams{TenantID: tenantID, Number: number})
		if err != nil {
			return notFound(err, "order.not_found")
		}
		n, err := ot.q.PaymentRefundInsert(ctx, dbq.PaymentRefundInsertParams{TenantID: tenantID, OrderID: row.ID, Key: key,
			AmountMinor: amountMinor, Reason: reason, RefundID: refundID, Now: &ot.now})
		if err != nil || n == 0 {
			return err
		}
		state := storefront.PaymentPartiallyRefunded
		if storefront.Status(row.Status) == storefront.StatusCancelled {
			state = storefront.PaymentRefunded
		}
		if err := ot.q.OrderSetPaymentState(ctx, dbq.OrderSetPaymentStateParams{TenantID: tenantID, ID: row.ID, PaymentState: string(state)}); err != nil {
			return err
		}
		note := "refunded " + storefront.FormatMoney(amountMinor, row.Currency, "en") + " (" + reason + ")"
		return ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{TenantID: tenantID, OrderID: row.ID,
			Status: row.Status, Note: note, Actor: "system", Now: &ot.now})
	})
}

// Refunds lists an order's refunds, oldest first.
func (db *DB) Refunds(ctx context.Context, tenantID, orderID uuid.UUID) ([]storefront.Refund, error) {
	var out []storefront.Refund
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.PaymentRefundList(ctx, dbq.PaymentRefundListParams{TenantID: tenantID, OrderID: orderID})
		for _, r := range rows {
			out = append(out, storefront.Refund{AmountMinor: r.AmountMinor, Reason: r.Reason, RefundID: r.RefundID, At: r.CreatedAt})
		}
		return err
	})
	return out, err
}
