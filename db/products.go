package db

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

func int32Ptr(n int) *int32 {
	if n <= 0 {
		return nil
	}
	v := int32(n)
	return &v
}

// AddProduct stores a product and its variants; the ids are filled in.
func (db *DB) AddProduct(ctx context.Context, tenantID uuid.UUID, p storefront.Product) (storefront.Product, error) {
	err := db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error { return insertProduct(ctx, q, tenantID, &p) })
	return p, err
}

// insertProduct stores p and its variants in q's transaction, filling in
// their ids.
func insertProduct(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, p *storefront.Product) error {
	name, _ := json.Marshal(p.Name)
	desc, _ := json.Marshal(orEmpty(p.Description))
	var image *string
	if p.ImageKey != "" {
		image = &p.ImageKey
	}
	row, err := q.ProductInsert(ctx, dbq.ProductInsertParams{
		TenantID: tenantID, Name: name, Description: desc, ImageKey: image, Position: int32(p.Position),
		Visible: p.Visible, PriceMinor: p.PriceMinor, MaxPerOrder: int32Ptr(p.MaxPerOrder),
		MaxPerAttendee: int32Ptr(p.MaxPerAttendee), SalesOpenAt: p.SalesOpenAt, SalesCloseAt: p.SalesCloseAt,
	})
	if err != nil {
		return err
	}
	p.ID = row.ID
	if p.CodeOnly {
		if _, err := q.ProductSetCodeOnly(ctx, dbq.ProductSetCodeOnlyParams{TenantID: tenantID, ID: p.ID, CodeOnly: true}); err != nil {
			return err
		}
	}
	for i := range p.Variants {
		if err := addVariant(ctx, q, tenantID, p.ID, &p.Variants[i]); err != nil {
			return err
		}
	}
	return nil
}

func orEmpty(t storefront.Text) storefront.Text {
	if t == nil {
		return storefront.Text{}
	}
	return t
}

// SetProductVisible shows or hides a product on the storefront.
func (db *DB) SetProductVisible(ctx context.Context, tenantID, productID uuid.UUID, visible bool) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.ProductSetVisible(ctx, dbq.ProductSetVisibleParams{TenantID: tenantID, ID: productID, Visible: visible}))
	})
}

// DeleteProduct removes a product that was never ordered. An ordered
// product is a conflict: orders keep pointing at it, so it can only be
// hidden.
func (db *DB) DeleteProduct(ctx context.Context, tenantID, productID uuid.UUID) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		n, err := q.ProductDeleteUnordered(ctx, dbq.ProductDeleteUnorderedParams{TenantID: tenantID, ID: productID})
		if err != nil || n == 1 {
			return err
		}
		exists, err := q.ProductExists(ctx, dbq.ProductExistsParams{TenantID: tenantID, ID: productID})
		if err != nil {
			return err
		}
		if exists {
			return marquee.New(marquee.ECONFLICT, "catalogue.delete_ordered")
		}
		return errNotFound()
	})
}

// MoveProduct swaps a product with its neighbour above (up) or below in
// the display order, renumbering all positions so they stay distinct.
func (db *DB) MoveProduct(ctx context.Context, tenantID, productID uuid.UUID, up bool) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.ProductList(ctx, tenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rows, func(r dbq.Product) bool { return r.ID == productID })
		if i < 0 {
			return errNotFound()
		}
		j := i + 1
		if up {
			j = i - 1
		}
		if j >= 0 && j < len(rows) {
			rows[i], rows[j] = rows[j], rows[i]
		}
		for pos, r := range rows {
			if err := q.ProductSetPosition(ctx, dbq.ProductSetPositionParams{TenantID: tenantID, ID: r.ID, Position: int32(pos)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateProduct changes a product's names, price and limits. Orders keep
// the names and prices they were placed with.
func (db *DB) UpdateProduct(ctx context.Context, tenantID uuid.UUID, p storefront.Product) error {
	name, _ := json.Marshal(p.Name)
	desc, _ := json.Marshal(orEmpty(p.Description))
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		n, err := q.ProductUpdate(ctx, dbq.ProductUpdateParams{TenantID: tenantID, ID: p.ID, Name: name, Description: desc, PriceMinor: p.PriceMinor,
			MaxPerOrder: int32Ptr(p.MaxPerOrder), MaxPerAttendee: int32Ptr(p.MaxPerAttendee),
			SalesOpenAt: p.SalesOpenAt, SalesCloseAt: p.SalesCloseAt})
		return storeError(touched(n, err), violationIs(pgerrcode.CheckViolation, "", marquee.Invalid("sales_close", "catalogue.window_invalid")))
	})
}

// SetProductImage sets the media key of a product's picture; "" shows the
// placeholder again.
func (db *DB) SetProductImage(ctx context.Context, tenantID, productID uuid.UUID, key string) error {
	var k *string
	if key != "" {
		k = &key
	}
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.ProductSetImage(ctx, dbq.ProductSetImageParams{TenantID: tenantID, ID: productID, ImageKey: k}))
	})
}
