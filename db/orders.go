package db

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/address"
)

// orderTx is one order's transaction: its queries, the tenant, the clock.
type orderTx struct {
	tx           pgx.Tx
	q            *dbq.Queries
	tenantID     uuid.UUID
	now          time.Time
	reservations reservations
}

// reservations take a line's stock and count an attendee's units of a
// product, answering storefront.ErrSoldOut or ErrOverAttendeeLimit when
// there is not enough.
type reservations interface {
	reserveStock(ctx context.Context, ot *orderTx, l storefront.PricedLine) error
	countForAttendee(ctx context.Context, ot *orderTx, email string, l storefront.PricedLine, quantity int) error
}

// guarded reserves with conditional updates, so concurrent orders can
// never take more than there is.
type guarded struct{}

// PlaceOrder places an order in one tenant transaction: it re-reads
// products, prices and limits, reserves stock with a conditional update,
// enforces the per-order and per-attendee limits, writes the order, its
// items and its first status, and commits. A request whose idempotency key
// already made an order returns that order.
func (db *DB) PlaceOrder(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := &orderTx{tx: tx, q: dbq.New(tx), tenantID: tenantID, now: db.now(), reservations: db.reservations}
		if ot.reservations == nil {
			ot.reservations = guarded{}
		}
		var err error
		order, err = ot.place(ctx, req, func(o *storefront.Order) error {
			if db.Events == nil {
				return nil
			}
			return db.Events.OrderPlaced(ctx, tx, o)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return order, nil
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// place writes a new order and calls placed with it (where its emails are
// queued) before the stock is taken; a resubmitted order is returned as it
// is, without calling placed again.
func (ot *orderTx) place(ctx context.Context, req storefront.OrderRequest, placed func(*storefront.Order) error) (*storefront.Order, error) {
	if existing, err := ot.existing(ctx, req.IdempotencyKey); existing != nil || err != nil {
		return existing, err
	}
	settings, err := ot.q.SettingsGet(ctx, ot.tenantID)
	if err != nil {
		return nil, err
	}
	priced, err := ot.priceLines(ctx, req.Lines, settings.ClosesAt)
	if err != nil {
		return nil, err
	}
	row, existing, err := ot.insertOrder(ctx, req, settings.Currency, priced)
	if err != nil || existing != nil {
		return existing, err
	}
	order, err := ot.writeItems(ctx, row, req, priced)
	if err != nil {
		return nil, err
	}
	if err := placed(order); err != nil {
		return nil, err
	}
	// Last, because a popular variant's row is every order's lock: it is
	// held only from here to the commit.
	if err := ot.reserve(ctx, req, priced); err != nil {
		return nil, err
	}
	return order, nil
}

// existing returns the order an idempotency key already made, if any.
func (ot *orderTx) existing(ctx context.Context, key uuid.UUID) (*storefront.Order, error) {
	row, err := ot.q.OrderGetByIdempotencyKey(ctx, dbq.OrderGetByIdempotencyKeyParams{TenantID: ot.tenantID, Key: key})
	if isNoRow(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ot.load(ctx, row)
}

// priceLines reads the products and options the lines name and applies
// the ordering rules (storefront.PriceLines) to them.
func (ot *orderTx) priceLines(ctx context.Context, lines []storefront.Line, closesAt *time.Time) ([]storefront.PricedLine, error) {
	products, variants, err := ot.readCatalogue(ctx, lines)
	if err != nil {
		return nil, err
	}
	return storefront.PriceLines(lines, products, variants, ot.now, closesAt)
}

func (ot *orderTx) readCatalogue(ctx context.Context, lines []storefront.Line) (map[uuid.UUID]storefront.Product, map[uuid.UUID]storefront.Variant, error) {
	pids, vids := make([]uuid.UUID, 0, len(lines)), make([]uuid.UUID, 0, len(lines))
	for _, l := range lines {
		pids, vids = append(pids, l.ProductID), append(vids, l.VariantID)
	}
	prows, err := ot.q.ProductsForOrder(ctx, dbq.ProductsForOrderParams{TenantID: ot.tenantID, Ids: pids})
	if err != nil {
		return nil, nil, err
	}
	vrows, err := ot.q.VariantsForOrder(ctx, dbq.VariantsForOrderParams{TenantID: ot.tenantID, Ids: vids})
	if err != nil {
		return nil, nil, err
	}
	products, variants := map[uuid.UUID]storefront.Product{}, map[uuid.UUID]storefront.Variant{}
	for _, r := range prows {
		if products[r.ID], err = productFromRow(r); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range vrows {
		if variants[r.ID], err = variantFromRow(r); err != nil {
			return nil, nil, err
		}
	}
	return products, variants, nil
}

// insertOrder writes the order row first, so a concurrent resubmission of
// the same form waits on its idempotency key instead of reserving stock
// twice. When it loses that race it returns the order that won.
func (ot *orderTx) insertOrder(ctx context.Context, req storefront.OrderRequest, currency string, lines []storefront.PricedLine) (*dbq.Order, *storefront.Order, error) {
	total := storefront.OrderTotal(lines)
	answers, _ := json.Marshal(orEmptyMap(req.Answers))
	var addr []byte
	if req.Address != nil {
		addr, _ = json.Marshal(req.Address)
	}
	for range 5 {
		row, err := ot.q.OrderInsert(ctx, dbq.OrderInsertParams{
			TenantID: ot.tenantID, Number: newOrderNumber(), IdempotencyKey: req.IdempotencyKey,
			Email: req.Email, Name: req.Name, Locale: req.Locale, Answers: answers,
			ShippingAddress: addr, Currency: currency, TotalMinor: total,
		})
		if err == nil {
			return &row, nil, nil
		}
		if !isNoRow(err) {
			return nil, nil, err
		}
		// A conflict: the same form submitted twice at once (the other
		// submission committed; this statement sees it) or, rarely, a
		// taken order number (try another).
		if existing, err := ot.existing(ctx, req.IdempotencyKey); existing != nil || err != nil {
			return nil, existing, err
		}
	}
	return nil, nil, errors.New("no free order number after 5 tries")
}

// reserve counts the attendee's units, then takes stock, each in a fixed
// order (by product, by variant) so that concurrent orders cannot deadlock.
func (ot *orderTx) reserve(ctx context.Context, req storefront.OrderRequest, lines []storefront.PricedLine) error {
	if err := ot.countForAttendees(ctx, req, lines); err != nil {
		return err
	}
	byVariant := slices.Clone(lines)
	slices.SortFunc(byVariant, func(a, b storefront.PricedLine) int { return compareUUID(a.Variant.ID, b.Variant.ID) })
	for _, l := range byVariant {
		if err := ot.reserveStock(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

func (ot *orderTx) countForAttendees(ctx context.Context, req storefront.OrderRequest, lines []storefront.PricedLine) error {
	perProduct := map[uuid.UUID]int{}
	first := map[uuid.UUID]storefront.PricedLine{}
	for _, l := range lines {
		perProduct[l.Product.ID] += l.Line.Quantity
		if _, ok := first[l.Product.ID]; !ok {
			first[l.Product.ID] = l
		}
	}
	ids := make([]uuid.UUID, 0, len(perProduct))
	for id := range perProduct {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, compareUUID)
	for _, id := range ids {
		if err := ot.countForAttendee(ctx, req.Email, first[id], perProduct[id]); err != nil {
			return err
		}
	}
	return nil
}

func compareUUID(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

// reserveStock takes a line's units. Unlimited stock (as this transaction
// read it) is not touched, so it never becomes a lock every order waits on.
func (ot *orderTx) reserveStock(ctx context.Context, l storefront.PricedLine) error {
	if l.Variant.Stock == nil {
		return nil
	}
	return ot.reservations.reserveStock(ctx, ot, l)
}

func (guarded) reserveStock(ctx context.Context, ot *orderTx, l storefront.PricedLine) error {
	_, err := ot.q.VariantReserve(ctx, dbq.VariantReserveParams{TenantID: ot.tenantID, ID: l.Variant.ID, Quantity: int32(l.Line.Quantity)})
	return storeError(err, noRowIs(storefront.ErrSoldOut(l)))
}

func (ot *orderTx) countForAttendee(ctx context.Context, email string, l storefront.PricedLine, quantity int) error {
	return ot.reservations.countForAttendee(ctx, ot, email, l, quantity)
}

func (guarded) countForAttendee(ctx context.Context, ot *orderTx, email string, l storefront.PricedLine, quantity int) error {
	_, err := ot.q.AttendeePurchaseAdd(ctx, dbq.AttendeePurchaseAddParams{
		TenantID: ot.tenantID, ProductID: l.Product.ID, Email: email,
		Quantity: int32(quantity), Max: int32Ptr(l.Product.MaxPerAttendee),
	})
	return storeError(err, noRowIs(storefront.ErrOverAttendeeLimit(l)))
}

func (ot *orderTx) writeItems(ctx context.Context, row *dbq.Order, req storefront.OrderRequest, lines []storefront.PricedLine) (*storefront.Order, error) {
	for i, l := range lines {
		name, _ := json.Marshal(l.Product.Name)
		label, _ := json.Marshal(l.Variant.Label)
		answers, _ := json.Marshal(orEmptyMap(l.Line.Answers))
		err := ot.q.OrderItemInsert(ctx, dbq.OrderItemInsertParams{
			TenantID: ot.tenantID, OrderID: row.ID, Position: int32(i), ProductID: l.Product.ID,
			VariantID: l.Variant.ID, ProductName: name, VariantLabel: label,
			Quantity: int32(l.Line.Quantity), UnitPriceMinor: l.UnitPrice(), Answers: answers,
		})
		if err != nil {
			return nil, err
		}
	}
	err := ot.q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{
		TenantID: ot.tenantID, OrderID: row.ID, Status: string(storefront.StatusPlaced), Actor: "attendee", Now: &ot.now,
	})
	if err != nil {
		return nil, err
	}
	return ot.load(ctx, *row)
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

// OrderByNumber returns an order with its items and history.
func (db *DB) OrderByNumber(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := &orderTx{tx: tx, q: dbq.New(tx), tenantID: tenantID}
		row, err := ot.q.OrderGetByNumber(ctx, dbq.OrderGetByNumberParams{TenantID: tenantID, Number: number})
		if err != nil {
			return err
		}
		order, err = ot.load(ctx, row)
		return err
	})
	return order, notFound(err, "order.not_found")
}

func (ot *orderTx) load(ctx context.Context, r dbq.Order) (*storefront.Order, error) {
	o := &storefront.Order{
		ID: r.ID, TenantID: r.TenantID, Number: r.Number, Email: r.Email, Name: r.Name, Locale: r.Locale,
		Status: storefront.Status(r.Status), Currency: r.Currency, TotalMinor: r.TotalMinor, CreatedAt: r.CreatedAt,
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
	if err := ot.loadItems(ctx, o); err != nil {
		return nil, err
	}
	return o, ot.loadHistory(ctx, o)
}

func (ot *orderTx) loadItems(ctx context.Context, o *storefront.Order) error {
	rows, err := ot.q.OrderItemList(ctx, dbq.OrderItemListParams{TenantID: ot.tenantID, OrderID: o.ID})
	if err != nil {
		return err
	}
	for _, r := range rows {
		it := storefront.Item{Position: int(r.Position), ProductID: r.ProductID, VariantID: r.VariantID,
			Quantity: int(r.Quantity), UnitPriceMinor: r.UnitPriceMinor}
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
	for _, r := range rows {
		o.History = append(o.History, storefront.StatusChange{Status: storefront.Status(r.Status), Note: r.Note, Actor: r.Actor, At: r.CreatedAt})
	}
	return err
}

// CancelOrder cancels an order for its attendee: allowed when the event lets
// attendees cancel and nothing has been dispatched. The stock and the
// attendee's per-product counts come back.
func (db *DB) CancelOrder(ctx context.Context, tenantID uuid.UUID, number, actor string) (*storefront.Order, error) {
	var order *storefront.Order
	err := db.InTenant(ctx, tenantID, func(tx pgx.Tx) error {
		ot := &orderTx{tx: tx, q: dbq.New(tx), tenantID: tenantID, now: db.now()}
		var err error
		order, err = ot.cancel(ctx, number, actor)
		if err != nil || db.Events == nil {
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

// release returns a cancelled order's stock and attendee counts.
func (ot *orderTx) release(ctx context.Context, o *storefront.Order) error {
	for _, it := range o.Items {
		if err := ot.q.VariantRelease(ctx, dbq.VariantReleaseParams{TenantID: ot.tenantID, ID: it.VariantID, Quantity: int32(it.Quantity)}); err != nil {
			return err
		}
		if err := ot.q.AttendeePurchaseRemove(ctx, dbq.AttendeePurchaseRemoveParams{TenantID: ot.tenantID,
			ProductID: it.ProductID, Email: o.Email, Quantity: int32(it.Quantity)}); err != nil {
			return err
		}
	}
	return nil
}
