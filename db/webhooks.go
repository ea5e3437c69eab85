package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront/webhooks"
)

// Webhooks (issue 19). Every method takes the scope of the endpoints it
// works on: an event's id, or uuid.Nil for the platform-wide endpoints
// (which run as the platform role). Another event's endpoint is not found.

const msgWebhookNotFound = "webhook.error.not_found"

// emitWebhook records a message of type typ with data for every enabled
// endpoint of the event tenantID (and the platform's) subscribed to typ,
// with one delivery job each, inside the caller's transaction tx: one
// statement, which writes nothing when no endpoint wants it. Data about an
// event (webhooks.EventScoped) must be about this one.
func emitWebhook(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, typ string, data any) error {
	_, err := webhookEmit(ctx, dbq.New(tx), tenantID, typ, data)
	return err
}

// webhookEmit is emitWebhook on any dbq.Queries (a batch's too), answering
// how many deliveries it queued.
func webhookEmit(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, typ string, data any) (int, error) {
	payload, err := webhookPayload(tenantID, typ, data)
	if err != nil {
		return 0, err
	}
	row, err := q.WebhookEmit(ctx, dbq.WebhookEmitParams{
		TenantID: tenantID, Type: typ, ID: uuid.New(), Payload: payload,
		Kind: webhooks.JobKind, MaxAttempts: int16(webhooks.MaxAttempts),
	})
	return int(row.Deliveries), err
}

// webhookPayload checks a message and encodes its data.
func webhookPayload(tenantID uuid.UUID, typ string, data any) ([]byte, error) {
	if tenantID == uuid.Nil || !webhooks.KnownType(typ) {
		return nil, fmt.Errorf("db: webhook %q without an event or of an unknown type", typ)
	}
	if s, ok := data.(webhooks.EventScoped); ok && s.EventOf() != tenantID {
		return nil, fmt.Errorf("db: webhook %s about event %s emitted in event %s", typ, s.EventOf(), tenantID)
	}
	return json.Marshal(data)
}

// scope is the endpoints' tenant_id for a scope.
func scope(tenantID uuid.UUID) uuid.NullUUID {
	return uuid.NullUUID{UUID: tenantID, Valid: tenantID != uuid.Nil}
}

// inScope runs fn in the scope's transaction: the event's, or the
// platform's for uuid.Nil.
func (db *DB) inScope(ctx context.Context, tenantID uuid.UUID, fn func(*dbq.Queries) error) error {
	if tenantID == uuid.Nil {
		return db.inPlatformQ(ctx, fn)
	}
	return db.inTenantQ(ctx, tenantID, fn)
}

// WebhookEndpoints lists the scope's endpoints, oldest first.
func (db *DB) WebhookEndpoints(ctx context.Context, tenantID uuid.UUID) ([]webhooks.Endpoint, error) {
	var out []webhooks.Endpoint
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.WebhookEndpointList(ctx, scope(tenantID))
		for _, r := range rows {
			out = append(out, endpointFromRow(r))
		}
		return err
	})
	return out, err
}

// WebhookEndpoint is one endpoint of the scope (ENOTFOUND: none, or
// another scope's).
func (db *DB) WebhookEndpoint(ctx context.Context, tenantID, id uuid.UUID) (webhooks.Endpoint, error) {
	var out webhooks.Endpoint
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WebhookEndpointGet(ctx, dbq.WebhookEndpointGetParams{TenantID: scope(tenantID), ID: id})
		out = endpointFromRow(r)
		return notFound(err, msgWebhookNotFound)
	})
	return out, err
}

// CreateWebhookEndpoint validates in (EINVALID naming the field; the URL
// by webhooks.CheckURL with db.WebhooksAllowPrivate) and creates the
// endpoint, created by staffID (uuid.Nil: a token, nobody), with a new
// secret: returned here only, to be shown once.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, tenantID, staffID uuid.UUID, in webhooks.EndpointInput) (webhooks.Endpoint, string, error) {
	if err := in.Validate(db.WebhooksAllowPrivate); err != nil {
		return webhooks.Endpoint{}, "", err
	}
	secret := webhooks.NewSecret()
	var out webhooks.Endpoint
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WebhookEndpointInsert(ctx, dbq.WebhookEndpointInsertParams{
			TenantID: scope(tenantID), Url: in.URL, Description: in.Description, Types: in.Types,
			Secret: secret, Enabled: in.Enabled, CreatedBy: uuid.NullUUID{UUID: staffID, Valid: staffID != uuid.Nil},
		})
		if err != nil {
			return err
		}
		out = endpointFromRow(r)
		return db.auditWebhook(ctx, q, tenantID, staffID, webhooks.ActionCreated, out)
	})
	return out, secret, err
}

// UpdateWebhookEndpoint validates in and changes the endpoint, changed
// by staffID (uuid.Nil: a token) as the audit log says; in.Enabled true
// enables a disabled one again (its failures forgotten), false disables
// it (webhooks.DisabledByStaff).
func (db *DB) UpdateWebhookEndpoint(ctx context.Context, tenantID, staffID, id uuid.UUID, in webhooks.EndpointInput) (webhooks.Endpoint, error) {
	if err := in.Validate(db.WebhooksAllowPrivate); err != nil {
		return webhooks.Endpoint{}, err
	}
	var out webhooks.Endpoint
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WebhookEndpointUpdate(ctx, dbq.WebhookEndpointUpdateParams{
			TenantID: scope(tenantID), ID: id, Url: in.URL, Description: in.Description, Types: in.Types, Enabled: in.Enabled,
		})
		if err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		out = endpointFromRow(r)
		return db.auditWebhook(ctx, q, tenantID, staffID, webhooks.ActionUpdated, out)
	})
	return out, err
}

// DeleteWebhookEndpoint deletes the endpoint, its deliveries and their
// jobs' work (a job of a deleted delivery does nothing), deleted by
// staffID (uuid.Nil: a token) as the audit log says.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, tenantID, staffID, id uuid.UUID) error {
	return db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WebhookEndpointGet(ctx, dbq.WebhookEndpointGetParams{TenantID: scope(tenantID), ID: id})
		if err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		n, err := q.WebhookEndpointDelete(ctx, dbq.WebhookEndpointDeleteParams{TenantID: scope(tenantID), ID: id})
		if err == nil && n == 0 {
			return marquee.New(marquee.ENOTFOUND, msgWebhookNotFound)
		}
		if err != nil {
			return err
		}
		return db.auditWebhook(ctx, q, tenantID, staffID, webhooks.ActionDeleted, endpointFromRow(r))
	})
}

// RotateWebhookSecret gives the endpoint a new secret, returned here only
// (to be shown once); the previous one keeps signing deliveries beside it
// for webhooks.RotationOverlap. The audit log says staffID (uuid.Nil: a
// token) did it.
func (db *DB) RotateWebhookSecret(ctx context.Context, tenantID, staffID, id uuid.UUID) (string, webhooks.Endpoint, error) {
	secret := webhooks.NewSecret()
	until := db.now().Add(webhooks.RotationOverlap)
	var out webhooks.Endpoint
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WebhookEndpointRotate(ctx, dbq.WebhookEndpointRotateParams{TenantID: scope(tenantID), ID: id, Secret: secret, PreviousUntil: until})
		if err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		out = endpointFromRow(r)
		return db.auditWebhook(ctx, q, tenantID, staffID, webhooks.ActionSecretRotated, out)
	})
	return secret, out, err
}

// WebhookDeliveries is a page of at most limit of the endpoint's
// deliveries, newest first, after cursor (the zero Cursor: the newest);
// webhooks.Next gives the next page's cursor.
func (db *DB) WebhookDeliveries(ctx context.Context, tenantID, endpointID uuid.UUID, after webhooks.Cursor, limit int) ([]webhooks.Delivery, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var out []webhooks.Delivery
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		if _, err := q.WebhookEndpointGet(ctx, dbq.WebhookEndpointGetParams{TenantID: scope(tenantID), ID: endpointID}); err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		p := dbq.WebhookDeliveryListParams{EndpointID: endpointID, MaxRows: int32(limit)}
		if !after.At.IsZero() {
			p.BeforeAt, p.BeforeID = &after.At, uuid.NullUUID{UUID: after.ID, Valid: true}
		}
		rows, err := q.WebhookDeliveryList(ctx, p)
		for _, r := range rows {
			out = append(out, deliveryFromRow(dbq.WebhookDelivery{
				ID: r.ID, TenantID: r.TenantID, MessageID: r.MessageID, EndpointID: r.EndpointID, State: r.State,
				Attempts: r.Attempts, StatusCode: r.StatusCode, ResponseExcerpt: r.ResponseExcerpt, Error: r.Error,
				DurationMs: r.DurationMs, CreatedAt: r.CreatedAt, LastAttemptAt: r.LastAttemptAt, NextAttemptAt: r.NextAttemptAt,
			}, r.Type))
		}
		return err
	})
	return out, err
}

// WebhookDelivery is one delivery of an endpoint of the scope.
func (db *DB) WebhookDelivery(ctx context.Context, tenantID, deliveryID uuid.UUID) (webhooks.Delivery, error) {
	var out webhooks.Delivery
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.WebhookDeliveryGet(ctx, dbq.WebhookDeliveryGetParams{TenantID: scope(tenantID), ID: deliveryID})
		out = deliveryFromRow(dbq.WebhookDelivery{
			ID: r.ID, TenantID: r.TenantID, MessageID: r.MessageID, EndpointID: r.EndpointID, State: r.State,
			Attempts: r.Attempts, StatusCode: r.StatusCode, ResponseExcerpt: r.ResponseExcerpt, Error: r.Error,
			DurationMs: r.DurationMs, CreatedAt: r.CreatedAt, LastAttemptAt: r.LastAttemptAt, NextAttemptAt: r.NextAttemptAt,
		}, r.Type)
		return notFound(err, msgWebhookNotFound)
	})
	return out, err
}

// ResendWebhook sends a delivery's message to its endpoint again: a new
// delivery, returned, with attempts of its own.
func (db *DB) ResendWebhook(ctx context.Context, tenantID, deliveryID uuid.UUID) (webhooks.Delivery, error) {
	var out webhooks.Delivery
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		d, err := q.WebhookDeliveryGet(ctx, dbq.WebhookDeliveryGetParams{TenantID: scope(tenantID), ID: deliveryID})
		if err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		out, err = queueDelivery(ctx, q, d.TenantID, d.MessageID, d.EndpointID, d.Type)
		return err
	})
	return out, err
}

// SendTestWebhook sends a test message (webhooks.TestType) to the
// endpoint, whatever its types: the delivery, returned, shows what it
// answered.
func (db *DB) SendTestWebhook(ctx context.Context, tenantID, endpointID uuid.UUID) (webhooks.Delivery, error) {
	var out webhooks.Delivery
	err := db.inScope(ctx, tenantID, func(q *dbq.Queries) error {
		if _, err := q.WebhookEndpointGet(ctx, dbq.WebhookEndpointGetParams{TenantID: scope(tenantID), ID: endpointID}); err != nil {
			return notFound(err, msgWebhookNotFound)
		}
		payload, _ := json.Marshal(webhooks.TestData{EndpointID: endpointID, Message: "This is a test message from Marquee."})
		id := uuid.New()
		if err := q.WebhookMessageInsert(ctx, dbq.WebhookMessageInsertParams{ID: id, TenantID: scope(tenantID), Type: webhooks.TestType, Payload: payload}); err != nil {
			return err
		}
		var err error
		out, err = queueDelivery(ctx, q, scope(tenantID), id, endpointID, webhooks.TestType)
		return err
	})
	return out, err
}

// queueDelivery writes a new delivery of a message to an endpoint, and its
// job.
func queueDelivery(ctx context.Context, q *dbq.Queries, tenantID uuid.NullUUID, messageID, endpointID uuid.UUID, typ string) (webhooks.Delivery, error) {
	r, err := q.WebhookDeliveryQueue(ctx, dbq.WebhookDeliveryQueueParams{
		TenantID: tenantID, MessageID: messageID, EndpointID: endpointID,
		Kind: webhooks.JobKind, MaxAttempts: int16(webhooks.MaxAttempts),
	})
	return deliveryFromRow(dbq.WebhookDelivery{
		ID: r.ID, TenantID: r.TenantID, MessageID: r.MessageID, EndpointID: r.EndpointID, State: r.State,
		CreatedAt: r.CreatedAt,
	}, typ), err
}

func endpointFromRow(r dbq.WebhookEndpoint) webhooks.Endpoint {
	return webhooks.Endpoint{
		ID: r.ID, TenantID: uuidPtr(r.TenantID), URL: r.Url, Description: r.Description, Types: r.Types,
		Enabled: r.Enabled, DisabledAt: r.DisabledAt, DisabledReason: r.DisabledReason,
		PreviousSecretUntil: r.PreviousSecretUntil, FailingSince: r.FailingSince, CreatedBy: uuidPtr(r.CreatedBy),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func deliveryFromRow(r dbq.WebhookDelivery, typ string) webhooks.Delivery {
	return webhooks.Delivery{
		ID: r.ID, TenantID: uuidPtr(r.TenantID), MessageID: r.MessageID, EndpointID: r.EndpointID, Type: typ,
		State: r.State, Attempts: int(r.Attempts), StatusCode: int(r.StatusCode), ResponseExcerpt: r.ResponseExcerpt,
		Error: r.Error, Duration: time.Duration(r.DurationMs) * time.Millisecond, CreatedAt: r.CreatedAt,
		LastAttemptAt: r.LastAttemptAt, NextAttemptAt: r.NextAttemptAt,
	}
}
