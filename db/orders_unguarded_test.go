package db

import (
	"context"

	"marquee/storefront"
)

// DisableGuardsForTest turns off the stock and per-attendee guards of
// PlaceOrder, so a test can show that its concurrency checks catch
// overselling. It exists only in test binaries.
func (db *DB) DisableGuardsForTest() { db.reservations = unguarded{} }

// unguarded reservations read, then write: the race every guard in
// orders.go exists to prevent. Only a test uses them, to show that the
// concurrency tests catch overselling when the guard is gone.
type unguarded struct{}

func (unguarded) reserveStock(ctx context.Context, ot *orderTx, l storefront.PricedLine) error {
	var stock *int32
	err := ot.tx.QueryRow(ctx, "SELECT stock FROM variants WHERE tenant_id = $1 AND id = $2", ot.tenantID, l.Variant.ID).Scan(&stock)
	if err != nil || stock == nil {
		return err
	}
	if int(*stock) < l.Line.Quantity {
		return storefront.ErrSoldOut(l)
	}
	_, err = ot.tx.Exec(ctx, "UPDATE variants SET stock = $3 WHERE tenant_id = $1 AND id = $2", ot.tenantID, l.Variant.ID, int(*stock)-l.Line.Quantity)
	return err
}

func (unguarded) countForAttendee(ctx context.Context, ot *orderTx, email string, l storefront.PricedLine, quantity int) error {
	var held int
	err := ot.tx.QueryRow(ctx, "SELECT quantity FROM attendee_purchases WHERE tenant_id = $1 AND product_id = $2 AND email = $3",
		ot.tenantID, l.Product.ID, email).Scan(&held)
	if err != nil && !isNoRow(err) {
		return err
	}
	if l.Product.MaxPerAttendee > 0 && held+quantity > l.Product.MaxPerAttendee {
		return storefront.ErrOverAttendeeLimit(l)
	}
	_, err = ot.tx.Exec(ctx, `INSERT INTO attendee_purchases (tenant_id, product_id, email, quantity) VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant_id, product_id, email) DO UPDATE SET quantity = $4`, ot.tenantID, l.Product.ID, email, held+quantity)
	return err
}
