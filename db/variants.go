package db

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/branding"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

func addVariant(ctx context.Context, q *dbq.Queries, tenantID, productID uuid.UUID, v *storefront.Variant) error {
	label, _ := json.Marshal(v.Label)
	var stock *int32
	if v.Stock != nil {
		n := int32(*v.Stock)
		stock = &n
	}
	var sku *string
	if v.SKU != "" {
		sku = &v.SKU
	}
	row, err := q.VariantInsert(ctx, dbq.VariantInsertParams{
		TenantID: tenantID, ProductID: productID, Label: label, Sku: sku,
		Position: int32(v.Position), Stock: stock, PriceMinor: v.PriceMinor,
	})
	v.ID, v.ProductID = row.ID, productID
	if err == nil && v.CodeOnly {
		_, err = q.VariantSetCodeOnly(ctx, dbq.VariantSetCodeOnlyParams{TenantID: tenantID, ID: v.ID, CodeOnly: true})
	}
	return err
}

// VariantStock returns the units left of a variant (nil: unlimited).
func (db *DB) VariantStock(ctx context.Context, tenantID, variantID uuid.UUID) (*int, error) {
	var stock *int
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		s, err := q.VariantStock(ctx, dbq.VariantStockParams{TenantID: tenantID, ID: variantID})
		if s != nil {
			n := int(*s)
			stock = &n
		}
		return err
	})
	return stock, notFound(err, msgNotFound)
}

// StockAdjustment is one manual stock change in the history.
type StockAdjustment struct {
	VariantID uuid.UUID
	Delta     int
	Stock     int
	Reason    string
	Actor     string
	At        time.Time
}

// AdjustStock adds delta (negative to take away) to a variant's stock with
// a reason kept in the history (branding.CheckStockAdjustment). Unlimited
// stock cannot be adjusted, and stock never goes below zero.
func (db *DB) AdjustStock(ctx context.Context, tenantID, variantID uuid.UUID, delta int, reason, actor string) (int, error) {
	reason, err := branding.CheckStockAdjustment(delta, reason)
	if err != nil {
		return 0, err
	}
	var stock int32
	err = db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		q := dbq.New(tx)
		after, err := q.VariantAdjustStock(ctx, dbq.VariantAdjustStockParams{TenantID: tenantID, ID: variantID, Delta: int32(delta)})
		if after != nil {
			stock = *after
		}
		if isNoRow(err) {
			// Not adjusted: a variant of this event with unlimited stock or too
			// few units is a conflict; anything else is not found.
			if _, serr := q.VariantStock(ctx, dbq.VariantStockParams{TenantID: tenantID, ID: variantID}); isNoRow(serr) {
				return errNotFound()
			}
			return &marquee.Error{Code: marquee.ECONFLICT, Message: "catalogue.stock_adjust_refused", Field: "delta"}
		}
		if err != nil {
			return err
		}
		if err := q.StockAdjustmentInsert(ctx, dbq.StockAdjustmentInsertParams{TenantID: tenantID, VariantID: variantID,
			Delta: int32(delta), Stock: stock, Reason: reason, Actor: actor}); err != nil {
			return err
		}
		if delta > 0 { // units came back: the waiting list hears of them
			return db.stockReturned(ctx, tx, tenantID, []uuid.UUID{variantID})
		}
		if stock == 0 {
			return soldOutWebhook(ctx, q, tenantID, []uuid.UUID{variantID})
		}
		return nil
	})
	return int(stock), err
}

// StockHistory returns the latest manual stock changes of an event.
func (db *DB) StockHistory(ctx context.Context, tenantID uuid.UUID, limit int) ([]StockAdjustment, error) {
	var out []StockAdjustment
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.StockAdjustmentList(ctx, dbq.StockAdjustmentListParams{TenantID: tenantID, MaxRows: int32(limit)})
		for _, r := range rows {
			out = append(out, StockAdjustment{VariantID: r.VariantID, Delta: int(r.Delta), Stock: int(r.Stock), Reason: r.Reason, Actor: r.Actor, At: r.CreatedAt})
		}
		return err
	})
	return out, err
}

// AddVariants adds options to an existing product, after its others.
func (db *DB) AddVariants(ctx context.Context, tenantID, productID uuid.UUID, variants []storefront.Variant) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		exists, err := q.ProductExists(ctx, dbq.ProductExistsParams{TenantID: tenantID, ID: productID})
		if err != nil {
			return err
		}
		if !exists {
			return errNotFound()
		}
		rows, err := q.VariantList(ctx, tenantID)
		if err != nil {
			return err
		}
		next := 0
		for _, r := range rows {
			if r.ProductID == productID {
				next = max(next, int(r.Position)+1)
			}
		}
		for i := range variants {
			variants[i].Position = next + i
			if err := addVariant(ctx, q, tenantID, productID, &variants[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateVariant renames an option (its label per language) and sets its
// own price; nil uses the product's price.
func (db *DB) UpdateVariant(ctx context.Context, tenantID, variantID uuid.UUID, label storefront.Text, priceMinor *int64) error {
	lbl, _ := json.Marshal(label)
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.VariantUpdate(ctx, dbq.VariantUpdateParams{TenantID: tenantID, ID: variantID, Label: lbl, PriceMinor: priceMinor}))
	})
}

// DeleteVariant removes an option that was never ordered and is not its
// product's last one (a product without options cannot be ordered: hide
// it instead). An ordered option is a conflict, as for products.
func (db *DB) DeleteVariant(ctx context.Context, tenantID, variantID uuid.UUID) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.VariantList(ctx, tenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rows, func(r dbq.Variant) bool { return r.ID == variantID })
		if i < 0 {
			return errNotFound()
		}
		options := 0
		for _, r := range rows {
			if r.ProductID == rows[i].ProductID {
				options++
			}
		}
		if err := branding.CheckOptionRemoval(options); err != nil {
			return err
		}
		n, err := q.VariantDeleteUnordered(ctx, dbq.VariantDeleteUnorderedParams{TenantID: tenantID, ID: variantID})
		if err == nil && n == 0 {
			return marquee.New(marquee.ECONFLICT, "catalogue.variant_ordered")
		}
		return err
	})
}
