package db

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
)

// Messages from staff to an event's attendees (issue 18). A message is a
// draft until staff send it: then, in one transaction, it becomes
// "sending", the audit log says who sent it to how many, and Events queues
// its fan-out job, which writes one recipient row per address and one job
// per recipient, paced at the event's rate. Each recipient's job claims its
// row by a conditional update, so a job run twice (a killed worker's,
// rescued) sends once.

// ActionMessageSent is the audit log's action of a message sent.
const ActionMessageSent = "message_sent"

// MessageRecipient is one person a message goes to, as its job sends it.
type MessageRecipient struct {
	Email, Locale string
	Attempts      int
}

// audienceParams are a message's audience as the queries take it.
func audienceColumns(a storefront.Audience) (kind string, product, variant uuid.NullUUID, status string) {
	kind = string(a.Kind)
	switch a.Kind {
	case storefront.AudienceProduct:
		product = known(a.ProductID)
	case storefront.AudienceVariant:
		variant = known(a.VariantID)
	case storefront.AudienceStatus:
		status = string(a.Status)
	}
	return kind, product, variant, status
}

// CreateMessage saves a new draft and returns its id.
func (db *DB) CreateMessage(ctx context.Context, tenantID uuid.UUID, m storefront.Message) (uuid.UUID, error) {
	texts, err := json.Marshal(m.Texts)
	if err != nil {
		return uuid.Nil, err
	}
	kind, product, variant, status := audienceColumns(m.Audience)
	var id uuid.UUID
	err = db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		id, err = q.MessageInsert(ctx, dbq.MessageInsertParams{TenantID: tenantID, Texts: texts, Audience: kind,
			ProductID: product, VariantID: variant, Status: status, CreatedBy: m.CreatedBy, Now: db.now()})
		return err
	})
	return id, err
}

// UpdateMessage changes a draft; a message sent already is a conflict.
func (db *DB) UpdateMessage(ctx context.Context, tenantID uuid.UUID, m storefront.Message) error {
	texts, err := json.Marshal(m.Texts)
	if err != nil {
		return err
	}
	kind, product, variant, status := audienceColumns(m.Audience)
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		n, err := q.MessageUpdate(ctx, dbq.MessageUpdateParams{TenantID: tenantID, ID: m.ID, Texts: texts, Audience: kind,
			ProductID: product, VariantID: variant, Status: status, Now: db.now()})
		if err != nil || n > 0 {
			return err
		}
		if _, err := q.MessageGet(ctx, dbq.MessageGetParams{TenantID: tenantID, ID: m.ID}); err != nil {
			return notFound(err, msgNotFound)
		}
		return marquee.New(marquee.ECONFLICT, "message.not_draft")
	})
}

// Message is one of the event's messages with its progress.
func (db *DB) Message(ctx context.Context, tenantID, id uuid.UUID) (*storefront.Message, error) {
	var m *storefront.Message
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		r, err := q.MessageGet(ctx, dbq.MessageGetParams{TenantID: tenantID, ID: id})
		if err != nil {
			return notFound(err, msgNotFound)
		}
		m = messageFromRow(dbq.MessageListRow(r))
		return nil
	})
	return m, err
}

// Messages is a page of the event's messages, newest first, and how many
// it has.
func (db *DB) Messages(ctx context.Context, tenantID uuid.UUID, limit, offset int) ([]storefront.Message, int, error) {
	var out []storefront.Message
	var total int32
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.MessageList(ctx, dbq.MessageListParams{TenantID: tenantID, MaxRows: int32(limit), Skip: int32(offset)})
		if err != nil {
			return err
		}
		for _, r := range rows {
			out = append(out, *messageFromRow(r))
		}
		total, err = q.MessageCount(ctx, tenantID)
		return err
	})
	return out, int(total), err
}

func messageFromRow(r dbq.MessageListRow) *storefront.Message {
	m := &storefront.Message{ID: r.ID, State: storefront.MessageState(r.State), CreatedBy: r.CreatedBy, SentBy: r.SentBy,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SentAt: r.SentAt, Finished: r.FinishedAt,
		Audience: storefront.Audience{Kind: storefront.AudienceKind(r.Audience), ProductID: r.ProductID.UUID,
			VariantID: r.VariantID.UUID, Status: storefront.Status(r.Status)},
		Progress: storefront.MessageProgress{Total: int(r.Total), Sent: int(r.Sent), Failed: int(r.Failed)}}
	_ = json.Unmarshal(r.Texts, &m.Texts)
	return m
}

// AudienceCount is how many people (addresses) a message to a would
// reach now.
func (db *DB) AudienceCount(ctx context.Context, tenantID uuid.UUID, a storefront.Audience) (int, error) {
	kind, product, variant, status := audienceColumns(a)
	var n int32
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) (err error) {
		n, err = q.MessageAudienceCount(ctx, dbq.MessageAudienceCountParams{TenantID: tenantID, Kind: kind,
			Status: status, ProductID: product.UUID, VariantID: variant.UUID})
		return err
	})
	return int(n), err
}

// SendMessage sends a draft: it becomes "sending", the audit log records
// who sent it and to how many, and Events queues its fan-out, all in one
// transaction. A message sent already is a conflict; one whose audience
// reaches nobody is refused on the field "audience". It returns how many
// it goes to.
func (db *DB) SendMessage(ctx context.Context, tenantID, id, staffID uuid.UUID, staffEmail string) (int, error) {
	var n int32
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		q := dbq.New(tx)
		m, err := q.MessageLockForSend(ctx, dbq.MessageLockForSendParams{TenantID: tenantID, ID: id})
		if err != nil {
			return notFound(err, msgNotFound)
		}
		if m.State != string(storefront.MessageDraft) {
			return marquee.New(marquee.ECONFLICT, "message.not_draft")
		}
		n, err = q.MessageAudienceCount(ctx, dbq.MessageAudienceCountParams{TenantID: tenantID, Kind: m.Audience,
			Status: m.Status, ProductID: m.ProductID.UUID, VariantID: m.VariantID.UUID})
		if err != nil {
			return err
		}
		if n == 0 {
			return marquee.Invalid("audience", "message.audience_empty")
		}
		if err := q.MessageSetSending(ctx, dbq.MessageSetSendingParams{TenantID: tenantID, ID: id, SentBy: staffEmail, Now: db.now()}); err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]any{"recipients": n})
		if err != nil {
			return err
		}
		if err := q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: known(staffID),
			Action: ActionMessageSent, Subject: id.String(), Detail: detail, Now: db.now()}); err != nil {
			return err
		}
		if db.Events == nil {
			return nil
		}
		return db.Events.MessageSendRequested(ctx, tx, tenantID, id)
	})
	return int(n), err
}

// FanOutMessage writes a message's recipients (once: a second run finds
// them written and does nothing) and calls queue, in the same
// transaction, with how many there are and the event's rate per second,
// to queue one job per recipient. A message with nobody to send to is
// marked sent.
func (db *DB) FanOutMessage(ctx context.Context, tenantID, id uuid.UUID,
	queue func(ctx context.Context, tx pgx.Tx, recipients, rate int) error) error {
	return db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		q := dbq.New(tx)
		m, err := q.MessageLockForSend(ctx, dbq.MessageLockForSendParams{TenantID: tenantID, ID: id})
		if err != nil {
			return notFound(err, msgNotFound)
		}
		if m.State != string(storefront.MessageSending) {
			return nil
		}
		if n, err := q.MessageRecipientCount(ctx, dbq.MessageRecipientCountParams{TenantID: tenantID, MessageID: id}); err != nil || n > 0 {
			return err
		}
		n, err := q.MessageRecipientsFill(ctx, dbq.MessageRecipientsFillParams{TenantID: tenantID, MessageID: id, Kind: m.Audience,
			Status: m.Status, ProductID: m.ProductID.UUID, VariantID: m.VariantID.UUID})
		if err != nil {
			return err
		}
		if n == 0 {
			_, err = q.MessageFinishIfDone(ctx, dbq.MessageFinishIfDoneParams{TenantID: tenantID, ID: id, Now: db.now()})
			return err
		}
		rate, err := q.MessageRate(ctx, tenantID)
		if err != nil {
			return err
		}
		return queue(ctx, tx, int(n), int(rate))
	})
}

// ClaimMessageRecipient claims the recipient at position for one send:
// ok is false when it is sent, failed, or being sent by a worker that
// claimed it after stale.
func (db *DB) ClaimMessageRecipient(ctx context.Context, tenantID, messageID uuid.UUID, position int, stale time.Time) (MessageRecipient, bool, error) {
	var r MessageRecipient
	ok := false
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.MessageRecipientClaim(ctx, dbq.MessageRecipientClaimParams{TenantID: tenantID, MessageID: messageID,
			Position: int32(position), Now: db.now(), Stale: stale})
		if isNoRow(err) {
			return nil
		}
		r, ok = MessageRecipient{Email: row.Email, Locale: row.Locale, Attempts: int(row.Attempts)}, err == nil
		return err
	})
	return r, ok, err
}

// The states a claimed recipient ends in.
const (
	RecipientSent    = "sent"
	RecipientFailed  = "failed"
	RecipientPending = "pending" // to be tried again
)

// FinishMessageRecipient records how the send of a claimed recipient went
// (RecipientSent, RecipientFailed with why, or RecipientPending to try
// again) and marks the message sent when it was the last one.
func (db *DB) FinishMessageRecipient(ctx context.Context, tenantID, messageID uuid.UUID, position int, state, why string) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		// The message's lock first: two last recipients finishing at once
		// would each see the other still sending, and neither would mark
		// the message sent; serialised, the second sees the first's row.
		if _, err := q.MessageLockForSend(ctx, dbq.MessageLockForSendParams{TenantID: tenantID, ID: messageID}); err != nil {
			return notFound(err, msgNotFound)
		}
		if _, err := q.MessageRecipientFinish(ctx, dbq.MessageRecipientFinishParams{TenantID: tenantID, MessageID: messageID,
			Position: int32(position), State: state, Error: why, Now: db.now()}); err != nil {
			return err
		}
		if state == RecipientPending {
			return nil
		}
		_, err := q.MessageFinishIfDone(ctx, dbq.MessageFinishIfDoneParams{TenantID: tenantID, ID: messageID, Now: db.now()})
		return err
	})
}
