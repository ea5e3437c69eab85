// Package jobs queues and works the platform's emails with River: the
// jobs are inserted in the transaction of the change that causes them (an
// order placed, a status changed, a supplier saved, an event archived or
// its closing time set: Enqueuer implements db.Events), so a rolled-back
// change leaves no job and a committed one always gets its emails; workers run in
// `marquee serve` or alone in `marquee worker`, retry with backoff, and
// record every accepted email so a retried job does not send it twice.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// Every job's args carry "tenant_id": the row-level-security policy on
// river_job lets a request insert and read back only its own event's jobs.

// OrderEmailArgs asks for one attendee email about an order.
type OrderEmailArgs struct {
	TenantID    uuid.UUID   `json:"tenant_id"`
	OrderNumber string      `json:"order_number"`
	Email       notify.Kind `json:"email_kind"`
	// Seq is the order's history length when the change happened: each
	// status change is its own email, even the same status twice.
	Seq  int    `json:"seq"`
	Note string `json:"note,omitempty"` // staff's note on the change, for the attendee
}

// Kind names the job for River.
func (OrderEmailArgs) Kind() string { return "order_email" }

// DedupKey names the email in email_log.
func (a OrderEmailArgs) DedupKey() string {
	return fmt.Sprintf("order:%s:%s:%d", a.OrderNumber, a.Email, a.Seq)
}

// SupplierOrderArgs asks for the per-order supplier emails of an order.
type SupplierOrderArgs struct {
	TenantID    uuid.UUID `json:"tenant_id"`
	OrderNumber string    `json:"order_number"`
}

// Kind names the job for River.
func (SupplierOrderArgs) Kind() string { return "supplier_order" }

// SupplierCancellationArgs asks for the cancellation notices of an order
// to its per-order suppliers.
type SupplierCancellationArgs struct {
	TenantID    uuid.UUID `json:"tenant_id"`
	OrderNumber string    `json:"order_number"`
}

// Kind names the job for River.
func (SupplierCancellationArgs) Kind() string { return "supplier_cancellation" }

// SupplierBatchArgs asks for one supplier's batch: all its lines, with a
// CSV and an XLSX attached.
type SupplierBatchArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	SupplierID uuid.UUID `json:"supplier_id"`
	// Scheduled is the send time the job was queued for; a supplier whose
	// time changed since makes the old job a no-op. Zero: "send now" from
	// the console (every press sends).
	Scheduled time.Time `json:"scheduled,omitzero"`
}

// Kind names the job for River.
func (SupplierBatchArgs) Kind() string { return "supplier_batch" }

// Enqueuer queues the emails of changes in their transaction.
type Enqueuer struct {
	Client *river.Client[pgx.Tx]
	// PerOrderSuppliers reports, in a cancelled order's transaction,
	// whether the event has a per-order supplier of one of the order's
	// lines (db.HasPerOrderSuppliers); without one, the cancellation
	// queues no supplier job. Nil: always queue it. (A new order's first
	// batch asks the same, see OrderPlaced.)
	PerOrderSuppliers func(ctx context.Context, tx pgx.Tx, o *storefront.Order) (bool, error)
	// NotifyEvery is how often, at most, OrderPlaced's jobs tell the
	// workers of themselves (0: insertNotifyEvery).
	NotifyEvery time.Duration
	// notified is when OrderPlaced's jobs last told the workers of
	// themselves (UnixNano).
	notified atomic.Int64
}

// hasPerOrderSuppliers asks PerOrderSuppliers, if set.
func (e *Enqueuer) hasPerOrderSuppliers(ctx context.Context, tx pgx.Tx, o *storefront.Order) (bool, error) {
	if e.PerOrderSuppliers == nil {
		return true, nil
	}
	return e.PerOrderSuppliers(ctx, tx, o)
}

// statusKinds maps a status to the attendee email it sends; placed sends
// the confirmation from OrderPlaced instead.
var statusKinds = map[storefront.Status]notify.Kind{
	storefront.StatusConfirmed:      notify.KindStatusConfirmed,
	storefront.StatusDispatched:     notify.KindStatusDispatched,
	storefront.StatusReadyForPickup: notify.KindStatusReady,
	storefront.StatusDelivered:      notify.KindStatusDelivered,
	storefront.StatusCollected:      notify.KindStatusCollected,
	storefront.StatusCancelled:      notify.KindStatusCancelled,
}

// OrderPlaced returns the jobs of a new order, which PlaceOrder inserts in
// the order's last batch: the confirmation and, when a per-order supplier
// fulfils one of the order's lines, their emails. Most events have none,
// and a job that finds nothing to send still costs an insert, a fetch, a
// query and an update: about half of what the workers did per order.
//
// An order waiting for its online payment gets its expiry job instead,
// scheduled at the end of its hold; its confirmation comes when it is paid.
func (e *Enqueuer) OrderPlaced(o *storefront.Order, perOrderSupplier bool) ([]db.Job, error) {
	if o.Status == storefront.StatusPendingPayment {
		j, err := paymentExpiry(o)
		return []db.Job{j}, err
	}
	args := []river.JobArgs{OrderEmailArgs{TenantID: o.TenantID, OrderNumber: o.Number, Email: notify.KindOrderConfirmation, Seq: len(o.History)}}
	if perOrderSupplier {
		args = append(args, SupplierOrderArgs{TenantID: o.TenantID, OrderNumber: o.Number})
	}
	notify := e.notifyDue(time.Now())
	out := make([]db.Job, 0, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		out = append(out, db.Job{Kind: a.Kind(), Args: b, Queue: river.QueueDefault, Priority: river.PriorityDefault,
			MaxAttempts: river.MaxAttemptsDefault, Notify: notify && i == 0})
	}
	return out, nil
}

// insertNotifyEvery is how often, at most, OrderPlaced's jobs tell the
// workers of themselves: River's client does so at most once per its fetch
// cooldown, 100 ms for the inserter's default configuration. Workers find
// the others at their next fetch.
const insertNotifyEvery = 100 * time.Millisecond

// notifyDue reports whether the jobs queued at now should tell the
// workers, at most once per NotifyEvery.
func (e *Enqueuer) notifyDue(now time.Time) bool {
	every := e.NotifyEvery
	if every <= 0 {
		every = insertNotifyEvery
	}
	last := e.notified.Load()
	if now.UnixNano()-last < int64(every) {
		return false
	}
	return e.notified.CompareAndSwap(last, now.UnixNano())
}

// OrderStatusChanged queues the attendee's email about the change and, for
// a cancellation, the notices to the per-order suppliers of its lines.
func (e *Enqueuer) OrderStatusChanged(ctx context.Context, tx pgx.Tx, o *storefront.Order, change storefront.StatusChange) error {
	kind, ok := statusKinds[change.Status]
	if !ok {
		return nil
	}
	// Staff's note goes with every status email: the console says it is
	// shown to the attendee ("Desk B, from 8am" on ready for pick-up, the
	// tracking number on dispatch).
	batch := []river.InsertManyParams{{Args: OrderEmailArgs{TenantID: o.TenantID, OrderNumber: o.Number, Email: kind, Seq: len(o.History), Note: change.Note}}}
	if change.Status == storefront.StatusCancelled {
		perOrder, err := e.hasPerOrderSuppliers(ctx, tx, o)
		if err != nil {
			return err
		}
		if perOrder {
			batch = append(batch, river.InsertManyParams{Args: SupplierCancellationArgs{TenantID: o.TenantID, OrderNumber: o.Number}})
		}
	}
	_, err := e.Client.InsertManyTx(ctx, tx, batch)
	return err
}

// ScheduleBatch queues a supplier's batch for at (inside tx, the
// transaction that saved the supplier).
func (e *Enqueuer) ScheduleBatch(ctx context.Context, tx pgx.Tx, tenantID, supplierID uuid.UUID, at time.Time) error {
	_, err := e.Client.InsertTx(ctx, tx, SupplierBatchArgs{TenantID: tenantID, SupplierID: supplierID, Scheduled: at.UTC()},
		&river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}})
	return err
}

// SupplierSaved queues a batch supplier's list at its send time, or else
// at the event's closing time if it has one (without either, the list
// goes when the event is archived). The worker checks the time still
// holds, so an older job of a rescheduled supplier or event does nothing.
func (e *Enqueuer) SupplierSaved(ctx context.Context, tx pgx.Tx, t *tenant.Tenant, s suppliers.Supplier) error {
	if s.Mode != suppliers.ModeBatch {
		return nil
	}
	at := s.SendAt
	if at == nil {
		at = t.ClosesAt
	}
	if at == nil {
		return nil
	}
	return e.ScheduleBatch(ctx, tx, t.ID, s.ID, *at)
}

// ClosingTimeSet queues, for the event's closing time, the list of every
// batch supplier without a send time of its own.
func (e *Enqueuer) ClosingTimeSet(ctx context.Context, tx pgx.Tx, t *tenant.Tenant, list []suppliers.Supplier) error {
	if t.ClosesAt == nil {
		return nil
	}
	if err := e.scheduleClosed(ctx, tx, t); err != nil {
		return err
	}
	for _, s := range list {
		if waitsForClosing(s) {
			if err := e.ScheduleBatch(ctx, tx, t.ID, s.ID, *t.ClosesAt); err != nil {
				return err
			}
		}
	}
	return nil
}

// EventArchived queues, to be sent now, the list of every batch supplier
// without a send time of its own: they get it when the event ends.
func (e *Enqueuer) EventArchived(ctx context.Context, tx pgx.Tx, t *tenant.Tenant, list []suppliers.Supplier) error {
	for _, s := range list {
		if !waitsForClosing(s) {
			continue
		}
		if err := e.SupplierBatchRequested(ctx, tx, t.ID, s.ID); err != nil {
			return err
		}
	}
	return nil
}

// SupplierBatchRequested queues a supplier's list to be sent now ("send
// now" in the console): every press sends, whatever the supplier's mode
// and send time.
func (e *Enqueuer) SupplierBatchRequested(ctx context.Context, tx pgx.Tx, tenantID, supplierID uuid.UUID) error {
	_, err := e.Client.InsertTx(ctx, tx, SupplierBatchArgs{TenantID: tenantID, SupplierID: supplierID}, nil)
	return err
}

// waitsForClosing reports whether s gets its list when the event closes:
// a batch supplier without a send time of its own.
func waitsForClosing(s suppliers.Supplier) bool {
	return s.Mode == suppliers.ModeBatch && s.SendAt == nil
}
