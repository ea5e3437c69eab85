package jobs

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/notify"
)

// WaitlistOfferArgs asks for offers of an option whose stock grew to the
// people waiting for it.
type WaitlistOfferArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	VariantID uuid.UUID `json:"variant_id"`
}

// Kind names the job for River.
func (WaitlistOfferArgs) Kind() string { return "waitlist_offer" }

// WaitlistOfferExpireArgs ends an offer at its expiry unless it was used.
type WaitlistOfferExpireArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	OfferID  uuid.UUID `json:"offer_id"`
}

// Kind names the job for River.
func (WaitlistOfferExpireArgs) Kind() string { return "waitlist_offer_expire" }

// WaitlistOfferEmailArgs asks for the email that tells someone of their
// offer.
type WaitlistOfferEmailArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	OfferID  uuid.UUID `json:"offer_id"`
}

// Kind names the job for River.
func (WaitlistOfferEmailArgs) Kind() string { return "waitlist_offer_email" }

// DedupKey names the email in email_log.
func (a WaitlistOfferEmailArgs) DedupKey() string { return storefront.WaitlistOfferDedupKey(a.OfferID) }

// StockReturned queues one offer job per option whose stock grew, in the
// transaction that gave the units back (db.Events, contract 3). The job
// is idempotent: two of them for one option offer what there is once.
func (e *Enqueuer) StockReturned(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, variantIDs []uuid.UUID) error {
	seen := make(map[uuid.UUID]bool, len(variantIDs))
	batch := make([]river.InsertManyParams, 0, len(variantIDs))
	for _, id := range variantIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		batch = append(batch, river.InsertManyParams{Args: WaitlistOfferArgs{TenantID: tenantID, VariantID: id}})
	}
	if len(batch) == 0 {
		return nil
	}
	_, err := e.Client.InsertManyTx(ctx, tx, batch)
	return err
}

type waitlistOfferWorker struct {
	river.WorkerDefaults[WaitlistOfferArgs]
	d *Deps
}

// Work makes the offers and queues, in their transaction, each one's email
// and its expiry at its end.
func (w *waitlistOfferWorker) Work(ctx context.Context, job *river.Job[WaitlistOfferArgs]) error {
	store := w.d.Store
	client := river.ClientFromContext[pgx.Tx](ctx)
	_, err := store.OfferReturnedStock(ctx, job.Args.TenantID, job.Args.VariantID, func(ctx context.Context, tx pgx.Tx, offers []db.WaitlistOffer) error {
		batch := make([]river.InsertManyParams, 0, 2*len(offers))
		for _, o := range offers {
			batch = append(batch, river.InsertManyParams{Args: WaitlistOfferEmailArgs{TenantID: o.TenantID, OfferID: o.ID}},
				river.InsertManyParams{Args: WaitlistOfferExpireArgs{TenantID: o.TenantID, OfferID: o.ID},
					InsertOpts: &river.InsertOpts{ScheduledAt: o.ExpiresAt}})
		}
		_, err := client.InsertManyTx(ctx, tx, batch)
		return err
	})
	return err
}

type waitlistOfferExpireWorker struct {
	river.WorkerDefaults[WaitlistOfferExpireArgs]
	d *Deps
}

// Work gives an unused offer's units back (and so to the next in line). A
// job that runs before the offer's end by the store's clock comes back a
// little later.
func (w *waitlistOfferExpireWorker) Work(ctx context.Context, job *river.Job[WaitlistOfferExpireArgs]) error {
	store := w.d.Store
	_, due, err := store.ExpireWaitlistOffer(ctx, job.Args.TenantID, job.Args.OfferID)
	if err == nil && !due {
		return river.JobSnooze(time.Minute)
	}
	return err
}

type waitlistOfferEmailWorker struct {
	river.WorkerDefaults[WaitlistOfferEmailArgs]
	d *Deps
}

// Work emails the offer's links in the language its person chose, once
// (dedup key per offer); an offer that ended before the job ran (ordered
// or expired) is not sent.
func (w *waitlistOfferEmailWorker) Work(ctx context.Context, job *river.Job[WaitlistOfferEmailArgs]) error {
	a := job.Args
	_, _, ev, err := w.d.recentEvent(ctx, a.TenantID)
	if err != nil {
		return ignoreGone(err)
	}
	o, err := w.d.Store.WaitlistOfferForEmail(ctx, a.TenantID, a.OfferID)
	if err != nil || o.State != storefront.OfferHeld {
		return ignoreGone(err)
	}
	m, err := w.d.Renderer.WaitlistOffer(ev, o, ev.BaseURL+storefront.WaitlistOrderPath(o.Token), ev.BaseURL+storefront.WaitlistLeavePath(o.LeaveToken))
	if err != nil {
		return river.JobCancel(err)
	}
	_, err = w.d.send(ctx, a.TenantID, a.DedupKey(), notify.KindWaitlistOffer, nil, m)
	return err
}
