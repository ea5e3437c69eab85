package db

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

// CollectOrder records that the pick-up desk handed an order over, for a
// staff member: its status becomes collected by one conditional update
// (queries OrderCollect), with a history row naming the staff member, and
// the attendee's status email queued through Events.OrderStatusChanged,
// in one transaction. paidNow also takes the payment of an order to be
// paid at pick-up ("Mark paid and collect": the history row's note says
// "paid at pick-up", with an audit entry, as MarkPaidAtPickup writes).
//
// Of two desks collecting one order at once, one wins; the other gets
// *storefront.AlreadyCollected with who collected it and when. An order
// the desk may not hand over gets its storefront.Problem as a conflict,
// and nothing changes.
func (db *DB) CollectOrder(ctx context.Context, tenantID uuid.UUID, number string, staffID uuid.UUID, paidNow bool) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := db.orderTxIn(tx, tenantID)
		// Paying (a desk payment) first: an order paid meanwhile is then
		// collected as paid, and its history says nothing of a payment.
		paying := paidNow
		row, err := ot.q.OrderCollect(ctx, dbq.OrderCollectParams{TenantID: tenantID, Number: number, Paying: paying})
		if paying && errors.Is(err, pgx.ErrNoRows) {
			paying = false
			row, err = ot.q.OrderCollect(ctx, dbq.OrderCollectParams{TenantID: tenantID, Number: number})
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return ot.whyNotCollected(ctx, number)
		}
		if err != nil {
			return err
		}
		// The email says the order was collected, without the history's
		// note (staff's English "paid at pick-up" is not for the attendee).
		change := storefront.StatusChange{Status: storefront.StatusCollected, Actor: "staff:" + staffID.String(), At: ot.now}
		note := ""
		if paying {
			note = PaidAtPickupNote
			if err := ot.q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: known(staffID),
				Action: "order_marked_paid", Subject: row.Number, Detail: []byte("{}"), Now: ot.now}); err != nil {
				return err
			}
		}
		if err := ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{TenantID: tenantID, OrderID: row.ID,
			Status: string(change.Status), Note: note, Actor: change.Actor, Now: &ot.now}); err != nil {
			return err
		}
		if order, err = ot.load(ctx, row); err != nil {
			return err
		}
		types := []string{webhooks.OrderCollected}
		if paying {
			types = []string{webhooks.OrderPaid, webhooks.OrderCollected}
		}
		if err := orderWebhook(ctx, tx, order, types...); err != nil {
			return err
		}
		if db.Events == nil {
			return nil
		}
		return db.Events.OrderStatusChanged(ctx, tx, order, change)
	})
	return order, notFound(err, "order.not_found")
}

// whyNotCollected is the answer to an order OrderCollect did not change:
// not found, already collected (by whom, when), or its other problem.
func (ot *orderTx) whyNotCollected(ctx context.Context, number string) error {
	row, err := ot.q.OrderGetByNumber(ctx, dbq.OrderGetByNumberParams{TenantID: ot.tenantID, Number: number})
	if err != nil {
		return err
	}
	o, err := orderOf(row)
	if err != nil {
		return err
	}
	problem := o.DeskProblem()
	if problem != storefront.ProblemCollected {
		if problem == storefront.ProblemNone { // changed between the two statements
			problem = storefront.ProblemNotReady
		}
		return problem.Err()
	}
	by, err := ot.q.OrderCollectedBy(ctx, dbq.OrderCollectedByParams{TenantID: ot.tenantID, OrderID: row.ID})
	if isNoRow(err) {
		return &storefront.AlreadyCollected{}
	}
	if err != nil {
		return err
	}
	return &storefront.AlreadyCollected{Actor: by.Actor, At: by.CreatedAt}
}

// DeskCounts lists, per option ordered for pick-up, the units the desk
// handed over and those it has still to hand over.
func (db *DB) DeskCounts(ctx context.Context, tenantID uuid.UUID) ([]storefront.DeskCount, error) {
	var out []storefront.DeskCount
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.DeskCounts(ctx, tenantID)
		for _, r := range rows {
			out = append(out, storefront.DeskCount{ProductID: r.ProductID, VariantID: r.VariantID,
				Collected: int(r.Collected), Remaining: int(r.Remaining)})
		}
		return err
	})
	return out, err
}
