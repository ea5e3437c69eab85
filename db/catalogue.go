package db

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/form"
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
		SalesOpenAt: r.SalesOpenAt, SalesCloseAt: r.SalesCloseAt,
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
	v := storefront.Variant{ID: r.ID, ProductID: r.ProductID, Position: int(r.Position), PriceMinor: r.PriceMinor}
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

func int32Ptr(n int) *int32 {
	if n <= 0 {
		return nil
	}
	v := int32(n)
	return &v
}

// AddProduct stores a product and its variants; the ids are filled in.
func (db *DB) AddProduct(ctx context.Context, tenantID uuid.UUID, p storefront.Product) (storefront.Product, error) {
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error { return insertProduct(ctx, q, tenantID, &p) })
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
	for i := range p.Variants {
		if err := addVariant(ctx, q, tenantID, p.ID, &p.Variants[i]); err != nil {
			return err
		}
	}
	return nil
}

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
	return err
}

func orEmpty(t storefront.Text) storefront.Text {
	if t == nil {
		return storefront.Text{}
	}
	return t
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

// FormFields returns an event's order-form definition.
func (db *DB) FormFields(ctx context.Context, tenantID uuid.UUID) ([]form.Field, error) {
	var fields []form.Field
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		fields, err = formFieldsIn(ctx, q, tenantID)
		return err
	})
	return fields, err
}

func formFieldsIn(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID) ([]form.Field, error) {
	rows, err := q.FormFieldList(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	fields := make([]form.Field, 0, len(rows))
	for _, r := range rows {
		var f form.Field
		if err := json.Unmarshal(r.Definition, &f); err != nil {
			return nil, fmt.Errorf("form field %s: %w", r.Key, err)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// AddFormField stores one field of an event's order form.
func (db *DB) AddFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error { return insertFormField(ctx, q, tenantID, f) })
}

// insertFormField stores f in q's transaction.
func insertFormField(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, f form.Field) error {
	def, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = q.FormFieldInsert(ctx, dbq.FormFieldInsertParams{
		TenantID: tenantID, Key: f.Key, Scope: string(f.Scope), Position: int32(f.Position), Definition: def,
	})
	return err
}

// Settings returns how an event's shop behaves.
func (db *DB) Settings(ctx context.Context, tenantID uuid.UUID) (storefront.Settings, error) {
	var s storefront.Settings
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		s, err = settingsIn(ctx, q, tenantID)
		return err
	})
	return s, notFound(err, msgNotFound)
}

func settingsIn(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID) (storefront.Settings, error) {
	r, err := q.SettingsGet(ctx, tenantID)
	return storefront.Settings{Currency: r.Currency, ClosesAt: r.ClosesAt, Ships: r.Ships,
		AttendeeCanCancel: r.AttendeeCanCancel, CommonCountries: r.CommonCountries, ReplyTo: r.ReplyTo}, err
}

// SaveSettings stores how an event's shop behaves (currency and close
// date belong to the event and are not changed here).
func (db *DB) SaveSettings(ctx context.Context, tenantID uuid.UUID, s storefront.Settings) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return q.SettingsUpsert(ctx, dbq.SettingsUpsertParams{
			TenantID: tenantID, Ships: s.Ships, AttendeeCanCancel: s.AttendeeCanCancel,
			CommonCountries: append([]string{}, s.CommonCountries...), ReplyTo: s.ReplyTo,
		})
	})
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
// a reason kept in the history. Unlimited stock cannot be adjusted, and
// stock never goes below zero.
func (db *DB) AdjustStock(ctx context.Context, tenantID, variantID uuid.UUID, delta int, reason, actor string) (int, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case delta == 0:
		return 0, marquee.Invalid("delta", "catalogue.delta_zero")
	case reason == "" || len(reason) > 500:
		return 0, marquee.Invalid("reason", "catalogue.reason_required")
	}
	var stock int32
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
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
		return q.StockAdjustmentInsert(ctx, dbq.StockAdjustmentInsertParams{TenantID: tenantID, VariantID: variantID,
			Delta: int32(delta), Stock: stock, Reason: reason, Actor: actor})
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

// SetProductVisible shows or hides a product on the storefront.
func (db *DB) SetProductVisible(ctx context.Context, tenantID, productID uuid.UUID, visible bool) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.ProductSetVisible(ctx, dbq.ProductSetVisibleParams{TenantID: tenantID, ID: productID, Visible: visible}))
	})
}

// DeleteProduct removes a product that was never ordered. An ordered
// product is a conflict: orders keep pointing at it, so it can only be
// hidden.
func (db *DB) DeleteProduct(ctx context.Context, tenantID, productID uuid.UUID) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
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
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
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
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		n, err := q.ProductUpdate(ctx, dbq.ProductUpdateParams{TenantID: tenantID, ID: p.ID, Name: name, Description: desc, PriceMinor: p.PriceMinor,
			MaxPerOrder: int32Ptr(p.MaxPerOrder), MaxPerAttendee: int32Ptr(p.MaxPerAttendee),
			SalesOpenAt: p.SalesOpenAt, SalesCloseAt: p.SalesCloseAt})
		return storeError(touched(n, err), violationIs(pgerrcode.CheckViolation, "", marquee.Invalid("sales_close", "catalogue.window_invalid")))
	})
}

// AddVariants adds options to an existing product, after its others.
func (db *DB) AddVariants(ctx context.Context, tenantID, productID uuid.UUID, variants []storefront.Variant) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
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

// RemoveFormField takes a field off an event's order form. Answers already
// given stay with their orders (they are part of each order's JSON).
func (db *DB) RemoveFormField(ctx context.Context, tenantID uuid.UUID, key string) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.FormFieldDelete(ctx, dbq.FormFieldDeleteParams{TenantID: tenantID, Key: key}))
	})
}

// MoveFormField swaps a field with its neighbour in its scope, renumbering
// the scope's positions.
func (db *DB) MoveFormField(ctx context.Context, tenantID uuid.UUID, key string, up bool) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		fields, err := formFieldsIn(ctx, q, tenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == key })
		if i < 0 {
			return errNotFound()
		}
		scoped := form.Sorted(fields, fields[i].Scope)
		j := slices.IndexFunc(scoped, func(f form.Field) bool { return f.Key == key })
		k := j + 1
		if up {
			k = j - 1
		}
		if k >= 0 && k < len(scoped) {
			scoped[j], scoped[k] = scoped[k], scoped[j]
		}
		for pos, f := range scoped {
			if err := q.FormFieldSetPosition(ctx, dbq.FormFieldSetPositionParams{TenantID: tenantID, Key: f.Key, Position: int32(pos)}); err != nil {
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
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.VariantUpdate(ctx, dbq.VariantUpdateParams{TenantID: tenantID, ID: variantID, Label: lbl, PriceMinor: priceMinor}))
	})
}

// DeleteVariant removes an option that was never ordered and is not its
// product's last one (a product without options cannot be ordered: hide
// it instead). An ordered option is a conflict, as for products.
func (db *DB) DeleteVariant(ctx context.Context, tenantID, variantID uuid.UUID) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.VariantList(ctx, tenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rows, func(r dbq.Variant) bool { return r.ID == variantID })
		if i < 0 {
			return errNotFound()
		}
		siblings := 0
		for _, r := range rows {
			if r.ProductID == rows[i].ProductID {
				siblings++
			}
		}
		if siblings == 1 {
			return marquee.New(marquee.ECONFLICT, "catalogue.last_variant")
		}
		n, err := q.VariantDeleteUnordered(ctx, dbq.VariantDeleteUnorderedParams{TenantID: tenantID, ID: variantID})
		if err == nil && n == 0 {
			return marquee.New(marquee.ECONFLICT, "catalogue.variant_ordered")
		}
		return err
	})
}

// SetProductImage sets the media key of a product's picture; "" shows the
// placeholder again.
func (db *DB) SetProductImage(ctx context.Context, tenantID, productID uuid.UUID, key string) error {
	var k *string
	if key != "" {
		k = &key
	}
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.ProductSetImage(ctx, dbq.ProductSetImageParams{TenantID: tenantID, ID: productID, ImageKey: k}))
	})
}

// UpdateFormField replaces the definition of the field with f.Key. The key
// itself never changes: orders keep their answers under it.
func (db *DB) UpdateFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error {
	if err := f.Validate(); err != nil {
		return err
	}
	def, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.FormFieldUpdate(ctx, dbq.FormFieldUpdateParams{TenantID: tenantID, Key: f.Key, Scope: string(f.Scope), Position: int32(f.Position), Definition: def}))
	})
}
