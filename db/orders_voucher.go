package db

import (
	"context"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// refusedVoucher is order_check's reason when an order's code has no use
// left (VoucherRedeem): taken by concurrent orders, or disabled meanwhile.
const refusedVoucher = "voucher_used_up"

// orderVoucher is the code an order names (OrderRequest.VoucherCode), as
// its transaction reads, checks, prices and redeems it.
type orderVoucher struct {
	code     string              // normalised; "" without a code
	v        *storefront.Voucher // nil: no code, or none by that name
	discount int64
}

// read is the first batch's step that reads the order's code; a code of
// no row stays nil (check refuses it). Without a code it queues nothing.
func (ov *orderVoucher) read(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) func(*dbq.Queries) error {
	ov.code = storefront.NormalizeCode(req.VoucherCode)
	if ov.code == "" {
		return func(*dbq.Queries) error { return nil }
	}
	return func(q *dbq.Queries) error {
		r, err := q.VoucherGetByCode(ctx, dbq.VoucherGetByCodeParams{TenantID: tenantID, Code: ov.code})
		if isNoRow(err) {
			return nil
		}
		if err != nil {
			return err
		}
		ov.v = voucherOf(r)
		return nil
	}
}

// apply checks the code at now (unknown, not yet valid, expired, used up:
// an error on storefront.VoucherField), refuses lines "only with a code"
// it does not unlock (on their line's field) and takes its discount off
// the order's total.
func (ov *orderVoucher) apply(now time.Time, lines []storefront.PricedLine, o *storefront.Order) error {
	if ov.code != "" {
		if err := ov.v.CheckUsable(now); err != nil {
			return err
		}
	}
	if err := ov.v.CheckLines(lines); err != nil {
		return err
	}
	if ov.v == nil {
		return nil
	}
	ov.discount = ov.v.Discount(lines)
	o.DiscountMinor, o.VoucherCode = ov.discount, ov.v.Code
	o.TotalMinor -= ov.discount
	return nil
}

// redeem is the last batch's step that takes one use of the code (a
// conditional update: concurrent orders never take more uses than it
// has), records the redemption and sets the order's discount; nothing
// without a code.
func (ov *orderVoucher) redeem(ctx context.Context, ot *orderTx, o *storefront.Order) []func(*dbq.Queries) error {
	if ov.v == nil {
		return nil
	}
	return []func(*dbq.Queries) error{func(q *dbq.Queries) error {
		err := q.VoucherRedeem(ctx, dbq.VoucherRedeemParams{TenantID: ot.tenantID, ID: ov.v.ID, Now: ot.now,
			OrderID: o.ID, DiscountMinor: ov.discount, Code: ov.v.Code})
		return refusedAs(err, refusedVoucher, storefront.ErrVoucherUsedUp())
	}}
}

// voucherOf maps a vouchers row to the domain type.
func voucherOf(r dbq.Voucher) *storefront.Voucher {
	v := &storefront.Voucher{ID: r.ID, Code: r.Code, Kind: storefront.VoucherKind(r.Kind), AmountMinor: r.AmountMinor,
		Percent: int(r.Percent), ProductIDs: r.ProductIds, VariantIDs: r.VariantIds, Uses: int(r.Uses),
		ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil, Disabled: r.Disabled, Note: r.Note, CreatedAt: r.CreatedAt}
	if r.MaxUses != nil {
		n := int(*r.MaxUses)
		v.MaxUses = &n
	}
	return v
}

// VoucherByCode is an event's code as an attendee typed it, checked at
// now: an unknown, disabled, not yet valid, expired or used-up code is an
// error on storefront.VoucherField.
func (db *DB) VoucherByCode(ctx context.Context, tenantID uuid.UUID, code string) (*storefront.Voucher, error) {
	code = storefront.NormalizeCode(code)
	if !storefront.ValidCode(code) {
		return nil, marquee.Invalid(storefront.VoucherField, storefront.MsgVoucherUnknown)
	}
	var v *storefront.Voucher
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.VoucherGetByCode(ctx, dbq.VoucherGetByCodeParams{TenantID: tenantID, Code: code})
		if isNoRow(err) {
			return nil
		}
		v = voucherOf(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := v.CheckUsable(db.now()); err != nil {
		return nil, err
	}
	return v, nil
}
