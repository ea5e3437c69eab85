package db

import (
	"context"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// The waiting list as staff see it: an option's line, the demand per
// option, and taking someone off a line.

// WaitlistOf is one page of an option's waiting list in line order (each
// waiting entry with its place, each entry holding an offer with its
// end) and how many entries the list has. Another event's option has
// none.
func (db *DB) WaitlistOf(ctx context.Context, tenantID, variantID uuid.UUID, limit, offset int) ([]storefront.WaitlistEntry, int, error) {
	var (
		out   []storefront.WaitlistEntry
		total int32
	)
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		out = out[:0]
		rows, err := q.WaitlistList(ctx, dbq.WaitlistListParams{TenantID: tenantID, VariantID: variantID, MaxRows: int32(limit), Skip: int32(offset)})
		if err != nil {
			return err
		}
		for _, r := range rows {
			e := storefront.WaitlistEntry{ID: r.ID, VariantID: r.VariantID, Email: r.Email, Locale: r.Locale, Quantity: int(r.Quantity),
				State: r.State, Position: int(r.Position), CreatedAt: r.CreatedAt, OfferExpiresAt: r.OfferExpiresAt}
			out = append(out, e)
		}
		total, err = q.WaitlistCount(ctx, dbq.WaitlistCountParams{TenantID: tenantID, VariantID: variantID})
		return err
	})
	return out, int(total), storeError(err)
}

// WaitlistDemand is, per option with someone waiting, the people waiting
// and the units they want, most wanted first.
func (db *DB) WaitlistDemand(ctx context.Context, tenantID uuid.UUID) ([]storefront.WaitlistDemand, error) {
	var out []storefront.WaitlistDemand
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		out = out[:0]
		rows, err := q.WaitlistDemand(ctx, tenantID)
		for _, r := range rows {
			out = append(out, storefront.WaitlistDemand{VariantID: r.VariantID, People: int(r.People), Units: int(r.Units)})
		}
		return err
	})
	return out, storeError(err)
}

// WaitlistEntry returns one entry of the event's waiting lists (not
// found: unknown here, another event's included).
func (db *DB) WaitlistEntry(ctx context.Context, tenantID, entryID uuid.UUID) (storefront.WaitlistEntry, error) {
	var entry storefront.WaitlistEntry
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.WaitlistEntryGet(ctx, dbq.WaitlistEntryGetParams{TenantID: tenantID, ID: entryID})
		entry = entryOf(row)
		return err
	})
	return entry, notFound(err, "waitlist.not_found")
}

// RemoveWaitlistEntry takes an entry off its list for staff: the row is
// deleted, its address with it, and the people behind move up. An entry
// holding an offer is a conflict (its units stay held until the offer
// ends, then pass on); unknown here, another event's included, is not
// found.
func (db *DB) RemoveWaitlistEntry(ctx context.Context, tenantID, entryID uuid.UUID) (storefront.WaitlistEntry, error) {
	var entry storefront.WaitlistEntry
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.WaitlistRemove(ctx, dbq.WaitlistRemoveParams{TenantID: tenantID, ID: entryID})
		if isNoRow(err) {
			if _, gerr := q.WaitlistEntryGet(ctx, dbq.WaitlistEntryGetParams{TenantID: tenantID, ID: entryID}); gerr != nil {
				return gerr
			}
			return marquee.New(marquee.ECONFLICT, "waitlist.entry_holds_offer")
		}
		entry = entryOf(row)
		return err
	})
	return entry, notFound(err, "waitlist.not_found")
}
