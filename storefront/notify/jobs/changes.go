package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/notify/render"
	"marquee/storefront/suppliers"
)

// ItemRef names a line's product and option: enough to find its
// suppliers.
type ItemRef struct {
	ProductID uuid.UUID `json:"product_id"`
	VariantID uuid.UUID `json:"variant_id"`
}

// SupplierChangeArgs asks for the notices of an attendee's change to the
// per-order suppliers of the lines it concerns.
type SupplierChangeArgs struct {
	TenantID    uuid.UUID `json:"tenant_id"`
	OrderNumber string    `json:"order_number"`
	// Seq is the order's history length after the change: the change is
	// its row Seq-1, and each change is its own notice.
	Seq   int       `json:"seq"`
	Items []ItemRef `json:"items"`
}

// Kind names the job for River.
func (SupplierChangeArgs) Kind() string { return "supplier_change" }

// OrderChanged queues the attendee's email about a change they made and,
// when a per-order supplier fulfils one of the lines it concerns, the
// notices to those suppliers.
func (e *Enqueuer) OrderChanged(ctx context.Context, tx pgx.Tx, o *storefront.Order, change storefront.StatusChange, items []storefront.Item) error {
	seq := len(o.History)
	batch := []river.InsertManyParams{{Args: OrderEmailArgs{TenantID: o.TenantID, OrderNumber: o.Number, Email: notify.KindOrderChanged, Seq: seq}}}
	concerned := *o
	concerned.Items = items
	perOrder, err := e.hasPerOrderSuppliers(ctx, tx, &concerned)
	if err != nil {
		return err
	}
	if perOrder {
		args := SupplierChangeArgs{TenantID: o.TenantID, OrderNumber: o.Number, Seq: seq}
		for _, it := range items {
			args.Items = append(args.Items, ItemRef{ProductID: it.ProductID, VariantID: it.VariantID})
		}
		batch = append(batch, river.InsertManyParams{Args: args})
	}
	_, err = e.Client.InsertManyTx(ctx, tx, batch)
	return err
}

// changeAt is the change an email of seq is about: the order's history
// row seq-1, when it is a change.
func changeAt(o *storefront.Order, seq int) (storefront.StatusChange, bool) {
	if seq < 1 || seq > len(o.History) || o.History[seq-1].Change == "" {
		return storefront.StatusChange{}, false
	}
	return o.History[seq-1], true
}

type supplierChangeWorker struct {
	river.WorkerDefaults[SupplierChangeArgs]
	d *Deps
}

// Work tells each per-order supplier of a line the change concerns what
// changed, with the lines it fulfils for the order now; once per supplier
// and change.
func (w *supplierChangeWorker) Work(ctx context.Context, job *river.Job[SupplierChangeArgs]) error {
	a := job.Args
	list, err := w.d.Store.Suppliers(ctx, a.TenantID)
	if err != nil || len(list) == 0 {
		return err
	}
	ev, o, err := w.d.eventAndOrder(ctx, a.TenantID, a.OrderNumber)
	if o == nil {
		return err
	}
	ch, ok := changeAt(o, a.Seq)
	if !ok || o.Status == storefront.StatusCancelled {
		return nil // cancelled since: the suppliers hear of that instead
	}
	var errs []error
	for _, s := range list {
		if s.Mode != suppliers.ModePerOrder || !fulfilsAny(s, a.Items) {
			continue
		}
		if err := w.notify(ctx, a, ev, s, o, ch); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (w *supplierChangeWorker) notify(ctx context.Context, a SupplierChangeArgs, ev render.Event, s suppliers.Supplier, o *storefront.Order, ch storefront.StatusChange) error {
	var items []storefront.Item
	for _, it := range o.Items {
		if s.Fulfils(it) {
			items = append(items, it)
		}
	}
	m, err := w.d.Renderer.SupplierChange(ev, s.Name, s.Emails, *o, items, ch)
	if err != nil {
		return river.JobCancel(err)
	}
	_, err = w.d.send(ctx, a.TenantID, fmt.Sprintf("supplier:%s:changed:%s:%d", s.ID, o.Number, a.Seq), notify.KindSupplierChanged, &o.ID, m)
	return err
}

func fulfilsAny(s suppliers.Supplier, refs []ItemRef) bool {
	return slices.ContainsFunc(refs, func(r ItemRef) bool {
		return s.Fulfils(storefront.Item{ProductID: r.ProductID, VariantID: r.VariantID})
	})
}
