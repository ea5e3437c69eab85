package jobs

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
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

// Work makes the offers and queues, in their transaction, each one's
// expiry at its end.
func (w *waitlistOfferWorker) Work(ctx context.Context, job *river.Job[WaitlistOfferArgs]) error {
	store := w.d.Store
	client := river.ClientFromContext[pgx.Tx](ctx)
	_, err := store.OfferReturnedStock(ctx, job.Args.TenantID, job.Args.VariantID, func(ctx context.Context, tx pgx.Tx, offers []db.WaitlistOffer) error {
		batch := make([]river.InsertManyParams, 0, len(offers))
		for _, o := range offers {
			batch = append(batch, river.InsertManyParams{Args: WaitlistOfferExpireArgs{TenantID: o.TenantID, OfferID: o.ID},
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
