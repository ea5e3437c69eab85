package db

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// Catalogue returns an event's products with their variants, in display
// order, hidden ones included (callers filter).
func (db *DB) Catalogue(ctx context.Context, tenantID uuid.UUID) (storefront.Catalogue, error) {
	var c storefront.Catalogue
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		c, err = catalogueIn(ctx, q, tenantID)
		return err
	})
	return c, err
}

func catalogueIn(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID) (storefront.Catalogue, error) {
	products, err := q.ProductList(ctx, tenantID)
	if err != nil {
		return storefront.Catalogue{}, err
	}
	variants, err := q.VariantList(ctx, tenantID)
	if err != nil {
		return storefront.Catalogue{}, err
	}
	return catalogueFromRows(products, variants)
}

func catalogueFromRows(products []dbq.Product, variants []dbq.Variant) (storefront.Catalogue, error) {
	byProduct := map[uuid.UUID][]storefront.Variant{}
	for _, r := range variants {
		v, err := variantFromRow(r)
		if err != nil {
			return storefront.Catalogue{}, err
		}
		byProduct[r.ProductID] = append(byProduct[r.ProductID], v)
	}
	c := storefront.Catalogue{Products: make([]storefront.Product, 0, len(products))}
	for _, r := range products {
		p, err := productFromRow(r)
		if err != nil {
			return c, err
		}
		p.Variants = byProduct[r.ID]
		c.Products = append(c.Products, p)
	}
	return c, nil
}

func productFromRow(r dbq.Product) (storefront.Product, error) {
	p := storefront.Product{
		ID: r.ID, Position: int(r.Position), Visible: r.Visible, PriceMinor: r.PriceMinor,
		MaxPerOrder: intOrZero(r.MaxPerOrder), MaxPerAttendee: intOrZero(r.MaxPerAttendee),
		SalesOpenAt: r.SalesOpenAt, SalesCloseAt: r.SalesCloseAt, CodeOnly: r.CodeOnly,
	}
	if r.ImageKey != nil {
		p.ImageKey = *r.ImageKey
	}
	if err := json.Unmarshal(r.Name, &p.Name); err != nil {
		return p, fmt.Errorf("product %s name: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Description, &p.Description); err != nil {
		return p, fmt.Errorf("product %s description: %w", r.ID, err)
	}
	return p, nil
}

func variantFromRow(r dbq.Variant) (storefront.Variant, error) {
	v := storefront.Variant{ID: r.ID, ProductID: r.ProductID, Position: int(r.Position), PriceMinor: r.PriceMinor, CodeOnly: r.CodeOnly}
	if r.Sku != nil {
		v.SKU = *r.Sku
	}
	if r.Stock != nil {
		n := int(*r.Stock)
		v.Stock = &n
	}
	if err := json.Unmarshal(r.Label, &v.Label); err != nil {
		return v, fmt.Errorf("variant %s label: %w", r.ID, err)
	}
	return v, nil
}

func intOrZero(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}
