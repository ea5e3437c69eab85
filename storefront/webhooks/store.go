package webhooks

import (
	"context"

	"github.com/google/uuid"
)

// Store is what the console and the API do with webhook endpoints and
// their deliveries; db.DB implements it. tenantID uuid.Nil is the
// platform's own endpoints; an endpoint or delivery outside the scope is
// ENOTFOUND. A change names the staff member who makes it (uuid.Nil for an
// API token: the audit log's "System"), and the store writes the audit
// entry in the change's transaction.
type Store interface {
	WebhookEndpoints(ctx context.Context, tenantID uuid.UUID) ([]Endpoint, error)
	WebhookEndpoint(ctx context.Context, tenantID, id uuid.UUID) (Endpoint, error)
	// CreateWebhookEndpoint and RotateWebhookSecret return the endpoint's
	// new signing secret, which is shown once.
	CreateWebhookEndpoint(ctx context.Context, tenantID, staffID uuid.UUID, in EndpointInput) (Endpoint, string, error)
	UpdateWebhookEndpoint(ctx context.Context, tenantID, staffID, id uuid.UUID, in EndpointInput) (Endpoint, error)
	DeleteWebhookEndpoint(ctx context.Context, tenantID, staffID, id uuid.UUID) error
	RotateWebhookSecret(ctx context.Context, tenantID, staffID, id uuid.UUID) (string, Endpoint, error)
	// WebhookDeliveries is a page of an endpoint's deliveries, newest
	// first, after cursor; WebhookDelivery one of them.
	WebhookDeliveries(ctx context.Context, tenantID, endpointID uuid.UUID, after Cursor, limit int) ([]Delivery, error)
	WebhookDelivery(ctx context.Context, tenantID, deliveryID uuid.UUID) (Delivery, error)
	// ResendWebhook queues a delivery's message to its endpoint again;
	// SendTestWebhook queues a test message to an endpoint.
	ResendWebhook(ctx context.Context, tenantID, deliveryID uuid.UUID) (Delivery, error)
	SendTestWebhook(ctx context.Context, tenantID, endpointID uuid.UUID) (Delivery, error)
}
