package db

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

// The order's webhooks (issue 19), emitted in the transaction of each
// change: order.placed when an order is placed (or its online payment
// completes it), order.paid when it is paid (online, at the desk),
// order.cancelled and order.collected on those statuses, and
// order.changed for every other change staff, a supplier or the attendee
// make (a status moved on, lines dispatched, an option swapped…). The
// data is the order as it is after the change (webhooks.Order).

// orderWebhook emits typ with o's data, in tx.
func orderWebhook(ctx context.Context, tx pgx.Tx, o *storefront.Order, types ...string) error {
	for _, typ := range types {
		if err := emitWebhook(ctx, tx, o.TenantID, typ, webhooks.Order(o)); err != nil {
			return err
		}
	}
	return nil
}

// statusWebhook is the type a move to status emits.
func statusWebhook(status storefront.Status) string {
	switch status {
	case storefront.StatusCancelled:
		return webhooks.OrderCancelled
	case storefront.StatusCollected:
		return webhooks.OrderCollected
	case storefront.StatusPlaced:
		return webhooks.OrderPlaced
	}
	return webhooks.OrderChanged
}

// soldOutWebhook emits stock.sold_out, in q's transaction, for the
// options among variantIDs whose last unit the transaction took.
func soldOutWebhook(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, variantIDs []uuid.UUID) error {
	_, err := q.WebhookEmitSoldOut(ctx, dbq.WebhookEmitSoldOutParams{TenantID: tenantID, VariantIds: variantIDs,
		Kind: webhooks.JobKind, MaxAttempts: int16(webhooks.MaxAttempts)})
	return err
}

// webhookSteps are the statements of a new order's last batch that emit
// its webhooks, after its stock was taken: order.placed (an order that
// waits for its online payment is placed when paid) and stock.sold_out for
// the options it took the last unit of. CreatedAt is the order's clock:
// the insert's created_at is not known when the batch is built.
func (ot *orderTx) webhookSteps(ctx context.Context, o *storefront.Order, lines []storefront.PricedLine) ([]func(*dbq.Queries) error, error) {
	var steps []func(*dbq.Queries) error
	if o.Status == storefront.StatusPlaced {
		data := webhooks.Order(o)
		data.CreatedAt = ot.now
		payload, err := webhookPayload(ot.tenantID, webhooks.OrderPlaced, data)
		if err != nil {
			return nil, err
		}
		steps = append(steps, func(q *dbq.Queries) error {
			_, err := q.WebhookEmit(ctx, dbq.WebhookEmitParams{TenantID: ot.tenantID, Type: webhooks.OrderPlaced, ID: uuid.New(),
				Payload: payload, Kind: webhooks.JobKind, MaxAttempts: int16(webhooks.MaxAttempts)})
			return err
		})
	}
	var limited []uuid.UUID
	for _, l := range lines {
		if l.Variant.Stock != nil {
			limited = append(limited, l.Variant.ID)
		}
	}
	if len(limited) > 0 {
		steps = append(steps, func(q *dbq.Queries) error { return soldOutWebhook(ctx, q, ot.tenantID, limited) })
	}
	return steps, nil
}

// publishedWebhook emits event.published for the branding version just
// published, in q's transaction.
func publishedWebhook(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, version int) error {
	row, err := q.TenantGetByID(ctx, tenantID)
	if err != nil {
		return err
	}
	data := webhooks.Event(tenantFromRow(row))
	data.BrandingVersion = version
	_, err = webhookEmit(ctx, q, tenantID, webhooks.EventPublished, data)
	return err
}

// EmitEventClosed emits event.closed for an event whose closing time,
// closesAt, was reached (the job scheduled then, jobs.EventClosedArgs): an
// event whose closing time changed since emits nothing (its new time has
// its own job). closed says whether it was emitted.
func (db *DB) EmitEventClosed(ctx context.Context, tenantID uuid.UUID, closesAt time.Time) (closed bool, err error) {
	err = db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		row, err := dbq.New(tx).TenantGetByID(ctx, tenantID)
		if err != nil {
			return notFound(err, "tenant.not_found")
		}
		t := tenantFromRow(row)
		if t.ClosesAt == nil || !t.ClosesAt.Equal(closesAt) {
			return nil
		}
		closed = true
		return emitWebhook(ctx, tx, tenantID, webhooks.EventClosed, webhooks.Event(t))
	})
	return closed, err
}
