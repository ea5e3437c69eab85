package web

import (
	"context"
	"time"

	"github.com/google/uuid"

	"marquee/storefront/notify"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/render"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// MailDesk is what the console's email pages need: dev's inbox, previews
// of every email, suppliers and their batches, the emails of an order,
// and the jobs that gave up. cmd/marquee implements it over the database,
// the renderer and the job queue.
type MailDesk interface {
	// Inbox lists dev's inbox, newest first, before beforeID (0: newest);
	// InboxEnabled says whether this process keeps mail in it.
	InboxEnabled() bool
	Inbox(ctx context.Context, beforeID int64, limit int) ([]notify.InboxMessage, error)
	InboxMessage(ctx context.Context, id int64) (notify.InboxMessage, error)

	// Kinds lists the email templates with their names in lang; Preview
	// renders one with sample data in an event's branding.
	Kinds(lang string) []render.KindName
	Preview(ctx context.Context, t *tenant.Tenant, kind notify.Kind, lang string) (notify.Message, error)

	// Suppliers of an event; SaveSupplier creates (ID nil) or updates one
	// and schedules its batch; SendBatchNow queues a batch at once;
	// BatchFile builds the batch's CSV ("csv") or XLSX ("xlsx") for
	// download.
	Suppliers(ctx context.Context, tenantID uuid.UUID) ([]suppliers.Supplier, error)
	SaveSupplier(ctx context.Context, tenantID uuid.UUID, s suppliers.Supplier) (uuid.UUID, error)
	DeleteSupplier(ctx context.Context, tenantID, id uuid.UUID) error
	SendBatchNow(ctx context.Context, tenantID, supplierID uuid.UUID) error
	BatchFile(ctx context.Context, tenantID, supplierID uuid.UUID, format string) (notify.Attachment, error)
	SupplierBatches(ctx context.Context, tenantID uuid.UUID) ([]SupplierBatch, error)

	// EmailsOfOrder lists what was sent about an order.
	EmailsOfOrder(ctx context.Context, tenantID, orderID uuid.UUID) ([]notify.SentEmail, error)

	// FailedJobs lists the jobs that gave up; RetryJob queues one again.
	FailedJobs(ctx context.Context, limit int) ([]jobs.FailedJob, error)
	RetryJob(ctx context.Context, id int64) error
}

// SupplierBatch is one batch sent to a supplier.
type SupplierBatch struct {
	SupplierID uuid.UUID
	Lines      int
	MessageID  string
	SentAt     time.Time
}
