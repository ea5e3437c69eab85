package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/address"
)

// likePattern makes a search term a LIKE pattern that matches it literally.
func likePattern(q string) *string {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	p := "%" + q + "%"
	return &p
}

// ListOrders returns one page of an event's orders, newest first.
func (db *DB) ListOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter) ([]storefront.OrderSummary, error) {
	p := dbq.OrderListParams{TenantID: tenantID, Q: likePattern(f.Query), MaxRows: int32(max(1, min(f.Limit, 500))),
		From: timeOrNil(f.From), Until: timeOrNil(f.Until), ProductID: known(f.Product), VariantID: known(f.Variant)}
	if f.Status != "" {
		s := string(f.Status)
		p.Status = &s
	}
	p.PaymentState = paymentOrNil(f.Payment)
	if f.BeforeID != uuid.Nil {
		p.BeforeAt, p.BeforeID = &f.BeforeAt, uuid.NullUUID{UUID: f.BeforeID, Valid: true}
	}
	var out []storefront.OrderSummary
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.OrderList(ctx, p)
		for _, r := range rows {
			out = append(out, storefront.OrderSummary{ID: r.ID, Number: r.Number, Email: r.Email, Name: r.Name,
				Status: storefront.Status(r.Status), Payment: storefront.PaymentState(r.PaymentState), TotalMinor: r.TotalMinor, Currency: r.Currency, CreatedAt: r.CreatedAt})
		}
		return err
	})
	return out, err
}

// ChangeOrderStatus moves an order to a new status for a staff member, with
// an optional note, in one transaction with its history row and the
// Events hook (where the attendee's email will be enqueued).
func (db *DB) ChangeOrderStatus(ctx context.Context, tenantID uuid.UUID, number string, to storefront.Status, note string, staffID uuid.UUID) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := db.orderTxIn(tx, tenantID)
		row, err := ot.q.OrderGetByNumberForUpdate(ctx, dbq.OrderGetByNumberForUpdateParams{TenantID: tenantID, Number: number})
		if err != nil {
			return err
		}
		if err := storefront.CheckMove(storefront.Status(row.Status), to); err != nil {
			return err
		}
		if to == storefront.StatusCancelled {
			o, err := ot.load(ctx, row)
			if err != nil {
				return err
			}
			if err := ot.release(ctx, o); err != nil {
				return err
			}
		}
		if err := ot.q.OrderSetStatus(ctx, dbq.OrderSetStatusParams{TenantID: tenantID, ID: row.ID, Status: string(to)}); err != nil {
			return err
		}
		change := storefront.StatusChange{Status: to, Note: strings.TrimSpace(note), Actor: "staff:" + staffID.String(), At: ot.now}
		if err := ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{TenantID: tenantID, OrderID: row.ID,
			Status: string(to), Note: change.Note, Actor: change.Actor, Now: &ot.now}); err != nil {
			return err
		}
		row.Status = string(to)
		if order, err = ot.load(ctx, row); err != nil {
			return err
		}
		if err := orderWebhook(ctx, tx, order, statusWebhook(to)); err != nil {
			return err
		}
		if db.Events == nil {
			return nil
		}
		if to == storefront.StatusCancelled {
			if err := db.Events.PaymentRefundDue(ctx, tx, order, order.TotalMinor, "cancelled by staff"); err != nil {
				return err
			}
		}
		return db.Events.OrderStatusChanged(ctx, tx, order, change)
	})
	return order, notFound(err, "order.not_found")
}

// exportSQL streams the lines of an event's orders. It is not in queries/
// because sqlc's :many reads a whole result into memory, and an export of
// 100,000 orders must not.
const exportSQL = `
SELECT o.number, o.status, o.email, o.name, o.currency, o.created_at, o.answers,
       i.product_name, i.variant_label, i.quantity, i.unit_price_minor, i.answers, o.shipping_address, o.payment_state
FROM orders o JOIN order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id
WHERE o.tenant_id = $1
  AND ($2::text IS NULL OR o.status = $2::text)
  AND ($3::text IS NULL OR o.number ILIKE $3::text OR o.email ILIKE $3::text OR o.name ILIKE $3::text)
  AND ($4::timestamptz IS NULL OR o.created_at >= $4::timestamptz)
  AND ($5::timestamptz IS NULL OR o.created_at < $5::timestamptz)
  AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM order_items f WHERE f.tenant_id = o.tenant_id AND f.order_id = o.id AND f.product_id = $6::uuid))
  AND ($7::uuid IS NULL OR EXISTS (SELECT 1 FROM order_items f WHERE f.tenant_id = o.tenant_id AND f.order_id = o.id AND f.variant_id = $7::uuid))
  AND ($8::text IS NULL OR o.payment_state = $8::text)
ORDER BY o.created_at, o.id, i.position`

// ExportOrders calls fn for every line of the filtered orders, oldest first,
// reading them as they come (bounded memory).
func (db *DB) ExportOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter, fn func(storefront.ExportLine) error) error {
	var status *string
	if f.Status != "" {
		s := string(f.Status)
		status = &s
	}
	return db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, exportSQL, tenantID, status, likePattern(f.Query), timeOrNil(f.From), timeOrNil(f.Until), known(f.Product), known(f.Variant),
			paymentOrNil(f.Payment))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l storefront.ExportLine
			var answers, product, variant, itemAnswers, shipTo []byte
			if err := rows.Scan(&l.Number, &l.Status, &l.Email, &l.Name, &l.Currency, &l.CreatedAt, &answers,
				&product, &variant, &l.Quantity, &l.UnitPriceMinor, &itemAnswers, &shipTo, &l.Payment); err != nil {
				return err
			}
			if shipTo != nil {
				l.Address = &address.Address{}
				if err := json.Unmarshal(shipTo, l.Address); err != nil {
					return fmt.Errorf("order %s address: %w", l.Number, err)
				}
			}
			_ = json.Unmarshal(answers, &l.Answers)
			_ = json.Unmarshal(product, &l.Product)
			_ = json.Unmarshal(variant, &l.Variant)
			_ = json.Unmarshal(itemAnswers, &l.ItemAnswers)
			if err := fn(l); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// AuditOrderAccess records that a staff member looked at personal data:
// an order's details ("order_viewed") or an export ("orders_exported").
func (db *DB) AuditOrderAccess(ctx context.Context, tenantID, staffID uuid.UUID, action, subject string) error {
	return db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		return q.AuditInsert(ctx, dbq.AuditInsertParams{TenantID: known(tenantID), ActorStaffID: known(staffID),
			Action: action, Subject: subject, Detail: []byte("{}"), Now: db.now()})
	})
}

// Dashboard returns an event's orders per day from the day of since to
// today (the event's days, in zone: every day present, zero or not, each
// the midnight it starts), its units per variant and its revenue by
// currency.
func (db *DB) Dashboard(ctx context.Context, tenantID uuid.UUID, since time.Time, zone *time.Location) (storefront.Dashboard, error) {
	d := storefront.Dashboard{Units: map[uuid.UUID]int{}, Revenue: map[string]int64{}}
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		first := since.In(zone)
		start := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, zone)
		days, err := q.DashboardOrdersPerDay(ctx, dbq.DashboardOrdersPerDayParams{Zone: zone.String(), TenantID: tenantID, Since: start})
		if err != nil {
			return err
		}
		counts := map[string]int{}
		for _, r := range days {
			counts[r.Day.Time.Format(time.DateOnly)] = int(r.Orders)
		}
		for day := start; !day.After(db.now()); day = day.AddDate(0, 0, 1) {
			d.PerDay = append(d.PerDay, storefront.DayCount{Day: day, Orders: counts[day.Format(time.DateOnly)]})
		}
		revenue, err := q.DashboardRevenue(ctx, tenantID)
		if err != nil {
			return err
		}
		for _, r := range revenue {
			d.Revenue[r.Currency] = r.TotalMinor
		}
		if err := revenueByPayment(ctx, q, tenantID, &d); err != nil {
			return err
		}
		units, err := q.DashboardUnitsByVariant(ctx, tenantID)
		for _, u := range units {
			d.Units[u.VariantID] = int(u.Units)
		}
		return err
	})
	return d, err
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
