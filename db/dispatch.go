package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/suppliers"
	"marquee/storefront/webhooks"
)

// errNoSupplier answers a supplier link whose supplier no longer exists.
var errNoSupplier = marquee.New(marquee.ENOTFOUND, "dispatch.no_supplier")

// Supplier returns one of the event's suppliers.
func (db *DB) Supplier(ctx context.Context, tenantID, supplierID uuid.UUID) (suppliers.Supplier, error) {
	var s suppliers.Supplier
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		s, err = supplierIn(ctx, q, tenantID, supplierID)
		return err
	})
	return s, err
}

func supplierIn(ctx context.Context, q *dbq.Queries, tenantID, supplierID uuid.UUID) (suppliers.Supplier, error) {
	list, err := suppliersOf(ctx, q, tenantID)
	if err != nil {
		return suppliers.Supplier{}, err
	}
	for _, s := range list {
		if s.ID == supplierID {
			return s, nil
		}
	}
	return suppliers.Supplier{}, errNoSupplier
}

// SupplierLines returns up to limit of the lines supplier s fulfils,
// skipping the first skip: of order number, or of every order its lists
// cover when number is "".
func (db *DB) SupplierLines(ctx context.Context, tenantID uuid.UUID, s suppliers.Supplier, number string, skip, limit int) ([]storefront.SupplierLine, error) {
	p := dbq.SupplierLineListParams{TenantID: tenantID, ProductIds: idsOrEmpty(s.ProductIDs), VariantIds: idsOrEmpty(s.VariantIDs),
		MaxRows: int32(max(1, min(limit, 1000))), Skip: int32(max(0, skip))}
	if number != "" {
		p.Number = &number
	}
	var out []storefront.SupplierLine
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.SupplierLineList(ctx, p)
		for _, r := range rows {
			l, err := supplierLineOf(r)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return err
	})
	return out, err
}

func idsOrEmpty(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}

func supplierLineOf(r dbq.SupplierLineListRow) (storefront.SupplierLine, error) {
	l := storefront.SupplierLine{OrderNumber: r.Number, OrderStatus: storefront.Status(r.Status), PlacedAt: r.CreatedAt,
		Item: storefront.Item{Position: int(r.Position), ProductID: r.ProductID, VariantID: r.VariantID, Quantity: int(r.Quantity),
			DispatchedAt: r.DispatchedAt, DispatchNote: r.DispatchNote}}
	if err := errors.Join(json.Unmarshal(r.ProductName, &l.Item.ProductName), json.Unmarshal(r.VariantLabel, &l.Item.VariantLabel),
		json.Unmarshal(r.Answers, &l.Item.Answers)); err != nil {
		return l, fmt.Errorf("order %s item %d: %w", r.Number, r.Position, err)
	}
	if r.ShippingAddress != nil {
		l.Address = &address.Address{}
		if err := json.Unmarshal(r.ShippingAddress, l.Address); err != nil {
			return l, fmt.Errorf("order %s address: %w", r.Number, err)
		}
	}
	return l, nil
}

// DispatchLines marks lines of an order dispatched for their supplier, in
// one transaction: each line only once (a second mark changes nothing
// and returns 0), only the supplier's own lines (another's are refused,
// nothing written), only while the order is placed or confirmed. When
// every line of the order is then dispatched and the event ships, the
// order moves to dispatched with a history row whose note is every
// line's tracking note, and the Events hook queues the attendee's email;
// otherwise a 'lines_dispatched' row records it, without an email: the
// attendee hears once, when all is on its way. It returns the order and
// how many lines it marked now.
func (db *DB) DispatchLines(ctx context.Context, tenantID uuid.UUID, d storefront.Dispatch) (*storefront.Order, int, error) {
	var order *storefront.Order
	var marked int
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := db.orderTxIn(tx, tenantID)
		s, err := supplierIn(ctx, ot.q, tenantID, d.SupplierID)
		if err != nil {
			return err
		}
		row, err := ot.q.OrderGetByNumberForUpdate(ctx, dbq.OrderGetByNumberForUpdateParams{TenantID: tenantID, Number: d.Order})
		if err != nil {
			return notFound(err, "order.not_found")
		}
		if order, err = ot.load(ctx, row); err != nil {
			return err
		}
		if err := ownLines(s, order, d.Positions); err != nil {
			return err
		}
		if alreadyDispatched(order, d.Positions) {
			return nil // marked before: a second mark changes nothing
		}
		if err := storefront.CheckSupplierDispatch(order.Status); err != nil {
			return err
		}
		actor := "supplier:" + s.ID.String()
		positions := make([]int32, len(d.Positions))
		for i, p := range d.Positions {
			positions[i] = int32(p)
		}
		done, err := ot.q.OrderItemsDispatch(ctx, dbq.OrderItemsDispatchParams{TenantID: tenantID, OrderID: row.ID, Positions: positions,
			Note: d.Note, Actor: actor, Now: &ot.now})
		if err != nil || len(done) == 0 {
			return err // nothing new: marked before
		}
		marked = len(done)
		if order, err = ot.load(ctx, row); err != nil {
			return err
		}
		return db.dispatched(ctx, tx, ot, order, d, actor)
	})
	return order, marked, err
}

// ownLines refuses positions that are not lines of o that s fulfils.
func ownLines(s suppliers.Supplier, o *storefront.Order, positions []int) error {
	if len(positions) == 0 {
		return marquee.Invalid("line", "dispatch.choose_lines")
	}
	for _, p := range positions {
		it, ok := o.ItemAt(p)
		if !ok || !s.Fulfils(it) {
			return marquee.New(marquee.EFORBIDDEN, "dispatch.not_your_line")
		}
	}
	return nil
}

// alreadyDispatched reports whether every line of o at positions is
// dispatched.
func alreadyDispatched(o *storefront.Order, positions []int) bool {
	for _, p := range positions {
		if it, _ := o.ItemAt(p); it.DispatchedAt == nil {
			return false
		}
	}
	return true
}

// dispatched writes the history of a dispatch that marked lines of o (as
// it is after it) and moves it on when it was the last.
func (db *DB) dispatched(ctx context.Context, tx pgx.Tx, ot *orderTx, o *storefront.Order, d storefront.Dispatch, actor string) error {
	if !d.Ships || !storefront.AllDispatched(o.Items) || !storefront.CanMove(o.Status, storefront.StatusDispatched) {
		o.History = append(o.History, storefront.StatusChange{Status: o.Status, Change: storefront.ChangeLinesDispatched, Note: d.Note, Actor: actor, At: ot.now})
		if err := ot.q.OrderChangeInsert(ctx, dbq.OrderChangeInsertParams{TenantID: ot.tenantID, OrderID: o.ID, Status: string(o.Status),
			Change: string(storefront.ChangeLinesDispatched), Note: d.Note, Actor: actor, Now: &ot.now}); err != nil {
			return err
		}
		return orderWebhook(ctx, tx, o, webhooks.OrderChanged)
	}
	to := storefront.StatusDispatched
	if err := ot.q.OrderSetStatus(ctx, dbq.OrderSetStatusParams{TenantID: ot.tenantID, ID: o.ID, Status: string(to)}); err != nil {
		return err
	}
	change := storefront.StatusChange{Status: to, Note: storefront.DispatchNotes(o.Items), Actor: actor, At: ot.now}
	if err := ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{TenantID: ot.tenantID, OrderID: o.ID,
		Status: string(to), Note: change.Note, Actor: actor, Now: &ot.now}); err != nil {
		return err
	}
	o.Status = to
	o.History = append(o.History, change)
	if err := orderWebhook(ctx, tx, o, webhooks.OrderChanged); err != nil {
		return err
	}
	if db.Events == nil {
		return nil
	}
	return db.Events.OrderStatusChanged(ctx, tx, o, change)
}
