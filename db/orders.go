package db

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/webhooks"
)

// orderTx is one order's transaction: its queries, the tenant, the clock.
type orderTx struct {
	tx           conn
	q            *dbq.Queries
	tenantID     uuid.UUID
	now          time.Time
	reservations reservations
	voucher      orderVoucher // the order's code (orders_voucher.go)
	offer        orderOffer   // the order's waiting-list offer (orders_waitlist.go)
	// events hears of stock that release gives back (nil: nobody); set it
	// with DB.orderTxIn, which every transaction that may release uses.
	events Events
	online bool // online payments are on (DB.OnlinePayments)
}

// orderTxIn is an order's transaction in tx, whose release tells db.Events
// of the stock it gives back (the waiting list's offers).
func (db *DB) orderTxIn(tx pgx.Tx, tenantID uuid.UUID) *orderTx {
	return &orderTx{tx: tx, q: dbq.New(tx), tenantID: tenantID, now: db.now(), events: db.Events}
}

func orEmptyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// newOrderNumber returns a random order number such as "K7M3-Q9XZ": 40
// bits from crypto/rand in Crockford's base32 (no I, L, O, U), short
// enough to read out on the phone, too many to guess.
func newOrderNumber() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [8]byte
	_, _ = rand.Read(b[:])
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, alphabet[c&31])
	}
	return string(out)
}

// OrderByNumber returns an order with its items and history, read in one
// round trip (inTenantTrip): the status page and every email about an
// order come this way.
func (db *DB) OrderByNumber(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error) {
	return db.readOrder(ctx, tenantID, number)
}

// OrderForEmail is OrderByNumber and EmailSent in the same round trip: an
// attendee's email job reads both before it renders and sends.
func (db *DB) OrderForEmail(ctx context.Context, tenantID uuid.UUID, number, dedupKey string) (order *storefront.Order, sent bool, err error) {
	order, err = db.readOrder(ctx, tenantID, number, func(q *dbq.Queries) (err error) {
		sent, err = q.EmailLogged(ctx, dbq.EmailLoggedParams{TenantID: tenantID, DedupKey: dedupKey})
		return err
	})
	return order, sent, err
}

// readOrder reads an order with its items and history, and whatever more
// steps ask, in one round trip.
func (db *DB) readOrder(ctx context.Context, tenantID uuid.UUID, number string, more ...func(*dbq.Queries) error) (*storefront.Order, error) {
	var (
		row     dbq.Order
		items   []dbq.OrderItem
		history []dbq.OrderStatusHistory
	)
	steps := append([]func(*dbq.Queries) error{
		func(q *dbq.Queries) (err error) {
			row, err = q.OrderGetByNumber(ctx, dbq.OrderGetByNumberParams{TenantID: tenantID, Number: number})
			return err
		},
		func(q *dbq.Queries) (err error) {
			items, err = q.OrderItemListByNumber(ctx, dbq.OrderItemListByNumberParams{TenantID: tenantID, Number: number})
			return err
		},
		func(q *dbq.Queries) (err error) {
			history, err = q.OrderStatusListByNumber(ctx, dbq.OrderStatusListByNumberParams{TenantID: tenantID, Number: number})
			return err
		},
	}, more...)
	if err := db.inTenantTrip(ctx, tenantID, steps...); err != nil {
		return nil, notFound(err, "order.not_found")
	}
	o, err := orderOf(row)
	if err == nil {
		err = addItems(o, items)
	}
	if err != nil {
		return nil, err
	}
	addHistory(o, history)
	return o, nil
}

func (ot *orderTx) load(ctx context.Context, r dbq.Order) (*storefront.Order, error) {
	o, err := orderOf(r)
	if err != nil {
		return nil, err
	}
	if err := ot.loadItems(ctx, o); err != nil {
		return nil, err
	}
	return o, ot.loadHistory(ctx, o)
}

// orderOf is an order's row without its items and history.
func orderOf(r dbq.Order) (*storefront.Order, error) {
	o := &storefront.Order{
		ID: r.ID, TenantID: r.TenantID, Number: r.Number, Email: r.Email, Name: r.Name, Locale: r.Locale,
		Status: storefront.Status(r.Status), Currency: r.Currency, TotalMinor: r.TotalMinor, CreatedAt: r.CreatedAt,
		ErasedAt: r.ErasedAt, DiscountMinor: r.DiscountMinor,
		PaymentState: storefront.PaymentState(r.PaymentState), HoldExpiresAt: r.HoldExpiresAt,
		PaymentSessionID: deref(r.PaymentSessionID), PaymentIntentID: deref(r.PaymentIntentID),
	}
	if r.VoucherCode != nil {
		o.VoucherCode = *r.VoucherCode
	}
	if err := json.Unmarshal(r.Answers, &o.Answers); err != nil {
		return nil, fmt.Errorf("order %s answers: %w", r.Number, err)
	}
	if r.ShippingAddress != nil {
		o.Address = &address.Address{}
		if err := json.Unmarshal(r.ShippingAddress, o.Address); err != nil {
			return nil, fmt.Errorf("order %s address: %w", r.Number, err)
		}
	}
	return o, nil
}

func (ot *orderTx) loadItems(ctx context.Context, o *storefront.Order) error {
	rows, err := ot.q.OrderItemList(ctx, dbq.OrderItemListParams{TenantID: ot.tenantID, OrderID: o.ID})
	if err != nil {
		return err
	}
	return addItems(o, rows)
}

func addItems(o *storefront.Order, rows []dbq.OrderItem) error {
	for _, r := range rows {
		it := storefront.Item{Position: int(r.Position), ProductID: r.ProductID, VariantID: r.VariantID,
			Quantity: int(r.Quantity), UnitPriceMinor: r.UnitPriceMinor,
			DispatchedAt: r.DispatchedAt, DispatchNote: r.DispatchNote, DispatchedBy: r.DispatchedBy}
		if err := errors.Join(json.Unmarshal(r.ProductName, &it.ProductName),
			json.Unmarshal(r.VariantLabel, &it.VariantLabel), json.Unmarshal(r.Answers, &it.Answers)); err != nil {
			return fmt.Errorf("order %s item %d: %w", o.Number, r.Position, err)
		}
		o.Items = append(o.Items, it)
	}
	return nil
}

func (ot *orderTx) loadHistory(ctx context.Context, o *storefront.Order) error {
	rows, err := ot.q.OrderStatusList(ctx, dbq.OrderStatusListParams{TenantID: ot.tenantID, OrderID: o.ID})
	addHistory(o, rows)
	return err
}

func addHistory(o *storefront.Order, rows []dbq.OrderStatusHistory) {
	for _, r := range rows {
		o.History = append(o.History, storefront.StatusChange{Status: storefront.Status(r.Status), Change: storefront.Change(r.Change), Note: r.Note, Actor: r.Actor, At: r.CreatedAt})
	}
}

// CancelOrder cancels an order for its attendee: allowed when the event lets
// attendees cancel and nothing has been dispatched. The stock and the
// attendee's per-product counts come back.
func (db *DB) CancelOrder(ctx context.Context, tenantID uuid.UUID, number, actor string) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := db.orderTxIn(tx, tenantID)
		var err error
		order, err = ot.cancel(ctx, number, actor)
		if err != nil {
			return err
		}
		if err := orderWebhook(ctx, tx, order, webhooks.OrderCancelled); err != nil {
			return err
		}
		if db.Events == nil {
			return nil
		}
		if err := db.Events.PaymentRefundDue(ctx, tx, order, order.TotalMinor, "cancelled"); err != nil {
			return err
		}
		return db.Events.OrderStatusChanged(ctx, tx, order, order.History[len(order.History)-1])
	})
	return order, notFound(err, "order.not_found")
}

func (ot *orderTx) cancel(ctx context.Context, number, actor string) (*storefront.Order, error) {
	row, err := ot.q.OrderGetByNumberForUpdate(ctx, dbq.OrderGetByNumberForUpdateParams{TenantID: ot.tenantID, Number: number})
	if err != nil {
		return nil, err
	}
	settings, err := ot.q.SettingsGet(ctx, ot.tenantID)
	if err != nil {
		return nil, err
	}
	if err := storefront.CheckAttendeeCancel(settings.AttendeeCanCancel, storefront.Status(row.Status)); err != nil {
		return nil, err
	}
	o, err := ot.load(ctx, row)
	if err != nil {
		return nil, err
	}
	if err := ot.release(ctx, o); err != nil {
		return nil, err
	}
	if err := ot.q.OrderSetStatus(ctx, dbq.OrderSetStatusParams{TenantID: ot.tenantID, ID: o.ID, Status: string(storefront.StatusCancelled)}); err != nil {
		return nil, err
	}
	if err := ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{TenantID: ot.tenantID, OrderID: o.ID,
		Status: string(storefront.StatusCancelled), Actor: actor, Now: &ot.now}); err != nil {
		return nil, err
	}
	row.Status = string(storefront.StatusCancelled)
	return ot.load(ctx, row)
}

// release returns a cancelled order's stock and attendee counts, and tells
// db.Events which options have units back (contract 3: the waiting list).
func (ot *orderTx) release(ctx context.Context, o *storefront.Order) error {
	returned := make([]uuid.UUID, 0, len(o.Items))
	for _, it := range o.Items {
		returned = append(returned, it.VariantID)
		if err := ot.q.VariantRelease(ctx, dbq.VariantReleaseParams{TenantID: ot.tenantID, ID: it.VariantID, Quantity: int32(it.Quantity)}); err != nil {
			return err
		}
		if err := ot.q.AttendeePurchaseRemove(ctx, dbq.AttendeePurchaseRemoveParams{TenantID: ot.tenantID,
			ProductID: it.ProductID, Email: o.Email, Quantity: int32(it.Quantity)}); err != nil {
			return err
		}
	}
	return ot.stockReturned(ctx, returned)
}

// stockReturned tells db.Events, in the order's transaction, that the
// options' stock may have grown. Only a pgx.Tx can be told: release runs
// in one (PlaceOrder's batched connection never releases).
func (ot *orderTx) stockReturned(ctx context.Context, variantIDs []uuid.UUID) error {
	if ot.events == nil || len(variantIDs) == 0 {
		return nil
	}
	tx, ok := ot.tx.(pgx.Tx)
	if !ok {
		return errors.New("db: stock returned outside a transaction")
	}
	return tellStockReturned(ctx, ot.events, tx, ot.tenantID, variantIDs)
}
