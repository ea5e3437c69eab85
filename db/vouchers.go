package db

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// voucherMeanings map a code's constraints to the console form's fields.
var voucherMeanings = []meaning{
	uniqueViolationIs("vouchers_tenant_id_code_key", "code", "vouchers.code_taken"),
	violationIs(pgerrcode.CheckViolation, "vouchers_uses_check", marquee.Invalid("max_uses", "vouchers.max_uses_below_uses")),
}

// Vouchers is one page of an event's codes matching search (in the code or
// the staff's note; "" all), by code, and how many match in all.
func (db *DB) Vouchers(ctx context.Context, tenantID uuid.UUID, search string, limit, offset int) ([]storefront.Voucher, int, error) {
	var rows []dbq.Voucher
	var total int64
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) (err error) {
		if rows, err = q.VoucherList(ctx, dbq.VoucherListParams{TenantID: tenantID, Search: search, MaxRows: int32(limit), Skip: int32(offset)}); err != nil {
			return err
		}
		total, err = q.VoucherCount(ctx, dbq.VoucherCountParams{TenantID: tenantID, Search: search})
		return err
	})
	out := make([]storefront.Voucher, len(rows))
	for i, r := range rows {
		out[i] = *voucherOf(r)
	}
	return out, int(total), err
}

// AllVouchers is every code of an event, by code (the CSV export).
func (db *DB) AllVouchers(ctx context.Context, tenantID uuid.UUID) ([]storefront.Voucher, error) {
	var rows []dbq.Voucher
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) (err error) {
		rows, err = q.VoucherExportList(ctx, tenantID)
		return err
	})
	out := make([]storefront.Voucher, len(rows))
	for i, r := range rows {
		out[i] = *voucherOf(r)
	}
	return out, err
}

// Voucher is one of an event's codes by id; another event's id is not found.
func (db *DB) Voucher(ctx context.Context, tenantID, id uuid.UUID) (*storefront.Voucher, error) {
	var v *storefront.Voucher
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.VoucherGet(ctx, dbq.VoucherGetParams{TenantID: tenantID, ID: id})
		if err != nil {
			return notFound(err, msgNotFound)
		}
		v = voucherOf(r)
		return nil
	})
	return v, err
}

// CreateVoucher stores a new code (v validated by the caller); a code the
// event has already is a conflict on field "code".
func (db *DB) CreateVoucher(ctx context.Context, tenantID uuid.UUID, v storefront.Voucher) (*storefront.Voucher, error) {
	var out *storefront.Voucher
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.VoucherInsert(ctx, insertParams(tenantID, v))
		if err != nil {
			return storeError(err, voucherMeanings...)
		}
		out = voucherOf(r)
		return nil
	})
	return out, err
}

func insertParams(tenantID uuid.UUID, v storefront.Voucher) dbq.VoucherInsertParams {
	return dbq.VoucherInsertParams{TenantID: tenantID, Code: v.Code, Kind: string(v.Kind), AmountMinor: v.AmountMinor,
		Percent: int32(v.Percent), ProductIds: orNoIDs(v.ProductIDs), VariantIds: orNoIDs(v.VariantIDs),
		MaxUses: maxUses(v.MaxUses), ValidFrom: v.ValidFrom, ValidUntil: v.ValidUntil, Note: v.Note}
}

func orNoIDs(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}

func maxUses(n *int) *int32 {
	if n == nil {
		return nil
	}
	return int32Ptr(*n)
}

// bulkAttempts bounds the rounds CreateVouchers makes new codes for those
// found taken; with 25^8 codes per prefix a second round is rare already.
const bulkAttempts = 5

// CreateVouchers stores n codes alike but for their code, each prefix and 8
// random characters of an unambiguous alphabet (storefront.GenerateCode),
// in one transaction, and returns the codes.
func (db *DB) CreateVouchers(ctx context.Context, tenantID uuid.UUID, like storefront.Voucher, prefix string, n int) ([]string, error) {
	var made []string
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		made = made[:0]
		p := insertParams(tenantID, like)
		for range bulkAttempts {
			codes := make([]string, 0, n-len(made))
			for len(codes) < n-len(made) {
				codes = append(codes, storefront.GenerateCode(prefix, 8))
			}
			got, err := q.VoucherInsertMany(ctx, dbq.VoucherInsertManyParams{TenantID: tenantID, Codes: codes,
				Kind: p.Kind, AmountMinor: p.AmountMinor, Percent: p.Percent, ProductIds: p.ProductIds,
				VariantIds: p.VariantIds, MaxUses: p.MaxUses, ValidFrom: p.ValidFrom, ValidUntil: p.ValidUntil, Note: p.Note})
			if err != nil {
				return storeError(err, voucherMeanings...)
			}
			if made = append(made, got...); len(made) == n {
				return nil
			}
		}
		return marquee.New(marquee.ECONFLICT, "vouchers.bulk_taken")
	})
	return made, err
}

// UpdateVoucher changes what staff may change of a code (all but its code
// and uses); max uses below the uses so far is an error on "max_uses".
func (db *DB) UpdateVoucher(ctx context.Context, tenantID uuid.UUID, v storefront.Voucher) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		p := insertParams(tenantID, v)
		return storeError(touched(q.VoucherUpdate(ctx, dbq.VoucherUpdateParams{TenantID: tenantID, ID: v.ID, Kind: p.Kind,
			AmountMinor: p.AmountMinor, Percent: p.Percent, ProductIds: p.ProductIds, VariantIds: p.VariantIds,
			MaxUses: p.MaxUses, ValidFrom: p.ValidFrom, ValidUntil: p.ValidUntil, Note: p.Note})), voucherMeanings...)
	})
}

// SetVoucherDisabled disables a code (attendees can no longer use it;
// orders that did keep it) or enables it again.
func (db *DB) SetVoucherDisabled(ctx context.Context, tenantID, id uuid.UUID, disabled bool) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.VoucherSetDisabled(ctx, dbq.VoucherSetDisabledParams{TenantID: tenantID, ID: id, Disabled: disabled}))
	})
}

// DeleteVoucher deletes a code no order used; a used one is a conflict
// (orders keep what they redeemed: disable it instead).
func (db *DB) DeleteVoucher(ctx context.Context, tenantID, id uuid.UUID) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		n, err := q.VoucherDeleteUnused(ctx, dbq.VoucherDeleteUnusedParams{TenantID: tenantID, ID: id})
		if err != nil || n == 1 {
			return err
		}
		if _, err := q.VoucherGet(ctx, dbq.VoucherGetParams{TenantID: tenantID, ID: id}); err != nil {
			return notFound(err, msgNotFound)
		}
		return marquee.New(marquee.ECONFLICT, "vouchers.delete_used")
	})
}

// VoucherRedemptions are the latest orders (at most limit) that redeemed
// a code, newest first.
func (db *DB) VoucherRedemptions(ctx context.Context, tenantID, id uuid.UUID, limit int) ([]storefront.VoucherRedemption, error) {
	var rows []dbq.VoucherRedemptionListRow
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) (err error) {
		rows, err = q.VoucherRedemptionList(ctx, dbq.VoucherRedemptionListParams{TenantID: tenantID, VoucherID: id, MaxRows: int32(limit)})
		return err
	})
	out := make([]storefront.VoucherRedemption, len(rows))
	for i, r := range rows {
		out[i] = storefront.VoucherRedemption{Number: r.Number, Email: r.Email, Status: storefront.Status(r.Status),
			TotalMinor: r.TotalMinor, DiscountMinor: r.DiscountMinor, At: r.CreatedAt}
	}
	return out, err
}

// SetProductCodeOnly makes a product "only with a code" (or not): the shop
// shows it only to attendees whose active code unlocks it.
func (db *DB) SetProductCodeOnly(ctx context.Context, tenantID, productID uuid.UUID, codeOnly bool) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.ProductSetCodeOnly(ctx, dbq.ProductSetCodeOnlyParams{TenantID: tenantID, ID: productID, CodeOnly: codeOnly}))
	})
}

// SetVariantCodeOnly makes one option of a product "only with a code".
func (db *DB) SetVariantCodeOnly(ctx context.Context, tenantID, variantID uuid.UUID, codeOnly bool) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.VariantSetCodeOnly(ctx, dbq.VariantSetCodeOnlyParams{TenantID: tenantID, ID: variantID, CodeOnly: codeOnly}))
	})
}
