package db

import (
	"context"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// refusedOffer is order_check's reason when an order's waiting-list offer
// was used or expired between the order's two batches.
const refusedOffer = "offer_used"

// errOfferInvalid answers an order whose offer link is unknown (another
// event's included), used, expired, or for an option the order lacks.
func errOfferInvalid() *marquee.Error {
	return &marquee.Error{Code: marquee.ECONFLICT, Message: "waitlist.offer_invalid", Field: "offer"}
}

// orderOffer is the waiting-list offer an order names
// (OrderRequest.OfferToken, contract 4), as its transaction reads, checks
// and uses it: the units it holds become the order's.
type orderOffer struct {
	token string
	row   *dbq.WaitlistOfferByTokenRow // nil: no token, or none by that name
}

// read is the first batch's step that reads the order's offer; without a
// token it queues nothing.
func (oo *orderOffer) read(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) func(*dbq.Queries) error {
	oo.token = req.OfferToken
	if oo.token == "" {
		return func(*dbq.Queries) error { return nil }
	}
	return func(q *dbq.Queries) error {
		r, err := q.WaitlistOfferByToken(ctx, dbq.WaitlistOfferByTokenParams{TenantID: tenantID, Token: oo.token})
		if isNoRow(err) {
			return nil
		}
		oo.row = &r
		return err
	}
}

// check refuses an offer that is unknown, no longer held, expired at now,
// or for an option none of the lines orders. A line may order more units
// than the offer holds: the rest come from the stock as for anyone.
func (oo *orderOffer) check(now time.Time, lines []storefront.PricedLine) error {
	if oo.token == "" {
		return nil
	}
	if oo.row == nil || oo.row.State != storefront.OfferHeld || !oo.row.ExpiresAt.After(now) {
		return errOfferInvalid()
	}
	for _, l := range lines {
		if l.Variant.ID == oo.row.VariantID {
			return nil
		}
	}
	return errOfferInvalid()
}

// use is the last batch's step, before the stock is taken, that uses the
// offer for order o: its units go back to the stock the order then takes.
func (oo *orderOffer) use(ctx context.Context, ot *orderTx, o *storefront.Order) []func(*dbq.Queries) error {
	if oo.row == nil {
		return nil
	}
	return []func(*dbq.Queries) error{func(q *dbq.Queries) error {
		err := q.WaitlistOfferConsume(ctx, dbq.WaitlistOfferConsumeParams{TenantID: ot.tenantID, Token: oo.token, OrderID: o.ID, Now: ot.now})
		return refusedAs(err, refusedOffer, errOfferInvalid())
	}}
}
