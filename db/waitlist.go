package db

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// WaitlistOffer is units of an option held for one person of its waiting
// list until ExpiresAt; the link with Token orders them.
type WaitlistOffer struct {
	ID, TenantID, EntryID, VariantID uuid.UUID
	Email, Locale, Token             string
	Quantity                         int
	State                            string // held, ordered, expired
	ExpiresAt                        time.Time
}

// offersPerRun bounds the entries one offer job looks at: a longer line
// gets its offers from the next stock that comes back.
const offersPerRun = 200

// newSecret returns 128 random bits for a link, URL-safe.
func newSecret() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// OfferReturnedStock gives an option's units to the next people waiting
// for it, first come first: each offer takes its units from the stock with
// the condition orders use (never below zero, so two offers never hold the
// same unit) and holds them for the event's hold time. Someone who wants
// more units than are left is passed over for the next who wants fewer (and
// keeps their place). queue is called in the same transaction with the
// offers made, to queue their emails and expiry jobs.
func (db *DB) OfferReturnedStock(ctx context.Context, tenantID, variantID uuid.UUID,
	queue func(ctx context.Context, tx pgx.Tx, offers []WaitlistOffer) error) ([]WaitlistOffer, error) {
	var offers []WaitlistOffer
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		offers = offers[:0]
		q, now := dbq.New(tx), db.now()
		hours, err := q.WaitlistHoldHours(ctx, tenantID)
		if err != nil {
			return err
		}
		line, err := q.WaitlistNextWaiting(ctx, dbq.WaitlistNextWaitingParams{TenantID: tenantID, VariantID: variantID, MaxRows: offersPerRun})
		if err != nil {
			return err
		}
		for _, e := range line {
			left, err := q.WaitlistTake(ctx, dbq.WaitlistTakeParams{TenantID: tenantID, ID: variantID, Quantity: e.Quantity})
			if isNoRow(err) {
				stock, serr := q.VariantStock(ctx, dbq.VariantStockParams{TenantID: tenantID, ID: variantID})
				if serr != nil || stock == nil || *stock == 0 {
					return ignoreNoRow(serr) // gone, unlimited or none left: nothing to offer
				}
				continue // not enough for this one: the next may want fewer
			}
			if err != nil {
				return err
			}
			row, err := q.WaitlistOfferInsert(ctx, dbq.WaitlistOfferInsertParams{TenantID: tenantID, EntryID: e.ID, VariantID: variantID,
				Quantity: e.Quantity, Token: newSecret(), ExpiresAt: now.Add(time.Duration(hours) * time.Hour), Now: now})
			if err != nil {
				return err
			}
			if err := q.WaitlistEntrySetState(ctx, dbq.WaitlistEntrySetStateParams{TenantID: tenantID, ID: e.ID, State: "offered"}); err != nil {
				return err
			}
			offers = append(offers, offerOf(row, e.Email, e.Locale))
			if left != nil && *left == 0 {
				break
			}
		}
		if len(offers) == 0 || queue == nil {
			return nil
		}
		return queue(ctx, tx, offers)
	})
	return offers, err
}

func ignoreNoRow(err error) error {
	if isNoRow(err) {
		return nil
	}
	return err
}

func offerOf(r dbq.WaitlistOffer, email, locale string) WaitlistOffer {
	return WaitlistOffer{ID: r.ID, TenantID: r.TenantID, EntryID: r.EntryID, VariantID: r.VariantID, Email: email, Locale: locale,
		Token: r.Token, Quantity: int(r.Quantity), State: r.State, ExpiresAt: r.ExpiresAt}
}

// ExpireWaitlistOffer ends a held offer whose time is up: its units go
// back to the option's stock, its entry is expired (it does not wait
// again), and the waiting list hears of the units (StockReturned: the
// next in line). An offer ordered or ended already is left as it is;
// expired reports whether this call ended it, due whether its time is up.
func (db *DB) ExpireWaitlistOffer(ctx context.Context, tenantID, offerID uuid.UUID) (expired, due bool, err error) {
	err = db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		expired, due = false, true
		q, now := dbq.New(tx), db.now()
		row, err := q.WaitlistOfferExpire(ctx, dbq.WaitlistOfferExpireParams{TenantID: tenantID, ID: offerID, Now: now})
		if isNoRow(err) {
			o, gerr := q.WaitlistOfferByID(ctx, dbq.WaitlistOfferByIDParams{TenantID: tenantID, ID: offerID})
			due = gerr != nil || o.State != "held" || !o.ExpiresAt.After(now)
			return ignoreNoRow(gerr)
		}
		if err != nil {
			return err
		}
		expired = true
		if err := q.VariantRelease(ctx, dbq.VariantReleaseParams{TenantID: tenantID, ID: row.VariantID, Quantity: row.Quantity}); err != nil {
			return err
		}
		if err := q.WaitlistEntrySetState(ctx, dbq.WaitlistEntrySetStateParams{TenantID: tenantID, ID: row.EntryID, State: "expired"}); err != nil {
			return err
		}
		return db.stockReturned(ctx, tx, tenantID, []uuid.UUID{row.VariantID})
	})
	return expired, due, err
}

func entryOf(r dbq.WaitlistEntry) storefront.WaitlistEntry {
	return storefront.WaitlistEntry{ID: r.ID, VariantID: r.VariantID, Email: r.Email, Locale: r.Locale, Quantity: int(r.Quantity),
		State: r.State, LeaveToken: r.LeaveToken, CreatedAt: r.CreatedAt}
}

// JoinWaitlist puts someone at the end of an option's line: only an option
// of this event whose limited stock is short of the quantity (sold out, or
// nearly) has one; an address already in the line is a conflict. email,
// locale and quantity are checked by the caller (the form).
func (db *DB) JoinWaitlist(ctx context.Context, tenantID, variantID uuid.UUID, email, locale string, quantity int) (storefront.WaitlistEntry, error) {
	var entry storefront.WaitlistEntry
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		q := dbq.New(tx)
		stock, err := q.VariantStock(ctx, dbq.VariantStockParams{TenantID: tenantID, ID: variantID})
		if isNoRow(err) {
			return marquee.Invalid("variant", "waitlist.option_unknown")
		}
		if err != nil {
			return err
		}
		if stock == nil || int(*stock) >= quantity {
			return &marquee.Error{Code: marquee.ECONFLICT, Message: "waitlist.in_stock", Field: "quantity"}
		}
		row, err := q.WaitlistJoin(ctx, dbq.WaitlistJoinParams{TenantID: tenantID, VariantID: variantID, Email: email, Locale: locale,
			Quantity: int32(quantity), LeaveToken: newSecret(), Now: db.now()})
		if isNoRow(err) {
			return &marquee.Error{Code: marquee.ECONFLICT, Message: "waitlist.already_waiting", Field: "email"}
		}
		if err != nil {
			return err
		}
		entry = entryOf(row)
		n, err := q.WaitlistPosition(ctx, dbq.WaitlistPositionParams{TenantID: tenantID, ID: row.ID})
		entry.Position = int(n)
		return err
	})
	return entry, err
}

// LeaveWaitlist takes a waiting entry out of its line by its link's
// secret; an unknown secret (or another event's) is not found. Leaving
// twice is fine; an entry holding an offer keeps it until it ends.
func (db *DB) LeaveWaitlist(ctx context.Context, tenantID uuid.UUID, token string) (storefront.WaitlistEntry, error) {
	var entry storefront.WaitlistEntry
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		q := dbq.New(tx)
		if _, err := q.WaitlistLeave(ctx, dbq.WaitlistLeaveParams{TenantID: tenantID, LeaveToken: token}); err != nil {
			return err
		}
		row, err := q.WaitlistEntryByLeaveToken(ctx, dbq.WaitlistEntryByLeaveTokenParams{TenantID: tenantID, LeaveToken: token})
		entry = entryOf(row)
		return err
	})
	return entry, notFound(err, "waitlist.not_found")
}

// WaitlistOfferForEmail returns an offer with what its email shows.
func (db *DB) WaitlistOfferForEmail(ctx context.Context, tenantID, offerID uuid.UUID) (storefront.WaitlistOffer, error) {
	var o storefront.WaitlistOffer
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WaitlistOfferForEmail(ctx, dbq.WaitlistOfferForEmailParams{TenantID: tenantID, ID: offerID})
		if err != nil {
			return err
		}
		o = storefront.WaitlistOffer{ID: r.ID, Token: r.Token, LeaveToken: r.LeaveToken, Email: r.Email, Locale: r.Locale,
			Quantity: int(r.Quantity), State: r.State, ExpiresAt: r.ExpiresAt}
		return errors.Join(json.Unmarshal(r.ProductName, &o.ProductName), json.Unmarshal(r.VariantLabel, &o.VariantLabel))
	})
	return o, notFound(err, "waitlist.not_found")
}

// WaitlistEntryByLeaveToken returns the entry of a leave link's secret
// (not found: unknown here, another event's included).
func (db *DB) WaitlistEntryByLeaveToken(ctx context.Context, tenantID uuid.UUID, token string) (storefront.WaitlistEntry, error) {
	var entry storefront.WaitlistEntry
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.WaitlistEntryByLeaveToken(ctx, dbq.WaitlistEntryByLeaveTokenParams{TenantID: tenantID, LeaveToken: token})
		entry = entryOf(row)
		return err
	})
	return entry, notFound(err, "waitlist.not_found")
}

// WaitlistOfferByToken returns the offer of a link's secret (not found:
// unknown here, another event's included).
func (db *DB) WaitlistOfferByToken(ctx context.Context, tenantID uuid.UUID, token string) (storefront.WaitlistOffer, error) {
	var o storefront.WaitlistOffer
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WaitlistOfferByToken(ctx, dbq.WaitlistOfferByTokenParams{TenantID: tenantID, Token: token})
		o = storefront.WaitlistOffer{ID: r.ID, VariantID: r.VariantID, Token: r.Token, Email: r.Email, Locale: r.Locale,
			Quantity: int(r.Quantity), State: r.State, ExpiresAt: r.ExpiresAt}
		return err
	})
	return o, notFound(err, "waitlist.not_found")
}
