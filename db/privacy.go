package db

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/tenant/staff"
)

// Erasure removes attendees' personal data and keeps what the statistics
// and the suppliers need (issue 16, docs/privacy.md). One erasure is one
// platform transaction, because dev's inbox and River's jobs are platform
// tables; every statement still names the event. Erasing is idempotent:
// an order already erased is not touched again, so a retried job or a
// second request does nothing more.

// RetentionDue lists the events whose retention period has ended at now
// and that still hold an order with personal data.
func (db *DB) RetentionDue(ctx context.Context, now time.Time) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		var err error
		ids, err = q.RetentionDue(ctx, now)
		return err
	})
	return ids, err
}

// EraseDueEvent erases the personal data of every order of the event when
// its retention period has ended at now (checked again here: the
// organisers may have lengthened it since the event was found due), and
// writes an audit entry naming the system as the actor.
func (db *DB) EraseDueEvent(ctx context.Context, tenantID uuid.UUID, now time.Time) (storefront.Erasure, error) {
	var out storefront.Erasure
	err := db.InPlatform(ctx, func(tx pgx.Tx) error {
		due, err := dbq.New(tx).RetentionDue(ctx, now)
		if err != nil {
			return err
		}
		for _, id := range due {
			if id == tenantID {
				out, err = db.erase(ctx, tx, tenantID, nil, uuid.NullUUID{}, staff.ActionRetentionErased, now)
				return err
			}
		}
		return nil
	})
	return out, err
}

// PersonData is what an erasure of the person with email would empty in
// the event: the numbers of their orders whose personal data is still
// kept, and their entries on the waiting lists.
func (db *DB) PersonData(ctx context.Context, tenantID uuid.UUID, email string) (storefront.Erasure, error) {
	email, err := attendeeEmail(email)
	if err != nil {
		return storefront.Erasure{}, err
	}
	var out storefront.Erasure
	err = db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.ErasableOrders(ctx, dbq.ErasableOrdersParams{TenantID: tenantID, Email: &email})
		if err != nil {
			return err
		}
		for _, r := range rows {
			out.Orders = append(out.Orders, r.Number)
		}
		n, err := q.WaitlistPersonEntries(ctx, dbq.WaitlistPersonEntriesParams{TenantID: tenantID, Email: email})
		if err != nil {
			return err
		}
		out.WaitlistEntries = int(n)
		n, err = q.SignupPersonCount(ctx, dbq.SignupPersonCountParams{TenantID: tenantID, Email: email})
		out.Signups = int(n)
		return err
	})
	return out, err
}

// ErasePerson erases the personal data of every order of the event placed
// with email, their waiting-list entries and their sign-ups, on that person's request, and
// writes an audit entry naming actor, the staff member who did it (the
// entry holds the orders' numbers, never the email). Neither an order nor
// an entry is EINVALID on the field "email".
func (db *DB) ErasePerson(ctx context.Context, tenantID uuid.UUID, email string, actor uuid.UUID) (storefront.Erasure, error) {
	email, err := attendeeEmail(email)
	if err != nil {
		return storefront.Erasure{}, err
	}
	var out storefront.Erasure
	err = db.InPlatform(ctx, func(tx pgx.Tx) error {
		out, err = db.erase(ctx, tx, tenantID, &email, known(actor), staff.ActionPersonErased, db.now())
		if err == nil && out.Empty() {
			return marquee.Invalid("email", "privacy.no_orders")
		}
		return err
	})
	return out, err
}

// attendeeEmail normalises an email as orders store it (lowercase), or
// refuses what cannot be one.
func attendeeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !utf8.ValidString(email) || strings.ContainsRune(email, 0) || len(email) > 254 || !strings.Contains(email, "@") {
		return "", marquee.Invalid("email", "privacy.email_invalid")
	}
	return email, nil
}

// erase empties the personal data of the event's orders that still hold
// it and deletes its waiting lists' entries, all of them or those of
// email, in tx's transaction.
func (db *DB) erase(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, email *string, actor uuid.NullUUID, action string, now time.Time) (storefront.Erasure, error) {
	q := dbq.New(tx)
	out, err := eraseOrders(ctx, q, tenantID, email, now)
	if err != nil {
		return out, err
	}
	// What webhooks sent about their orders is emptied too (a receiver
	// keeps its own copy).
	if err := q.WebhookOrderMessagesErase(ctx, dbq.WebhookOrderMessagesEraseParams{TenantID: tenantID, Email: email}); err != nil {
		return out, err
	}
	if out.WaitlistEntries, err = db.eraseWaitlist(ctx, tx, tenantID, email); err != nil {
		return out, err
	}
	if out.Signups, err = eraseSignups(ctx, q, tenantID, email); err != nil || out.Empty() {
		return out, err
	}
	return out, auditErasure(ctx, q, tenantID, actor, action, out, now)
}

// eraseOrders empties the personal data of the event's orders that still
// hold it, all of them or those of email.
func eraseOrders(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, email *string, now time.Time) (storefront.Erasure, error) {
	rows, err := q.ErasableOrders(ctx, dbq.ErasableOrdersParams{TenantID: tenantID, Email: email})
	if err != nil || len(rows) == 0 {
		return storefront.Erasure{}, err
	}
	ids := make([]uuid.UUID, 0, len(rows))
	out := storefront.Erasure{Orders: make([]string, 0, len(rows))}
	emails := []string{}
	for _, r := range rows {
		ids = append(ids, r.ID)
		out.Orders = append(out.Orders, r.Number)
		emails = append(emails, r.Email)
	}
	fields, err := formFieldsIn(ctx, q, tenantID)
	if err != nil {
		return out, err
	}
	keep := storefront.KeptAnswerKeys(fields)
	steps := []func() error{
		func() error {
			return q.OrdersErase(ctx, dbq.OrdersEraseParams{TenantID: tenantID, Ids: ids, Keep: keep, Now: now})
		},
		func() error {
			return q.OrderItemsErase(ctx, dbq.OrderItemsEraseParams{TenantID: tenantID, Ids: ids, Keep: keep})
		},
		func() error { return q.OrderNotesErase(ctx, dbq.OrderNotesEraseParams{TenantID: tenantID, Ids: ids}) },
		func() error {
			return q.AttendeePurchasesErase(ctx, dbq.AttendeePurchasesEraseParams{TenantID: tenantID, Emails: emails})
		},
		func() error { return eraseEmails(ctx, q, tenantID, ids) },
		func() error {
			return q.MessageRecipientsErase(ctx, dbq.MessageRecipientsEraseParams{TenantID: tenantID, Emails: emails})
		},
		func() error {
			_, err := q.RiverJobsErase(ctx, dbq.RiverJobsEraseParams{TenantID: tenantID, Numbers: out.Orders})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// eraseWaitlist deletes the event's waiting-list entries, all of them or
// those of email, with their offers, the offers' jobs and the record and
// dev's inbox copies of the offers' emails. The waiting list holds nothing
// worth keeping once its people are gone (its demand counts those still
// waiting), so entries are deleted rather than emptied. Units an offer
// still held go back on sale, and the next people waiting for them hear of
// it (db.Events.StockReturned), as when an offer expires.
func (db *DB) eraseWaitlist(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, email *string) (int, error) {
	q := dbq.New(tx)
	offers, err := q.WaitlistErasableOffers(ctx, dbq.WaitlistErasableOffersParams{TenantID: tenantID, Email: email})
	if err != nil {
		return 0, err
	}
	keys, ids := make([]string, len(offers)), make([]string, len(offers))
	for i, id := range offers {
		keys[i], ids[i] = storefront.WaitlistOfferDedupKey(id), id.String()
	}
	gone, err := q.WaitlistErase(ctx, dbq.WaitlistEraseParams{TenantID: tenantID, Email: email})
	if err != nil || gone.Entries == 0 {
		return 0, err
	}
	if len(offers) > 0 {
		sent, err := q.EmailLogEraseKeys(ctx, dbq.EmailLogEraseKeysParams{TenantID: tenantID, Keys: keys})
		if err != nil {
			return 0, err
		}
		if _, err := q.DevInboxErase(ctx, sent); err != nil {
			return 0, err
		}
		if _, err := q.RiverJobsEraseOffers(ctx, dbq.RiverJobsEraseOffersParams{TenantID: tenantID, OfferIds: ids}); err != nil {
			return 0, err
		}
	}
	if len(gone.Returned) > 0 && db.Events != nil {
		if err := tellStockReturned(ctx, db.Events, tx, tenantID, gone.Returned); err != nil {
			return 0, err
		}
	}
	return int(gone.Entries), nil
}

// auditedNumbers is how many order numbers an erasure's audit entry
// lists; an event's erasure may empty thousands, counted in full.
const auditedNumbers = 100

// auditErasure writes the erasure's audit entry: who (no actor: the
// retention job), how many orders and their numbers. The audit log is
// append-only, so it never holds the person's name or email: an order's
// number names nobody once the order is erased.
func auditErasure(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, actor uuid.NullUUID, action string, e storefront.Erasure, now time.Time) error {
	numbers := append([]string{}, e.Orders[:min(len(e.Orders), auditedNumbers)]...)
	detail, err := json.Marshal(map[string]any{"orders": numbers, "count": len(e.Orders), "waitlist_entries": e.WaitlistEntries,
		"signups": e.Signups})
	if err != nil {
		return err
	}
	return q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: actor, Action: action,
		Subject: "orders", Detail: detail, Now: now})
}

// eraseEmails forgets the recipients and subjects of the orders' emails
// and deletes dev's inbox copies of them and of the event's supplier
// lists (a list names every attendee in its batch).
func eraseEmails(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID, ids []uuid.UUID) error {
	sent, err := q.EmailLogErase(ctx, dbq.EmailLogEraseParams{TenantID: tenantID, Ids: ids})
	if err != nil {
		return err
	}
	lists, err := q.SupplierBatchMessages(ctx, tenantID)
	if err != nil {
		return err
	}
	_, err = q.DevInboxErase(ctx, append(sent, lists...))
	return err
}
