package db

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/webhooks"
)

// An attendee's change to their own order (issue 17): one transaction
// that locks the order, checks the event lets attendees change orders and
// that nothing has been dispatched, makes the change, writes a history
// row that is not a status change (storefront.Change) and tells
// db.Events, which queues the emails in the same transaction.

// changed is what one change did, for its history row and its hooks.
type changed struct {
	change storefront.Change
	note   string
	// items are the lines the change concerns, as they were (a swap's old
	// and new line, a cancelled line): their suppliers hear of it.
	items []storefront.Item
	// refund is what the attendee paid for what left the order.
	refund int64
}

// errUnknownLine answers a line position the order does not have.
func errUnknownLine() error {
	return &marquee.Error{Code: marquee.ENOTFOUND, Message: "change.unknown_line", Field: "line"}
}

// changeOrder runs one attendee change of order number in a tenant
// transaction and returns the order as it is after it.
func (db *DB) changeOrder(ctx context.Context, tenantID uuid.UUID, number string, fn func(*orderTx, *storefront.Order, dbq.SettingsGetRow) (changed, error)) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := db.orderTxIn(tx, tenantID)
		row, err := ot.q.OrderGetByNumberForUpdate(ctx, dbq.OrderGetByNumberForUpdateParams{TenantID: tenantID, Number: number})
		if err != nil {
			return err
		}
		settings, err := ot.q.SettingsGet(ctx, tenantID)
		if err != nil {
			return err
		}
		allowed, err := ot.q.SettingsChangeAllowed(ctx, tenantID)
		if err != nil {
			return err
		}
		if err := storefront.CheckAttendeeChange(allowed, storefront.Status(row.Status)); err != nil {
			return err
		}
		if settings.ClosesAt != nil && !ot.now.Before(*settings.ClosesAt) {
			// The batch suppliers' lists went when the shop closed.
			return marquee.New(marquee.ECONFLICT, "change.closed")
		}
		o, err := ot.load(ctx, row)
		if err != nil {
			return err
		}
		c, err := fn(ot, o, settings)
		if err != nil {
			return err
		}
		if err := ot.q.OrderChangeInsert(ctx, dbq.OrderChangeInsertParams{TenantID: tenantID, OrderID: o.ID,
			Status: row.Status, Change: string(c.change), Note: c.note, Actor: "attendee", Now: &ot.now}); err != nil {
			return err
		}
		if row, err = ot.q.OrderGetByNumber(ctx, dbq.OrderGetByNumberParams{TenantID: tenantID, Number: number}); err != nil {
			return err
		}
		if order, err = ot.load(ctx, row); err != nil {
			return err
		}
		return db.orderChanged(ctx, tx, order, c)
	})
	return order, notFound(err, "order.not_found")
}

// orderChanged tells db.Events of a change, inside its transaction: the
// emails, and the refund of what left the order when it was paid online.
func (db *DB) orderChanged(ctx context.Context, tx pgx.Tx, o *storefront.Order, c changed) error {
	if err := orderWebhook(ctx, tx, o, webhooks.OrderChanged); err != nil {
		return err
	}
	if db.Events == nil {
		return nil
	}
	if c.refund > 0 {
		if err := db.Events.PaymentRefundDue(ctx, tx, o, c.refund, "line cancelled: "+c.note); err != nil {
			return err
		}
	}
	return db.Events.OrderChanged(ctx, tx, o, o.History[len(o.History)-1], c.items)
}

// SwapOrderOption swaps the option of the line at position for option
// variantID of the same product and price (storefront.CheckSwap): the old
// option's units come back and the new one's are taken with the
// conditional statement orders use, so a swap never oversells
// (storefront.ErrSwapSoldOut when too few are left).
func (db *DB) SwapOrderOption(ctx context.Context, tenantID uuid.UUID, number string, position int, variantID uuid.UUID) (*storefront.Order, error) {
	return db.changeOrder(ctx, tenantID, number, func(ot *orderTx, o *storefront.Order, _ dbq.SettingsGetRow) (changed, error) {
		return ot.swap(ctx, o, position, variantID)
	})
}

func (ot *orderTx) swap(ctx context.Context, o *storefront.Order, position int, variantID uuid.UUID) (changed, error) {
	it, ok := o.ItemAt(position)
	if !ok {
		return changed{}, errUnknownLine()
	}
	p, v, err := ot.productAndVariant(ctx, it.ProductID, variantID)
	if err != nil {
		return changed{}, err
	}
	if err := storefront.CheckSwap(it, p, v); err != nil {
		return changed{}, err
	}
	// In option order, as orders take stock, so that two opposite swaps
	// cannot deadlock.
	moves := []func() error{
		func() error {
			return ot.q.VariantRelease(ctx, dbq.VariantReleaseParams{TenantID: ot.tenantID, ID: it.VariantID, Quantity: int32(it.Quantity)})
		},
		func() error {
			err := ot.q.VariantTake(ctx, dbq.VariantTakeParams{TenantID: ot.tenantID, ID: v.ID, Quantity: int32(it.Quantity)})
			return refusedAs(err, refusedSoldOut, storefront.ErrSwapSoldOut())
		},
	}
	if compareUUID(v.ID, it.VariantID) < 0 {
		slices.Reverse(moves)
	}
	for _, move := range moves {
		if err := move(); err != nil {
			return changed{}, err
		}
	}
	// The old option's units are back: its waiting list hears of them.
	if err := ot.stockReturned(ctx, []uuid.UUID{it.VariantID}); err != nil {
		return changed{}, err
	}
	label, _ := json.Marshal(v.Label)
	if _, err := ot.q.OrderItemSetVariant(ctx, dbq.OrderItemSetVariantParams{TenantID: ot.tenantID, OrderID: o.ID,
		Position: int32(position), VariantID: v.ID, VariantLabel: label}); err != nil {
		return changed{}, err
	}
	swapped := it
	swapped.VariantID, swapped.VariantLabel = v.ID, v.Label
	return changed{change: storefront.ChangeOptionSwapped, note: storefront.SwapNote(o, it, v.Label, ""),
		items: []storefront.Item{it, swapped}}, nil
}

// productAndVariant reads a product and an option of the event; either is
// its zero value when the event has no such one.
func (ot *orderTx) productAndVariant(ctx context.Context, productID, variantID uuid.UUID) (storefront.Product, storefront.Variant, error) {
	var p storefront.Product
	var v storefront.Variant
	prows, err := ot.q.ProductsForOrder(ctx, dbq.ProductsForOrderParams{TenantID: ot.tenantID, Ids: []uuid.UUID{productID}})
	if err != nil {
		return p, v, err
	}
	vrows, err := ot.q.VariantsForOrder(ctx, dbq.VariantsForOrderParams{TenantID: ot.tenantID, Ids: []uuid.UUID{variantID}})
	if err != nil {
		return p, v, err
	}
	if len(prows) == 1 {
		if p, err = productFromRow(prows[0]); err != nil {
			return p, v, err
		}
	}
	if len(vrows) == 1 {
		v, err = variantFromRow(vrows[0])
	}
	return p, v, err
}

// ChangeOrderAddress replaces the shipping address of an order of an
// event that ships; the caller validated it (address.Validate). The
// history row has no note: the address is personal data, and the order
// shows it.
func (db *DB) ChangeOrderAddress(ctx context.Context, tenantID uuid.UUID, number string, a address.Address) (*storefront.Order, error) {
	return db.changeOrder(ctx, tenantID, number, func(ot *orderTx, o *storefront.Order, s dbq.SettingsGetRow) (changed, error) {
		if !s.Ships || o.Address == nil {
			return changed{}, &marquee.Error{Code: marquee.ECONFLICT, Message: "change.not_shipped", Field: "address"}
		}
		b, err := json.Marshal(a)
		if err != nil {
			return changed{}, err
		}
		if err := ot.q.OrderSetAddress(ctx, dbq.OrderSetAddressParams{TenantID: ot.tenantID, ID: o.ID, ShippingAddress: b}); err != nil {
			return changed{}, err
		}
		return changed{change: storefront.ChangeAddressChanged, items: o.Items}, nil
	})
}

// CancelOrderLine cancels the line at position of an order with more than
// one line: its units and the attendee's count come back, the total drops
// by what the line cost less its share of the order's discount
// (storefront.Order.CancelledLineDiscount), which is what is refunded. The last line is the order: the caller cancels
// the order instead (CancelOrder), under the rules of a cancellation.
func (db *DB) CancelOrderLine(ctx context.Context, tenantID uuid.UUID, number string, position int) (*storefront.Order, error) {
	return db.changeOrder(ctx, tenantID, number, func(ot *orderTx, o *storefront.Order, _ dbq.SettingsGetRow) (changed, error) {
		return ot.cancelLine(ctx, o, position)
	})
}

func (ot *orderTx) cancelLine(ctx context.Context, o *storefront.Order, position int) (changed, error) {
	it, ok := o.ItemAt(position)
	if !ok {
		return changed{}, errUnknownLine()
	}
	if len(o.Items) == 1 {
		return changed{}, &marquee.Error{Code: marquee.ECONFLICT, Message: "change.last_line", Field: "line"}
	}
	if err := ot.release(ctx, &storefront.Order{Email: o.Email, Items: []storefront.Item{it}}); err != nil {
		return changed{}, err
	}
	if _, err := ot.q.OrderItemDelete(ctx, dbq.OrderItemDeleteParams{TenantID: ot.tenantID, OrderID: o.ID, Position: int32(position)}); err != nil {
		return changed{}, err
	}
	v, err := ot.orderVoucher(ctx, o)
	if err != nil {
		return changed{}, err
	}
	share := o.CancelledLineDiscount(it, v)
	total := max(0, o.TotalMinor-(it.UnitPriceMinor*int64(it.Quantity)-share))
	if err := ot.q.OrderSetTotal(ctx, dbq.OrderSetTotalParams{TenantID: ot.tenantID, ID: o.ID, TotalMinor: total,
		DiscountMinor: o.DiscountMinor - share}); err != nil {
		return changed{}, err
	}
	return changed{change: storefront.ChangeLineCancelled, note: storefront.LineNote(o, it, ""),
		items: []storefront.Item{it}, refund: o.TotalMinor - total}, nil
}

// orderVoucher is the code o redeemed as it is now, for the share of its
// discount a cancelled line takes; nil without one, or once deleted.
func (ot *orderTx) orderVoucher(ctx context.Context, o *storefront.Order) (*storefront.Voucher, error) {
	if o.VoucherCode == "" || o.DiscountMinor <= 0 {
		return nil, nil
	}
	r, err := ot.q.VoucherGetByCode(ctx, dbq.VoucherGetByCodeParams{TenantID: ot.tenantID, Code: o.VoucherCode})
	if isNoRow(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return voucherOf(r), nil
}
