package db

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

// MarkPaidAtPickup records that an order to be paid at the pick-up desk
// was paid, for a staff member: its payment state becomes paid, with a
// row in its history ("paid at pick-up", its status unchanged) and an
// audit entry, in one transaction. An order that is not waiting for a
// desk payment (paid already, paid online, cancelled) is a conflict and
// nothing changes.
func (db *DB) MarkPaidAtPickup(ctx context.Context, tenantID uuid.UUID, number string, staffID uuid.UUID) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := &orderTx{tx: tx, q: dbq.New(tx), tenantID: tenantID, now: db.now()}
		row, err := ot.q.OrderGetByNumberForUpdate(ctx, dbq.OrderGetByNumberForUpdateParams{TenantID: tenantID, Number: number})
		if err != nil {
			return err
		}
		marked, err := ot.q.OrderMarkPaidAtPickup(ctx, dbq.OrderMarkPaidAtPickupParams{TenantID: tenantID, Number: number})
		if errors.Is(err, pgx.ErrNoRows) {
			return marquee.New(marquee.ECONFLICT, "console.orders.not_at_pickup")
		}
		if err != nil {
			return err
		}
		actor := "staff:" + staffID.String()
		if err := ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{TenantID: tenantID, OrderID: marked.ID,
			Status: marked.Status, Note: PaidAtPickupNote, Actor: actor, Now: &ot.now}); err != nil {
			return err
		}
		if err := ot.q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: known(staffID),
			Action: "order_marked_paid", Subject: number, Detail: []byte("{}"), Now: ot.now}); err != nil {
			return err
		}
		row.PaymentState = string(storefront.PaymentPaid)
		if order, err = ot.load(ctx, row); err != nil {
			return err
		}
		return orderWebhook(ctx, tx, order, webhooks.OrderPaid)
	})
	return order, notFound(err, "order.not_found")
}

// PaidAtPickupNote is the history note of a payment taken at the desk.
const PaidAtPickupNote = "paid at pick-up"

// revenueByPayment splits an event's revenue by what was paid: paid (in
// full or what a partial refund left), to be paid at pick-up, and online
// payments still pending.
func revenueByPayment(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, d *storefront.Dashboard) error {
	rows, err := q.DashboardRevenueByPayment(ctx, tenantID)
	if err != nil {
		return err
	}
	d.Paid, d.AtPickup, d.Pending = map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		switch storefront.PaymentState(r.PaymentState) {
		case storefront.PaymentPaid, storefront.PaymentPartiallyRefunded:
			d.Paid[r.Currency] += r.TotalMinor
		case storefront.PaymentAtPickup:
			d.AtPickup[r.Currency] += r.TotalMinor
		case storefront.PaymentPending:
			d.Pending[r.Currency] += r.TotalMinor
		}
	}
	return nil
}

// paymentOrNil is a filter's payment state for a query: nil for any.
func paymentOrNil(s storefront.PaymentState) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}

// OrderRefunds lists the money given back on an order, oldest first.
func (db *DB) OrderRefunds(ctx context.Context, tenantID, orderID uuid.UUID) ([]storefront.Refund, error) {
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
