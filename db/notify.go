package db

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// TenantByID finds an event by its id.
func (db *DB) TenantByID(ctx context.Context, id uuid.UUID) (*tenant.Tenant, error) {
	var t *tenant.Tenant
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.TenantGetByID(ctx, id)
		t = tenantFromRow(row)
		return err
	})
	return t, notFound(err, msgNotFound)
}

// EmailSent reports whether the email named dedupKey was accepted by the
// mail server before: a retried job must not send it again.
func (db *DB) EmailSent(ctx context.Context, tenantID uuid.UUID, dedupKey string) (bool, error) {
	var sent bool
	err := db.inTenantTrip(ctx, tenantID, func(q *dbq.Queries) (err error) {
		sent, err = q.EmailLogged(ctx, dbq.EmailLoggedParams{TenantID: tenantID, DedupKey: dedupKey})
		return err
	})
	return sent, err
}

// RecordEmail records an accepted email (once per dedup key).
func (db *DB) RecordEmail(ctx context.Context, tenantID uuid.UUID, e notify.SentEmail) error {
	return db.inTenantTrip(ctx, tenantID, func(q *dbq.Queries) error {
		return q.EmailLogInsert(ctx, dbq.EmailLogInsertParams{TenantID: tenantID, DedupKey: e.DedupKey, Kind: string(e.Kind),
			Recipients: e.Recipients, Subject: e.Subject, MessageID: e.MessageID, OrderID: nullUUID(e.OrderID)})
	})
}

// EmailsOfOrder lists the emails sent about one order.
func (db *DB) EmailsOfOrder(ctx context.Context, tenantID, orderID uuid.UUID) ([]notify.SentEmail, error) {
	var out []notify.SentEmail
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.EmailLogForOrder(ctx, dbq.EmailLogForOrderParams{TenantID: tenantID, OrderID: orderID})
		for _, r := range rows {
			out = append(out, notify.SentEmail{DedupKey: r.DedupKey, Kind: notify.Kind(r.Kind), Subject: r.Subject, MessageID: r.MessageID,
				Recipients: r.Recipients, OrderID: uuidPtr(r.OrderID), SentAt: r.SentAt})
		}
		return err
	})
	return out, err
}

// Suppliers lists an event's suppliers with what they fulfil.
func (db *DB) Suppliers(ctx context.Context, tenantID uuid.UUID) ([]suppliers.Supplier, error) {
	var out []suppliers.Supplier
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		out, err = suppliersOf(ctx, q, tenantID)
		return err
	})
	return out, err
}

// suppliersOf lists an event's suppliers with q (in a transaction).
func suppliersOf(ctx context.Context, q *dbq.Queries, tenantID uuid.UUID) ([]suppliers.Supplier, error) {
	var out []suppliers.Supplier
	rows, err := q.SupplierList(ctx, tenantID)
	for _, r := range rows {
		out = append(out, suppliers.Supplier{ID: r.ID, Name: r.Name, Emails: r.Emails, Mode: suppliers.Mode(r.Mode),
			SendAt: r.SendAt, ProductIDs: r.ProductIds, VariantIDs: r.VariantIds})
	}
	return out, err
}

// HasPerOrderSuppliers reports, inside tx (an order's transaction), whether
// the event has a supplier that gets each order as it is placed and
// fulfils one of o's lines (suppliers.Supplier.Fulfils): an order or a
// cancellation queues the supplier job only then.
func HasPerOrderSuppliers(ctx context.Context, tx pgx.Tx, o *storefront.Order) (bool, error) {
	products, variants := make([]uuid.UUID, 0, len(o.Items)), make([]uuid.UUID, 0, len(o.Items))
	for _, it := range o.Items {
		products, variants = append(products, it.ProductID), append(variants, it.VariantID)
	}
	return dbq.New(tx).SupplierPerOrderExists(ctx, dbq.SupplierPerOrderExistsParams{TenantID: o.TenantID, ProductIds: products, VariantIds: variants})
}

// SaveSupplier creates (s.ID nil) or updates a supplier and what it
// fulfils, in one transaction with the Events hook (where its batch is
// scheduled); it returns the supplier's id.
func (db *DB) SaveSupplier(ctx context.Context, tenantID uuid.UUID, s suppliers.Supplier) (uuid.UUID, error) {
	if err := s.Validate(); err != nil {
		return uuid.Nil, err
	}
	id := s.ID
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		q := dbq.New(tx)
		if id == uuid.Nil {
			var err error
			if id, err = q.SupplierInsert(ctx, dbq.SupplierInsertParams{TenantID: tenantID, Name: s.Name, Emails: s.Emails, Mode: string(s.Mode), SendAt: s.SendAt}); err != nil {
				return err
			}
		} else {
			n, err := q.SupplierUpdate(ctx, dbq.SupplierUpdateParams{TenantID: tenantID, ID: id, Name: s.Name, Emails: s.Emails, Mode: string(s.Mode), SendAt: s.SendAt})
			if err != nil {
				return err
			}
			if n == 0 {
				return errNotFound()
			}
		}
		if err := q.SupplierItemsClear(ctx, dbq.SupplierItemsClearParams{TenantID: tenantID, SupplierID: id}); err != nil {
			return err
		}
		for _, p := range s.ProductIDs {
			if err := q.SupplierItemAdd(ctx, dbq.SupplierItemAddParams{TenantID: tenantID, SupplierID: id, ProductID: uuid.NullUUID{UUID: p, Valid: true}}); err != nil {
				return refusedItem(err)
			}
		}
		for _, v := range s.VariantIDs {
			if err := q.SupplierItemAdd(ctx, dbq.SupplierItemAddParams{TenantID: tenantID, SupplierID: id, VariantID: uuid.NullUUID{UUID: v, Valid: true}}); err != nil {
				return refusedItem(err)
			}
		}
		s.ID = id
		return db.supplierSaved(ctx, tx, tenantID, s)
	})
	return id, err
}

// refusedItem turns a product or option of another event (a foreign key
// that finds nothing under row-level security) into a form error.
func refusedItem(err error) error {
	return storeError(err, violationIs(pgerrcode.ForeignKeyViolation, "", marquee.Invalid("items", "supplier.items_required")))
}

// DeleteSupplier removes a supplier (its batches' records go with it).
func (db *DB) DeleteSupplier(ctx context.Context, tenantID, id uuid.UUID) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.SupplierDelete(ctx, dbq.SupplierDeleteParams{TenantID: tenantID, ID: id}))
	})
}

// SendBatchNow asks for a supplier's list at once, whatever its mode and
// send time: the Events hook queues it, in a transaction of its own.
func (db *DB) SendBatchNow(ctx context.Context, tenantID, supplierID uuid.UUID) error {
	if db.Events == nil {
		return nil
	}
	return db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		return db.Events.SupplierBatchRequested(ctx, tx, tenantID, supplierID)
	})
}

// RecordSupplierBatch records a batch the mail server accepted.
func (db *DB) RecordSupplierBatch(ctx context.Context, tenantID, supplierID uuid.UUID, lines int, messageID string) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return q.SupplierBatchInsert(ctx, dbq.SupplierBatchInsertParams{TenantID: tenantID, SupplierID: supplierID, Lines: int32(lines), MessageID: messageID})
	})
}

// SupplierBatches lists the latest batches of an event's suppliers.
func (db *DB) SupplierBatches(ctx context.Context, tenantID uuid.UUID) ([]suppliers.Batch, error) {
	var out []suppliers.Batch
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.SupplierBatchList(ctx, tenantID)
		for _, r := range rows {
			out = append(out, suppliers.Batch{SupplierID: r.SupplierID, Lines: int(r.Lines), MessageID: r.MessageID, SentAt: r.SentAt})
		}
		return err
	})
	return out, err
}

// OrderNumbersForBatch lists the event's orders that are not cancelled,
// oldest first.
func (db *DB) OrderNumbersForBatch(ctx context.Context, tenantID uuid.UUID) ([]string, error) {
	var out []string
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		var err error
		out, err = q.OrdersForSupplierBatch(ctx, tenantID)
		return err
	})
	return out, err
}

type inboxAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        string `json:"data"`
}

// DeliverToInbox keeps a message in dev's inbox instead of sending it.
func (db *DB) DeliverToInbox(ctx context.Context, messageID string, m notify.Message) (int64, error) {
	headers, _ := json.Marshal(orEmptyHeaders(m.Headers))
	atts := make([]inboxAttachment, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		atts = append(atts, inboxAttachment{a.Name, a.ContentType, base64.StdEncoding.EncodeToString(a.Data)})
	}
	attJSON, _ := json.Marshal(atts)
	var id int64
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		var err error
		id, err = q.DevInboxInsert(ctx, dbq.DevInboxInsertParams{MessageID: messageID, FromName: m.FromName, FromAddr: m.FromAddress,
			ReplyTo: m.ReplyTo, Recipients: m.To, Subject: m.Subject, Html: m.HTML, BodyText: m.Text, Headers: headers, Attachments: attJSON})
		return err
	})
	return id, err
}

// Inbox lists dev's inbox, newest first, before the message beforeID
// (0: from the newest).
func (db *DB) Inbox(ctx context.Context, beforeID int64, limit int) ([]notify.InboxMessage, error) {
	if beforeID <= 0 {
		beforeID = 1 << 62
	}
	var out []notify.InboxMessage
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.DevInboxList(ctx, dbq.DevInboxListParams{BeforeID: beforeID, MaxRows: int32(limit)})
		for _, r := range rows {
			out = append(out, notify.InboxMessage{ID: r.ID, MessageID: r.MessageID, ReceivedAt: r.ReceivedAt,
				Message: notify.Message{FromName: r.FromName, To: r.Recipients, Subject: r.Subject}})
		}
		return err
	})
	return out, err
}

// InboxMessageByID returns one message of dev's inbox, whole.
func (db *DB) InboxMessageByID(ctx context.Context, id int64) (notify.InboxMessage, error) {
	var m notify.InboxMessage
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		r, err := q.DevInboxGet(ctx, id)
		if err != nil {
			return err
		}
		var headers map[string]string
		_ = json.Unmarshal(r.Headers, &headers)
		var atts []inboxAttachment
		_ = json.Unmarshal(r.Attachments, &atts)
		m = notify.InboxMessage{ID: r.ID, MessageID: r.MessageID, ReceivedAt: r.ReceivedAt, Message: notify.Message{FromName: r.FromName,
			FromAddress: r.FromAddr, ReplyTo: r.ReplyTo, To: r.Recipients, Subject: r.Subject, HTML: r.Html, Text: r.BodyText, Headers: headers}}
		for _, a := range atts {
			data, _ := base64.StdEncoding.DecodeString(a.Data)
			m.Message.Attachments = append(m.Message.Attachments, notify.Attachment{Name: a.Name, ContentType: a.ContentType, Data: data})
		}
		return nil
	})
	return m, notFound(err, msgNotFound)
}

func orEmptyHeaders(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nullUUID(id *uuid.UUID) uuid.NullUUID {
	if id == nil {
		return uuid.NullUUID{}
	}
	return uuid.NullUUID{UUID: *id, Valid: true}
}

func uuidPtr(id uuid.NullUUID) *uuid.UUID {
	if !id.Valid {
		return nil
	}
	return &id.UUID
}
