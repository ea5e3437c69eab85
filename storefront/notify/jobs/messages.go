package jobs

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
	"marquee/storefront"
	"marquee/tenant"
)

// Messages to attendees (issue 18): sending one queues its fan-out job,
// which writes the recipients and queues one job per recipient, paced at
// the event's rate (recipient i may run i/rate seconds after the fan-out).
// Each recipient's job claims its row before sending and records how it
// went after, so a job run again (a retry, or a killed worker's job
// rescued) never sends a recipient twice once it was recorded sent.

// MessageStore is what the message jobs read and record; db.DB
// implements it.
type MessageStore interface {
	Message(ctx context.Context, tenantID, id uuid.UUID) (*storefront.Message, error)
	FanOutMessage(ctx context.Context, tenantID, id uuid.UUID, queue func(ctx context.Context, tx pgx.Tx, recipients, rate int) error) error
	ClaimMessageRecipient(ctx context.Context, tenantID, messageID uuid.UUID, position int, stale time.Time) (db.MessageRecipient, bool, error)
	FinishMessageRecipient(ctx context.Context, tenantID, messageID uuid.UUID, position int, state, why string) error
}

// MessageFanOutArgs asks for a sent message's recipients and their jobs.
type MessageFanOutArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	MessageID uuid.UUID `json:"message_id"`
}

// Kind names the job for River.
func (MessageFanOutArgs) Kind() string { return "message_fan_out" }

// MessageRecipientArgs asks for a message's email to one recipient, named
// by their place in the send: the job holds no address.
type MessageRecipientArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	MessageID uuid.UUID `json:"message_id"`
	Position  int       `json:"position"`
}

// Kind names the job for River.
func (MessageRecipientArgs) Kind() string { return "message_recipient" }

// MessageSendRequested queues a sent message's fan-out in the transaction
// that sent it.
func (e *Enqueuer) MessageSendRequested(ctx context.Context, tx pgx.Tx, tenantID, messageID uuid.UUID) error {
	_, err := e.Client.InsertTx(ctx, tx, MessageFanOutArgs{TenantID: tenantID, MessageID: messageID}, nil)
	return err
}

// messageClaimStale is how old a recipient's claim must be before another
// job may take it over: a live attempt is cut off at its job timeout, so
// a claim older than that belongs to a worker that died mid-send.
const messageClaimStale = DefaultJobTimeout + 5*time.Second

// fanOutChunk is how many recipient jobs one insert carries.
const fanOutChunk = 1000

type messageFanOutWorker struct {
	river.WorkerDefaults[MessageFanOutArgs]
	d *Deps
}

// Work writes the recipients and queues their jobs in one transaction: a
// fan-out killed before it commits leaves neither, and one run again
// after it committed finds the recipients and queues nothing.
func (w *messageFanOutWorker) Work(ctx context.Context, job *river.Job[MessageFanOutArgs]) error {
	a := job.Args
	client := river.ClientFromContext[pgx.Tx](ctx)
	err := w.d.Store.FanOutMessage(ctx, a.TenantID, a.MessageID, func(ctx context.Context, tx pgx.Tx, n, rate int) error {
		start := time.Now()
		batch := make([]river.InsertManyParams, 0, min(n, fanOutChunk))
		for i := range n {
			at := start.Add(time.Duration(i) * time.Second / time.Duration(max(rate, 1)))
			batch = append(batch, river.InsertManyParams{Args: MessageRecipientArgs{TenantID: a.TenantID, MessageID: a.MessageID, Position: i},
				InsertOpts: &river.InsertOpts{ScheduledAt: at}})
			if len(batch) == fanOutChunk || i == n-1 {
				if _, err := client.InsertManyTx(ctx, tx, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return nil
	})
	return ignoreGone(err)
}

type messageRecipientWorker struct {
	river.WorkerDefaults[MessageRecipientArgs]
	d *Deps
}

// Work sends the message to its recipient in their language (the
// event's default when the message has none in theirs), once.
func (w *messageRecipientWorker) Work(ctx context.Context, job *river.Job[MessageRecipientArgs]) error {
	a := job.Args
	t, _, ev, err := w.d.recentEvent(ctx, a.TenantID)
	if err != nil {
		return ignoreGone(err)
	}
	m, err := w.d.Store.Message(ctx, a.TenantID, a.MessageID)
	if err != nil {
		return ignoreGone(err)
	}
	r, ok, err := w.d.Store.ClaimMessageRecipient(ctx, a.TenantID, a.MessageID, a.Position, time.Now().Add(-messageClaimStale))
	if err != nil || !ok {
		return err
	}
	finish := func(state, why string) error {
		return w.d.Store.FinishMessageRecipient(context.WithoutCancel(ctx), a.TenantID, a.MessageID, a.Position, state, why)
	}
	lang := messageLanguage(t, m, r.Locale)
	mail, err := w.d.Renderer.AttendeeMessage(ev, lang, m.Text(lang, t.DefaultLocale), r.Email)
	if err != nil {
		return cancelWith(river.JobCancel(err), finish(db.RecipientFailed, err.Error()))
	}
	if _, err := w.d.Sender.Send(ctx, mail); err != nil {
		if w.d.Permanent != nil && w.d.Permanent(err) || job.Attempt >= job.MaxAttempts {
			return cancelWith(river.JobCancel(err), finish(db.RecipientFailed, err.Error()))
		}
		return cancelWith(err, finish(db.RecipientPending, err.Error()))
	}
	// The server accepted it: from here on a retry must not send again,
	// so the record is written even if the job's context has ended.
	if err := finish(db.RecipientSent, ""); err != nil {
		w.d.Log.Error("a message was sent but not recorded; a rescued job would send it again",
			"message", a.MessageID, "position", a.Position, "err", err)
		return err
	}
	return nil
}

// messageLanguage is the language a recipient reads the message in:
// their order's, when the event still offers it and the message has it.
func messageLanguage(t *tenant.Tenant, m *storefront.Message, locale string) string {
	if slices.Contains(t.Locales, locale) && m.Texts[locale].Subject != "" {
		return locale
	}
	return t.DefaultLocale
}

// cancelWith is err, or the recording's error when that failed too (the
// job then retries and finds the claim to take over later).
func cancelWith(err, recorded error) error {
	if recorded != nil {
		return recorded
	}
	return err
}
