package db

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront/webhooks"
)

// The delivery job's side of webhooks (storefront/notify/jobs): what an
// attempt sends and what it got, as the platform role (a platform-wide
// endpoint's deliveries are every event's).

// WebhookForSend is what the next attempt of a delivery sends, with the
// secrets that sign now (ENOTFOUND: the delivery went with its endpoint).
func (db *DB) WebhookForSend(ctx context.Context, deliveryID uuid.UUID) (webhooks.Outgoing, error) {
	var out webhooks.Outgoing
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		r, err := q.WebhookDeliveryForSend(ctx, deliveryID)
		if err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		out = webhooks.Outgoing{DeliveryID: r.ID, TenantID: uuidPtr(r.TenantID), EndpointID: r.EndpointID, State: r.State,
			Attempts: int(r.Attempts), MessageID: r.MessageID, Type: r.Type, Payload: r.Payload, At: r.MessageAt,
			URL: r.Url, Secrets: []string{r.Secret}, Enabled: r.Enabled}
		if r.PreviousSecret != "" && r.PreviousSecretUntil != nil && db.now().Before(*r.PreviousSecretUntil) {
			out.Secrets = append(out.Secrets, r.PreviousSecret)
		}
		return nil
	})
	return out, err
}

// RecordWebhookAttempt records a, an attempt of the delivery, in the log
// and on the delivery (succeeded; failed when a was final; else pending
// until a.NextAt). A failure begins or continues its endpoint's run of
// failures, and disables the endpoint when that run began failingFor ago
// or more, or when a delivery ran out of attempts; the Events hook hears
// of it in the same transaction (its owner's email). A delivery that is
// no longer pending (another worker finished it) is left as it is.
// disabled: whether this attempt disabled the endpoint.
func (db *DB) RecordWebhookAttempt(ctx context.Context, deliveryID uuid.UUID, a webhooks.Attempt, failingFor time.Duration) (disabled bool, err error) {
	err = db.InPlatform(ctx, func(tx pgx.Tx) error {
		disabled = false
		q := dbq.New(tx)
		state := webhooks.DeliveryPending
		switch {
		case a.Succeeded:
			state = webhooks.DeliverySucceeded
		case a.Final:
			state = webhooks.DeliveryFailed
		}
		endpointID, err := q.WebhookDeliveryRecord(ctx, dbq.WebhookDeliveryRecordParams{ID: deliveryID, State: state,
			Attempt: int32(a.Number), StatusCode: int32(a.StatusCode), ResponseExcerpt: a.Excerpt, Error: a.Error,
			DurationMs: int32(a.Duration.Milliseconds()), At: a.At, NextAttemptAt: a.NextAt})
		if isNoRow(err) {
			return nil
		}
		if err != nil {
			return err
		}
		r, err := q.WebhookDeliveryForSend(ctx, deliveryID)
		if err != nil {
			return err
		}
		if err := q.WebhookAttemptInsert(ctx, dbq.WebhookAttemptInsertParams{TenantID: r.TenantID, DeliveryID: deliveryID,
			Attempt: int32(a.Number), StatusCode: int32(a.StatusCode), ResponseExcerpt: a.Excerpt, Error: a.Error,
			DurationMs: int32(a.Duration.Milliseconds()), At: a.At}); err != nil {
			return err
		}
		if a.Succeeded {
			return q.WebhookEndpointSucceeded(ctx, endpointID)
		}
		f, err := q.WebhookEndpointFailed(ctx, dbq.WebhookEndpointFailedParams{ID: endpointID, At: a.At})
		if err != nil || !f.Enabled || (!a.Final && a.At.Sub(f.FailingSince) < failingFor) {
			return err
		}
		n, err := q.WebhookEndpointDisable(ctx, dbq.WebhookEndpointDisableParams{ID: endpointID, At: a.At, Reason: webhooks.DisabledFailing})
		if err != nil || n == 0 {
			return err
		}
		disabled = true
		return db.webhookDisabled(ctx, tx, q, endpointID)
	})
	return disabled, err
}

// FailWebhookDelivery ends a pending delivery that will not be attempted
// again (its endpoint was disabled meanwhile): failed, with why, its last
// attempt's outcome kept.
func (db *DB) FailWebhookDelivery(ctx context.Context, deliveryID uuid.UUID, why string) error {
	return db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return q.WebhookDeliveryFail(ctx, dbq.WebhookDeliveryFailParams{ID: deliveryID, Error: why})
	})
}

// webhookDisabled tells the Events hook, in tx, that an endpoint was just
// disabled for failing.
func (db *DB) webhookDisabled(ctx context.Context, tx pgx.Tx, q *dbq.Queries, endpointID uuid.UUID) error {
	if db.Events == nil {
		return nil
	}
	r, err := q.WebhookEndpointGetAny(ctx, endpointID)
	if err != nil {
		return err
	}
	return db.Events.WebhookEndpointDisabled(ctx, tx, endpointFromRow(r))
}

// WebhookOwners is an endpoint of any scope and the addresses told when
// it is disabled: its creator's, else (a token made it) the event's
// owners', or the platform admins' for a platform-wide one.
func (db *DB) WebhookOwners(ctx context.Context, endpointID uuid.UUID) (webhooks.Endpoint, []string, error) {
	var e webhooks.Endpoint
	var emails []string
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		r, err := q.WebhookEndpointGetAny(ctx, endpointID)
		if err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		e = endpointFromRow(r)
		emails, err = q.WebhookOwnerEmails(ctx, endpointID)
		return err
	})
	return e, emails, err
}
