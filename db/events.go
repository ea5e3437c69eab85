package db

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/suppliers"
	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// Events is told of every change that has side effects, inside the
// transaction that makes the change: the one place where emails and
// supplier jobs are enqueued, so that a rolled-back change leaves no job
// and a committed one always has its jobs. An error rolls the change
// back. The job package implements it (jobs.Enqueuer).
type Events interface {
	// OrderPlaced is told of a new order before it is written and returns
	// the jobs it queues: PlaceOrder inserts them in the order's last
	// batch, in its transaction (so the hook runs no statement of its
	// own). perOrderSupplier: whether a per-order supplier fulfils one of
	// the order's lines, as the order's first batch found.
	OrderPlaced(o *storefront.Order, perOrderSupplier bool) ([]Job, error)
	// OrderStatusChanged is told of an order's new status (a cancellation
	// included).
	OrderStatusChanged(ctx context.Context, tx pgx.Tx, o *storefront.Order, change storefront.StatusChange) error
	// SupplierSaved is told of a supplier created or changed, with its
	// event as it is in the transaction.
	SupplierSaved(ctx context.Context, tx pgx.Tx, t *tenant.Tenant, s suppliers.Supplier) error
	// EventArchived is told of an event that was just archived (it has
	// ended), with its suppliers.
	EventArchived(ctx context.Context, tx pgx.Tx, t *tenant.Tenant, list []suppliers.Supplier) error
	// ClosingTimeSet is told of an event whose closing time was set,
	// changed or removed, with its suppliers.
	ClosingTimeSet(ctx context.Context, tx pgx.Tx, t *tenant.Tenant, list []suppliers.Supplier) error
	// SupplierBatchRequested is told that staff asked for a supplier's
	// list now.
	SupplierBatchRequested(ctx context.Context, tx pgx.Tx, tenantID, supplierID uuid.UUID) error

	// StockReturned is told of options whose limited stock grew (an order
	// or line cancelled, a payment expired, staff's positive adjustment,
	// an unused waiting-list offer): it queues the waiting list's offer
	// job for each option once (issue 17, contract 3). Every path that
	// gives units back calls it, through orderTx.release or stockReturned.
	StockReturned(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, variantIDs []uuid.UUID) error

	// PaymentRefundDue (issue 17, payments) is told that amountMinor of an
	// order is to be given back (a cancellation, a cancelled line), with
	// why; it queues the refund when the order was paid online
	// (o.PaidOnline) and does nothing otherwise. OrderPlaced also hears
	// of an order waiting for its online payment (status pending_payment)
	// and then returns its expiry job, scheduled at o.HoldExpiresAt,
	// instead of the confirmation, which it returns once the order is
	// paid and placed.
	PaymentRefundDue(ctx context.Context, tx pgx.Tx, o *storefront.Order, amountMinor int64, reason string) error

	// OrderChanged is told of a change an attendee made to their order
	// (changes: a swapped option, a new address, a cancelled line), with
	// the order as it is after it, the change (its last history row) and
	// the lines the change concerns as they were.
	OrderChanged(ctx context.Context, tx pgx.Tx, o *storefront.Order, change storefront.StatusChange, items []storefront.Item) error

	// MessageSendRequested (issue 18, messages to attendees) is told that
	// staff sent a message: it queues the message's fan-out job.
	MessageSendRequested(ctx context.Context, tx pgx.Tx, tenantID, messageID uuid.UUID) error

	// WebhookEndpointDisabled (issue 19, webhooks) is told of an endpoint
	// just disabled because it kept failing: it queues the email to the
	// endpoint's owner.
	WebhookEndpointDisabled(ctx context.Context, tx pgx.Tx, e webhooks.Endpoint) error
}

// Job is a River job that a change queues, inserted in the change's
// transaction by its own statement (queries JobInsert) as River's client
// would insert it.
type Job struct {
	Kind string
	Args []byte // the job's args as JSON
	// Queue, Priority, MaxAttempts as River's insert options have them.
	Queue                 string
	Priority, MaxAttempts int16
	// Notify tells River's workers a job is there (River's client does it
	// at most once per its fetch cooldown); without it they find the job
	// at their next poll.
	Notify bool
	// ScheduledAt, when set, is when the job may run (River's
	// ScheduledAt): an order's payment expiry.
	ScheduledAt *time.Time
}

// supplierSaved tells db.Events, inside tx, that s was saved.
func (db *DB) supplierSaved(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, s suppliers.Supplier) error {
	if db.Events == nil {
		return nil
	}
	row, err := dbq.New(tx).TenantGetByID(ctx, tenantID)
	if err != nil {
		return err
	}
	return db.Events.SupplierSaved(ctx, tx, tenantFromRow(row), s)
}

// eventArchived tells db.Events, inside tx, that t was archived.
func (db *DB) eventArchived(ctx context.Context, tx pgx.Tx, t *tenant.Tenant) error {
	if db.Events == nil {
		return nil
	}
	list, err := suppliersOf(ctx, dbq.New(tx), t.ID)
	if err != nil {
		return err
	}
	return db.Events.EventArchived(ctx, tx, t, list)
}

// closingTimeSet tells db.Events, inside tx, that t's closing time changed.
func (db *DB) closingTimeSet(ctx context.Context, tx pgx.Tx, t *tenant.Tenant) error {
	if db.Events == nil {
		return nil
	}
	list, err := suppliersOf(ctx, dbq.New(tx), t.ID)
	if err != nil {
		return err
	}
	return db.Events.ClosingTimeSet(ctx, tx, t, list)
}

// stockReturned tells db.Events, inside tx, that the options' stock grew.
func (db *DB) stockReturned(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, variantIDs []uuid.UUID) error {
	return tellStockReturned(ctx, db.Events, tx, tenantID, variantIDs)
}

// tellStockReturned tells events, inside tx, of the options among
// variantIDs that someone waits for, each once: most cancellations are of
// options nobody waits for, and they queue no job.
func tellStockReturned(ctx context.Context, events Events, tx pgx.Tx, tenantID uuid.UUID, variantIDs []uuid.UUID) error {
	if events == nil || len(variantIDs) == 0 {
		return nil
	}
	waited, err := dbq.New(tx).WaitlistWaitedFor(ctx, dbq.WaitlistWaitedForParams{TenantID: tenantID, Ids: variantIDs})
	if err != nil || len(waited) == 0 {
		return err
	}
	return events.StockReturned(ctx, tx, tenantID, waited)
}
