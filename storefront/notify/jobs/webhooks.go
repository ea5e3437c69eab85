package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/branding"
	"marquee/storefront/notify"
	"marquee/storefront/notify/render"
	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// WebhookStore is what the webhook jobs read and record; db.DB
// implements it.
type WebhookStore interface {
	WebhookForSend(ctx context.Context, deliveryID uuid.UUID) (webhooks.Outgoing, error)
	RecordWebhookAttempt(ctx context.Context, deliveryID uuid.UUID, a webhooks.Attempt, failingFor time.Duration) (bool, error)
	FailWebhookDelivery(ctx context.Context, deliveryID uuid.UUID, why string) error
	EmitEventClosed(ctx context.Context, tenantID uuid.UUID, closesAt time.Time) (bool, error)
	WebhookOwners(ctx context.Context, endpointID uuid.UUID) (webhooks.Endpoint, []string, error)
}

// Webhooks tune the delivery jobs; the zero value is production's.
type Webhooks struct {
	// Store is nil: Deps.Store, which must then implement WebhookStore.
	Store WebhookStore
	// Sender posts the deliveries (nil: one that refuses private
	// addresses, webhooks.NewSender(false, nil)).
	Sender *webhooks.Sender
	// RetrySchedule is the wait after each failed attempt
	// (webhooks.RetrySchedule: about a day); a test's is shorter. Its
	// length decides the attempts, at most webhooks.MaxAttempts.
	RetrySchedule []time.Duration
	// FailingFor is how long an endpoint may fail before it is disabled
	// (webhooks.FailingFor).
	FailingFor time.Duration
	// ConsoleURL is the console's origin (https://console.BASE_DOMAIN),
	// for the link in the email to a disabled endpoint's owner.
	ConsoleURL string
}

// WebhookDeliveryArgs asks for an attempt of one delivery (queued by the
// database in the transaction that emitted its message: db's
// emitWebhook). TenantID is the message's event (nil: a test to a
// platform-wide endpoint).
type WebhookDeliveryArgs struct {
	TenantID   *uuid.UUID `json:"tenant_id"`
	DeliveryID uuid.UUID  `json:"delivery_id"`
}

// Kind names the job for River.
func (WebhookDeliveryArgs) Kind() string { return webhooks.JobKind }

// EventClosedArgs asks for event.closed at the event's closing time.
type EventClosedArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	ClosesAt time.Time `json:"closes_at"`
}

// Kind names the job for River.
func (EventClosedArgs) Kind() string { return "event_closed" }

func (d *Deps) webhooks() (WebhookStore, *webhooks.Sender, []time.Duration, time.Duration, error) {
	w := d.Webhooks
	if w == nil {
		w = &Webhooks{}
	}
	store := w.Store
	if store == nil {
		s, ok := d.Store.(WebhookStore)
		if !ok {
			return nil, nil, nil, 0, fmt.Errorf("jobs: the store %T does not keep webhooks", d.Store)
		}
		store = s
	}
	sender := w.Sender
	if sender == nil {
		d.defaultSender.Do(func() { d.sender = webhooks.NewSender(false, nil) })
		sender = d.sender
	}
	schedule := w.RetrySchedule
	if len(schedule) == 0 || len(schedule) >= webhooks.MaxAttempts {
		schedule = webhooks.RetrySchedule
	}
	failingFor := w.FailingFor
	if failingFor <= 0 {
		failingFor = webhooks.FailingFor
	}
	return store, sender, schedule, failingFor, nil
}

type webhookDeliveryWorker struct {
	river.WorkerDefaults[WebhookDeliveryArgs]
	d *Deps
}

// NextRetry follows the retry schedule: the attempt after the n-th is due
// its n-th wait after it (a rescued job, whose worker died, at once).
func (w *webhookDeliveryWorker) NextRetry(job *river.Job[WebhookDeliveryArgs]) time.Time {
	_, _, schedule, _, err := w.d.webhooks()
	if err != nil || job.Attempt < 1 {
		return time.Now()
	}
	if job.AttemptedAt != nil && time.Since(*job.AttemptedAt) >= DefaultRescueAfter {
		return time.Now()
	}
	return time.Now().Add(schedule[min(job.Attempt, len(schedule))-1])
}

// Work makes one attempt of a pending delivery and records it; a
// delivery already finished (an attempt whose worker died after it
// recorded it) or gone with its endpoint is not sent again. A failure
// that is not the last is returned, so River tries again by NextRetry.
func (w *webhookDeliveryWorker) Work(ctx context.Context, job *river.Job[WebhookDeliveryArgs]) error {
	store, sender, schedule, failingFor, err := w.d.webhooks()
	if err != nil {
		return river.JobCancel(err)
	}
	out, err := store.WebhookForSend(ctx, job.Args.DeliveryID)
	if err != nil || out.State != webhooks.DeliveryPending {
		return ignoreGone(err)
	}
	if !out.Enabled {
		return store.FailWebhookDelivery(ctx, out.DeliveryID, "endpoint disabled")
	}
	a := sender.Send(ctx, out, time.Now())
	if !a.Succeeded {
		next, ok := webhooks.Retry(schedule, a)
		a.Final = !ok || job.Attempt >= job.MaxAttempts
		if !a.Final {
			a.NextAt = &next
		}
	}
	// Recorded even when the job's time ran out during the send.
	if _, err := store.RecordWebhookAttempt(context.WithoutCancel(ctx), out.DeliveryID, a, failingFor); err != nil {
		return err
	}
	if a.Succeeded {
		return nil
	}
	if a.Final {
		return river.JobCancel(fmt.Errorf("webhook %s: %s after %d attempts", out.DeliveryID, a.Error, a.Number))
	}
	return fmt.Errorf("webhook %s attempt %d: %s", out.DeliveryID, a.Number, a.Error)
}

type eventClosedWorker struct {
	river.WorkerDefaults[EventClosedArgs]
	d *Deps
}

// Work emits event.closed, unless the closing time changed since.
func (w *eventClosedWorker) Work(ctx context.Context, job *river.Job[EventClosedArgs]) error {
	store, _, _, _, err := w.d.webhooks()
	if err != nil {
		return river.JobCancel(err)
	}
	_, err = store.EmitEventClosed(ctx, job.Args.TenantID, job.Args.ClosesAt)
	return ignoreGone(err)
}

// scheduleClosed queues event.closed at t's closing time.
func (e *Enqueuer) scheduleClosed(ctx context.Context, tx pgx.Tx, t *tenant.Tenant) error {
	if t.ClosesAt == nil {
		return nil
	}
	_, err := e.Client.InsertTx(ctx, tx, EventClosedArgs{TenantID: t.ID, ClosesAt: *t.ClosesAt},
		&river.InsertOpts{ScheduledAt: *t.ClosesAt})
	return err
}

// WebhookDisabledArgs asks for the email to the owner of an endpoint
// disabled for failing.
type WebhookDisabledArgs struct {
	TenantID   *uuid.UUID `json:"tenant_id"` // the endpoint's event (nil: platform-wide)
	EndpointID uuid.UUID  `json:"endpoint_id"`
}

// Kind names the job for River.
func (WebhookDisabledArgs) Kind() string { return "webhook_disabled_email" }

// WebhookEndpointDisabled queues the owner's email in the transaction that
// disabled the endpoint.
func (e *Enqueuer) WebhookEndpointDisabled(ctx context.Context, tx pgx.Tx, ep webhooks.Endpoint) error {
	_, err := e.Client.InsertTx(ctx, tx, WebhookDisabledArgs{TenantID: ep.TenantID, EndpointID: ep.ID}, nil)
	return err
}

type webhookDisabledWorker struct {
	river.WorkerDefaults[WebhookDisabledArgs]
	d *Deps
}

// Work tells the endpoint's owners, in the event's default language (the
// platform's endpoints: English), once per time it was disabled.
func (w *webhookDisabledWorker) Work(ctx context.Context, job *river.Job[WebhookDisabledArgs]) error {
	store, _, _, _, err := w.d.webhooks()
	if err != nil {
		return river.JobCancel(err)
	}
	e, to, err := store.WebhookOwners(ctx, job.Args.EndpointID)
	if err != nil || len(to) == 0 || e.Enabled || e.DisabledAt == nil {
		return ignoreGone(err) // gone, nobody to tell, or enabled again meanwhile
	}
	since := *e.DisabledAt
	if e.FailingSince != nil {
		since = *e.FailingSince
	}
	console := ""
	if w.d.Webhooks != nil {
		console = w.d.Webhooks.ConsoleURL
	}
	ev := render.Event{Name: "Marquee", DefaultLocale: "en", Branding: branding.Branding{Colours: branding.DefaultColours}, FromAddress: w.d.From}
	page := console + "/platform/webhooks"
	if e.TenantID != nil {
		if _, _, ev, err = w.d.recentEvent(ctx, *e.TenantID); err != nil {
			return ignoreGone(err)
		}
		page = console + "/events/" + ev.Slug + "/webhooks"
	}
	m, err := w.d.Renderer.WebhookDisabled(ev, ev.DefaultLocale, to, e.URL, since, page)
	if err != nil {
		return river.JobCancel(err)
	}
	if e.TenantID == nil {
		_, err := w.d.Sender.Send(ctx, m)
		return err
	}
	_, err = w.d.send(ctx, *e.TenantID, fmt.Sprintf("webhook_disabled:%s:%d", e.ID, e.DisabledAt.Unix()), notify.KindWebhookDisabled, nil, m)
	return err
}
