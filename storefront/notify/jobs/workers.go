package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee"
	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/notify/render"
	"marquee/storefront/suppliers"
	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// Store is what the workers read and record; db.DB implements it.
type Store interface {
	TenantByID(ctx context.Context, id uuid.UUID) (*tenant.Tenant, error)
	SiteContent(ctx context.Context, tenantID uuid.UUID) (storefront.SiteContent, error)
	OrderByNumber(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error)
	EmailSent(ctx context.Context, tenantID uuid.UUID, dedupKey string) (bool, error)
	// OrderForEmail is OrderByNumber and EmailSent at once (one round
	// trip): what an attendee's email job reads.
	OrderForEmail(ctx context.Context, tenantID uuid.UUID, number, dedupKey string) (*storefront.Order, bool, error)
	RecordEmail(ctx context.Context, tenantID uuid.UUID, e notify.SentEmail) error
	Suppliers(ctx context.Context, tenantID uuid.UUID) ([]suppliers.Supplier, error)
	OrderNumbersForBatch(ctx context.Context, tenantID uuid.UUID) ([]string, error)
	RecordSupplierBatch(ctx context.Context, tenantID, supplierID uuid.UUID, lines int, messageID string) error
	// The waiting list's offers (waitlist.go).
	OfferReturnedStock(ctx context.Context, tenantID, variantID uuid.UUID,
		queue func(ctx context.Context, tx pgx.Tx, offers []db.WaitlistOffer) error) ([]db.WaitlistOffer, error)
	ExpireWaitlistOffer(ctx context.Context, tenantID, offerID uuid.UUID) (expired, due bool, err error)
	WaitlistOfferForEmail(ctx context.Context, tenantID, offerID uuid.UUID) (storefront.WaitlistOffer, error)
	// Payments (payments.go).
	PaymentExpired(ctx context.Context, e storefront.PaymentEvent) (*storefront.Order, error)
	RecordRefund(ctx context.Context, tenantID uuid.UUID, number string, key uuid.UUID, amountMinor int64, reason, refundID string) error
	// Messages to attendees (messages.go).
	MessageStore
}

// Deps are what the workers need besides the store.
type Deps struct {
	Store    Store
	Renderer *render.Renderer
	Sender   notify.Sender
	// Payments reaches Stripe for the payment jobs (nil: online payments
	// are off; an expiry then only ends the hold, and a refund waits).
	Payments Payments
	// Permanent says whether a send error will never succeed on retry (a
	// 5xx reply: a bad address stays bad); such a job is cancelled.
	Permanent func(error) bool
	// From is the platform's sending address; the From name is the event's.
	From string
	// EventURL is an event's public origin (https://SLUG.BASE_DOMAIN);
	// MediaURL turns a media key into an absolute image URL (or "").
	EventURL func(slug string) string
	MediaURL func(ctx context.Context, key string) string
	Links    storefront.OrderLinks
	// SupplierLinks signs the links in supplier emails to the page where
	// they mark their lines dispatched (no Key: the emails have none).
	SupplierLinks storefront.SupplierLinks
	Log           *slog.Logger
	// Webhooks tune the webhook deliveries (nil: production's).
	Webhooks *Webhooks

	defaultSender sync.Once
	sender        *webhooks.Sender // production's, made once when Webhooks has none

	events eventCache // what the workers loaded of events, for eventTTL
}

// Register adds the workers to w.
func Register(w *river.Workers, d *Deps) {
	river.AddWorker(w, &orderEmailWorker{d: d})
	river.AddWorker(w, &supplierOrderWorker{d: d})
	river.AddWorker(w, &supplierBatchWorker{d: d})
	river.AddWorker(w, &supplierCancellationWorker{d: d})
	river.AddWorker(w, &waitlistOfferWorker{d: d})
	river.AddWorker(w, &waitlistOfferExpireWorker{d: d})
	river.AddWorker(w, &waitlistOfferEmailWorker{d: d})
	river.AddWorker(w, &supplierChangeWorker{d: d})
	river.AddWorker(w, &paymentExpireWorker{d: d})
	river.AddWorker(w, &paymentRefundWorker{d: d})
	river.AddWorker(w, &messageFanOutWorker{d: d})
	river.AddWorker(w, &messageRecipientWorker{d: d})
	river.AddWorker(w, &webhookDeliveryWorker{d: d})
	river.AddWorker(w, &eventClosedWorker{d: d})
	river.AddWorker(w, &webhookDisabledWorker{d: d})
}

// Event loads what rendering needs to know of an event.
func (d *Deps) Event(ctx context.Context, tenantID uuid.UUID) (*tenant.Tenant, storefront.SiteContent, render.Event, error) {
	t, err := d.Store.TenantByID(ctx, tenantID)
	if err != nil {
		return nil, storefront.SiteContent{}, render.Event{}, err
	}
	content, err := d.Store.SiteContent(ctx, tenantID)
	if err != nil {
		return nil, content, render.Event{}, err
	}
	ev := render.Event{Name: t.Name, Slug: t.Slug, DefaultLocale: t.DefaultLocale, Locales: t.Locales, Currency: content.Settings.Currency,
		BaseURL: d.EventURL(t.Slug), Branding: content.Branding, Fields: content.Fields, Ships: content.Settings.Ships, FromAddress: d.From,
		ReplyTo: content.Settings.ReplyTo, Zone: content.Settings.Location()}
	if content.Branding.LogoKey != "" && d.MediaURL != nil {
		ev.LogoURL = absolute(ev.BaseURL, d.MediaURL(ctx, content.Branding.LogoKey))
	}
	return t, content, ev, nil
}

// recentEvent is Event as loaded within eventTTL: what the workers use.
func (d *Deps) recentEvent(ctx context.Context, tenantID uuid.UUID) (*tenant.Tenant, storefront.SiteContent, render.Event, error) {
	return d.events.get(ctx, tenantID, d.Event)
}

// absolute makes a path on the event's host absolute, for email clients.
func absolute(base, u string) string {
	if strings.HasPrefix(u, "/") {
		return base + u
	}
	return u
}

// send sends m unless dedupKey was sent before, and records it.
func (d *Deps) send(ctx context.Context, tenantID uuid.UUID, dedupKey string, kind notify.Kind, orderID *uuid.UUID, m notify.Message) (string, error) {
	sent, err := d.Store.EmailSent(ctx, tenantID, dedupKey)
	if err != nil || sent {
		return "", err
	}
	return d.deliver(ctx, tenantID, dedupKey, kind, orderID, m)
}

// deliver sends m, whose dedupKey was not sent before, and records it.
func (d *Deps) deliver(ctx context.Context, tenantID uuid.UUID, dedupKey string, kind notify.Kind, orderID *uuid.UUID, m notify.Message) (string, error) {
	id, err := d.Sender.Send(ctx, m)
	if err != nil {
		if d.Permanent != nil && d.Permanent(err) {
			return "", river.JobCancel(err)
		}
		return "", err
	}
	// The server accepted it: from here on a retry must not send again,
	// so the record is written even if the job's context has ended.
	rec := notify.SentEmail{DedupKey: dedupKey, Kind: kind, Subject: m.Subject, MessageID: id, Recipients: m.To, OrderID: orderID}
	if err := d.Store.RecordEmail(context.WithoutCancel(ctx), tenantID, rec); err != nil {
		d.Log.Error("an email was sent but not recorded; a retry would send it again", "dedup_key", dedupKey, "message_id", id, "err", err)
		return id, err
	}
	return id, nil
}

// eventAndOrder loads an order and its event for rendering. A nil order
// with a nil error means one of them no longer exists (a deleted event or
// order): the job is done, not failed.
func (d *Deps) eventAndOrder(ctx context.Context, tenantID uuid.UUID, number string) (render.Event, *storefront.Order, error) {
	_, _, ev, err := d.recentEvent(ctx, tenantID)
	if err != nil {
		return ev, nil, ignoreGone(err)
	}
	o, err := d.Store.OrderByNumber(ctx, tenantID, number)
	if err != nil {
		return ev, nil, ignoreGone(err)
	}
	if o.ErasedAt != nil {
		return ev, nil, nil // its personal data is gone: nobody to write to
	}
	return ev, o, nil
}

func ignoreGone(err error) error {
	if gone(err) {
		return nil
	}
	return err
}

// gone reports a job about something that no longer exists (a deleted
// event, order or supplier): it is done, not failed.
func gone(err error) bool { return marquee.ErrorCode(err) == marquee.ENOTFOUND }

type orderEmailWorker struct {
	river.WorkerDefaults[OrderEmailArgs]
	d *Deps
}

func (w *orderEmailWorker) Work(ctx context.Context, job *river.Job[OrderEmailArgs]) error {
	a := job.Args
	_, _, ev, err := w.d.recentEvent(ctx, a.TenantID)
	if err != nil {
		return ignoreGone(err) // nil when the event is gone: nothing to send
	}
	// The order and whether this email went already (an earlier attempt),
	// in one round trip.
	o, sent, err := w.d.Store.OrderForEmail(ctx, a.TenantID, a.OrderNumber, a.DedupKey())
	if err != nil || sent {
		return ignoreGone(err)
	}
	status := ev.BaseURL + w.d.Links.Path(a.TenantID, o.Number)
	var m notify.Message
	if ch, ok := changeAt(o, a.Seq); ok && a.Email == notify.KindOrderChanged {
		m, err = w.d.Renderer.AttendeeChange(ev, *o, status, ch)
	} else {
		pickup := "" // the pick-up desk's token, for an order collected there
		if storefront.ShowsPickupCode(o, ev.Ships) {
			pickup = w.d.Links.PickupTokens().Token(a.TenantID, o.Number)
		}
		m, err = w.d.Renderer.AttendeeWithPickupCode(a.Email, ev, *o, status, a.Note, pickup)
	}
	if err != nil {
		return river.JobCancel(err) // a template error will not mend itself
	}
	_, err = w.d.deliver(ctx, a.TenantID, a.DedupKey(), a.Email, &o.ID, m)
	return err
}

type supplierOrderWorker struct {
	river.WorkerDefaults[SupplierOrderArgs]
	d *Deps
}

// Work sends each per-order supplier its lines of the order; a supplier
// already served (an earlier attempt) is skipped by its dedup key. An
// order cancelled before this job ran is not sent: its suppliers get the
// cancellation instead.
func (w *supplierOrderWorker) Work(ctx context.Context, job *river.Job[SupplierOrderArgs]) error {
	a := job.Args
	return w.d.eachSupplierOfOrder(ctx, a.TenantID, a.OrderNumber, func(ev render.Event, s suppliers.Supplier, o *storefront.Order, items []storefront.Item) error {
		if o.Status == storefront.StatusCancelled {
			return nil
		}
		link, err := w.d.dispatchLink(ctx, a.TenantID, ev, s.ID, o.Number)
		if err != nil {
			return err
		}
		m, err := w.d.Renderer.SupplierOrder(ev, s.Name, s.Emails, *o, items, link)
		if err != nil {
			return river.JobCancel(err)
		}
		_, err = w.d.send(ctx, a.TenantID, fmt.Sprintf("supplier:%s:order:%s", s.ID, o.Number), notify.KindSupplierOrder, &o.ID, m)
		return err
	})
}

// dispatchLink is supplier supplierID's signed link to the page where it
// marks its lines dispatched: of order number, or of its list ("").
// It expires when the event's retention period ends
// (storefront.SupplierLinkExpiry).
func (d *Deps) dispatchLink(ctx context.Context, tenantID uuid.UUID, ev render.Event, supplierID uuid.UUID, number string) (render.DispatchLink, error) {
	if len(d.SupplierLinks.Key) == 0 {
		return render.DispatchLink{}, nil
	}
	_, content, _, err := d.recentEvent(ctx, tenantID)
	if err != nil {
		return render.DispatchLink{}, err
	}
	g := storefront.SupplierGrant{SupplierID: supplierID, Order: number, Expires: storefront.SupplierLinkExpiry(content.Settings, time.Now())}
	return render.DispatchLink{URL: ev.BaseURL + d.SupplierLinks.Path(tenantID, g), Until: g.Expires}, nil
}

// eachSupplierOfOrder calls fn for each per-order supplier of the event
// with the lines of the order it fulfils, and joins their errors: one
// supplier's failure does not keep the others from their email.
func (d *Deps) eachSupplierOfOrder(ctx context.Context, tenantID uuid.UUID, number string, fn func(render.Event, suppliers.Supplier, *storefront.Order, []storefront.Item) error) error {
	list, err := d.Store.Suppliers(ctx, tenantID)
	if err != nil || len(list) == 0 {
		return err
	}
	ev, o, err := d.eventAndOrder(ctx, tenantID, number)
	if o == nil {
		return err
	}
	var errs []error
	for _, s := range list {
		if s.Mode != suppliers.ModePerOrder {
			continue
		}
		var items []storefront.Item
		for _, it := range o.Items {
			if s.Fulfils(it) {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			continue
		}
		if err := fn(ev, s, o, items); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

type supplierCancellationWorker struct {
	river.WorkerDefaults[SupplierCancellationArgs]
	d *Deps
}

// Work tells each per-order supplier of the cancelled order's lines not to
// make or send them, once (dedup key per supplier and order).
func (w *supplierCancellationWorker) Work(ctx context.Context, job *river.Job[SupplierCancellationArgs]) error {
	a := job.Args
	return w.d.eachSupplierOfOrder(ctx, a.TenantID, a.OrderNumber, func(ev render.Event, s suppliers.Supplier, o *storefront.Order, items []storefront.Item) error {
		m, err := w.d.Renderer.SupplierCancellation(ev, s.Name, s.Emails, *o, items)
		if err != nil {
			return river.JobCancel(err)
		}
		_, err = w.d.send(ctx, a.TenantID, fmt.Sprintf("supplier:%s:cancelled:%s", s.ID, o.Number), notify.KindSupplierCancelled, &o.ID, m)
		return err
	})
}

type supplierBatchWorker struct {
	river.WorkerDefaults[SupplierBatchArgs]
	d *Deps
}

// batchTimeout gives a batch of a big event time to gather and attach.
const batchTimeout = 10 * time.Minute

// Timeout is batchTimeout; the rescuer, too, waits that long for a batch.
func (w *supplierBatchWorker) Timeout(*river.Job[SupplierBatchArgs]) time.Duration {
	return batchTimeout
}

func (w *supplierBatchWorker) Work(ctx context.Context, job *river.Job[SupplierBatchArgs]) error {
	a := job.Args
	list, err := w.d.Store.Suppliers(ctx, a.TenantID)
	if err != nil {
		return err
	}
	var s *suppliers.Supplier
	for i := range list {
		if list[i].ID == a.SupplierID {
			s = &list[i]
		}
	}
	if s == nil {
		return nil // deleted since
	}
	t, content, ev, err := w.d.Event(ctx, a.TenantID)
	if gone(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !a.Scheduled.IsZero() {
		// A scheduled list goes only if its time still holds: the
		// supplier's send time, or the event's closing time for a supplier
		// without one. Otherwise a newer job (or none) applies.
		at := s.SendAt
		if at == nil {
			at = content.Settings.ClosesAt
		}
		if s.Mode != suppliers.ModeBatch || at == nil || !at.Equal(a.Scheduled) {
			return nil
		}
	}
	reason := batchReason(t, content.Settings.ClosesAt, a.Scheduled, time.Now())
	link, err := w.d.dispatchLink(ctx, a.TenantID, ev, s.ID, "")
	if err != nil {
		return err
	}
	msg, lines, err := BatchMessage(ctx, w.d, ev, a.TenantID, *s, reason, link)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("batch:%s:%d", s.ID, job.ID)
	if !a.Scheduled.IsZero() {
		key = fmt.Sprintf("batch:%s:%d", s.ID, a.Scheduled.Unix())
	}
	id, err := w.d.send(ctx, a.TenantID, key, notify.KindSupplierBatch, nil, msg)
	if err != nil || id == "" {
		return err
	}
	return w.d.Store.RecordSupplierBatch(context.WithoutCancel(ctx), a.TenantID, s.ID, lines, id)
}

// BatchFiles are a supplier's lines as the CSV and XLSX attachments.
func BatchFiles(ctx context.Context, st Store, ev render.Event, tenantID uuid.UUID, s suppliers.Supplier) ([]suppliers.Line, []notify.Attachment, error) {
	numbers, err := st.OrderNumbersForBatch(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	var lines []suppliers.Line
	for _, n := range numbers {
		o, err := st.OrderByNumber(ctx, tenantID, n)
		if err != nil {
			return nil, nil, err
		}
		lines = append(lines, suppliers.LinesFor(s, *o, ev.DefaultLocale, ev.DefaultLocale)...)
	}
	var csv bytes.Buffer
	if err := suppliers.WriteCSV(&csv, lines, ev.Fields, ev.DefaultLocale, ev.DefaultLocale); err != nil {
		return nil, nil, err
	}
	xlsx, err := suppliers.XLSX(lines, ev.Fields, ev.DefaultLocale, ev.DefaultLocale)
	if err != nil {
		return nil, nil, err
	}
	base := ev.Slug + "-" + fileName(s.Name)
	return lines, []notify.Attachment{
		{Name: base + ".csv", ContentType: "text/csv; charset=utf-8", Data: csv.Bytes()},
		{Name: base + ".xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: xlsx},
	}, nil
}

// batchReason is why a list goes now: orders have closed (the event ended
// or its closing time passed), else the supplier's send time came, or
// staff pressed "send now" (a job without a scheduled time).
func batchReason(t *tenant.Tenant, closesAt *time.Time, scheduled, now time.Time) render.BatchReason {
	switch {
	case t.Status == tenant.StatusArchived || closesAt != nil && !now.Before(*closesAt):
		return render.BatchClosed
	case scheduled.IsZero():
		return render.BatchRequested
	}
	return render.BatchScheduled
}

// BatchMessage renders a supplier's batch email with its attachments,
// worded for reason, with link to mark the lines dispatched, and returns
// it with the number of lines.
func BatchMessage(ctx context.Context, d *Deps, ev render.Event, tenantID uuid.UUID, s suppliers.Supplier, reason render.BatchReason, link render.DispatchLink) (notify.Message, int, error) {
	lines, files, err := BatchFiles(ctx, d.Store, ev, tenantID, s)
	if err != nil {
		return notify.Message{}, 0, err
	}
	matrix := suppliers.SizeMatrix(lines)
	var rows []render.MatrixRow
	for _, p := range matrix.Products {
		row := render.MatrixRow{Product: p, Total: matrix.RowTotal[p]}
		for _, v := range matrix.Variants {
			if q := matrix.Qty[[2]string{p, v}]; q > 0 {
				row.Cells = append(row.Cells, render.MatrixCell{Variant: v, Qty: q})
			}
		}
		rows = append(rows, row)
	}
	m, err := d.Renderer.SupplierBatch(ev, s.Name, s.Emails, reason, rows, files, link)
	return m, len(lines), err
}

// fileName is s in lowercase letters, digits and hyphens.
func fileName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
