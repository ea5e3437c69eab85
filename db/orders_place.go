package db

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db/internal/dbq"
	"marquee/storefront"
	"marquee/storefront/address"
)

// reservations take a line's stock and count an attendee's units of a
// product one statement at a time, answering storefront.ErrSoldOut or
// ErrOverAttendeeLimit when there is not enough. Nil (the default): the
// guarded conditional updates, sent in the order's last batch; only a test
// sets another (DisableGuardsForTest).
type reservations interface {
	reserveStock(ctx context.Context, ot *orderTx, l storefront.PricedLine) error
	countForAttendee(ctx context.Context, ot *orderTx, email string, l storefront.PricedLine, quantity int) error
}

// errOrderTaken: the order's insert found its idempotency key (or, rarely,
// its number) taken by an order committed meanwhile. The transaction is
// tried again and its first batch finds that order.
var errOrderTaken = errors.New("db: order key or number taken")

// placeAttempts bounds the transactions one PlaceOrder tries when its
// insert loses a race for its key or number.
const placeAttempts = 5

// PlaceOrder places an order in one tenant transaction of four round trips
// besides the Events hook's: BEGIN; one batch that confines the
// transaction to the tenant and reads the idempotency key, the settings,
// the products and the options; one batch that writes the order, its
// items and its first status, counts the attendee's units with a
// conditional upsert and takes the stock with a conditional update (so
// concurrent orders never take more than there is, nor more than an
// attendee may have); COMMIT. A request whose idempotency key already made
// an order returns that order.
func (db *DB) PlaceOrder(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) (*storefront.Order, error) {
	if tenantID == uuid.Nil {
		return nil, errors.New("db: tenant transaction without a tenant")
	}
	var order *storefront.Order
	var err error
	for range placeAttempts {
		err = db.transact(ctx, func(tx pgx.Tx) error {
			ot := &orderTx{tx: tx, q: dbq.New(tx), tenantID: tenantID, now: db.now(), reservations: db.reservations}
			var err error
			order, err = ot.place(ctx, req, func(o *storefront.Order) error {
				if db.Events == nil {
					return nil
				}
				return db.Events.OrderPlaced(ctx, tx, o)
			})
			return err
		})
		if !errors.Is(err, errOrderTaken) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return order, nil
}

// place writes a new order and calls placed with it (where its emails are
// queued) before the stock is taken; a resubmitted order is returned as it
// is, without calling placed again.
func (ot *orderTx) place(ctx context.Context, req storefront.OrderRequest, placed func(*storefront.Order) error) (*storefront.Order, error) {
	var (
		existing dbq.Order
		found    bool
		settings dbq.SettingsGetRow
		prows    []dbq.Product
		vrows    []dbq.Variant
	)
	pids, vids := make([]uuid.UUID, 0, len(req.Lines)), make([]uuid.UUID, 0, len(req.Lines))
	for _, l := range req.Lines {
		pids, vids = append(pids, l.ProductID), append(vids, l.VariantID)
	}
	err := inBatch(ctx, ot.tx,
		func(q *dbq.Queries) error { return q.TenantSet(ctx, ot.tenantID.String()) },
		func(q *dbq.Queries) (err error) {
			existing, err = q.OrderGetByIdempotencyKey(ctx, dbq.OrderGetByIdempotencyKeyParams{TenantID: ot.tenantID, Key: req.IdempotencyKey})
			found = err == nil
			if isNoRow(err) {
				return nil
			}
			return err
		},
		func(q *dbq.Queries) (err error) { settings, err = q.SettingsGet(ctx, ot.tenantID); return err },
		func(q *dbq.Queries) (err error) {
			prows, err = q.ProductsForOrder(ctx, dbq.ProductsForOrderParams{TenantID: ot.tenantID, Ids: pids})
			return err
		},
		func(q *dbq.Queries) (err error) {
			vrows, err = q.VariantsForOrder(ctx, dbq.VariantsForOrderParams{TenantID: ot.tenantID, Ids: vids})
			return err
		},
	)
	if err != nil {
		return nil, err
	}
	if found {
		return ot.load(ctx, existing)
	}
	priced, err := ot.priceLines(req.Lines, prows, vrows, settings)
	if err != nil {
		return nil, err
	}
	order, err := ot.newOrder(req, settings.Currency, priced)
	if err != nil {
		return nil, err
	}
	if err := placed(order); err != nil {
		return nil, err
	}
	// Last, because a popular variant's row is every order's lock: it is
	// held only from here to the commit.
	if err := ot.write(ctx, req, order, priced); err != nil {
		return nil, err
	}
	return order, nil
}

// priceLines applies the ordering rules (storefront.PriceLines) to the
// products and options the lines name.
func (ot *orderTx) priceLines(lines []storefront.Line, prows []dbq.Product, vrows []dbq.Variant, settings dbq.SettingsGetRow) ([]storefront.PricedLine, error) {
	products, variants := map[uuid.UUID]storefront.Product{}, map[uuid.UUID]storefront.Variant{}
	var err error
	for _, r := range prows {
		if products[r.ID], err = productFromRow(r); err != nil {
			return nil, err
		}
	}
	for _, r := range vrows {
		if variants[r.ID], err = variantFromRow(r); err != nil {
			return nil, err
		}
	}
	return storefront.PriceLines(lines, products, variants, ot.now, settings.ClosesAt)
}

// newOrder is the order as it will be written: what load would read back
// once it is (its CreatedAt comes from the insert).
func (ot *orderTx) newOrder(req storefront.OrderRequest, currency string, lines []storefront.PricedLine) (*storefront.Order, error) {
	o := &storefront.Order{
		ID: uuid.New(), TenantID: ot.tenantID, Number: newOrderNumber(), Email: req.Email, Name: req.Name,
		Locale: req.Locale, Status: storefront.StatusPlaced, Currency: currency, TotalMinor: storefront.OrderTotal(lines),
		History: []storefront.StatusChange{{Status: storefront.StatusPlaced, Actor: "attendee", At: ot.now}},
	}
	// Through JSON, as load reads them: numbers in answers become float64.
	if err := roundTrip(orEmptyMap(req.Answers), &o.Answers); err != nil {
		return nil, err
	}
	if req.Address != nil {
		o.Address = &address.Address{}
		if err := roundTrip(req.Address, o.Address); err != nil {
			return nil, err
		}
	}
	for i, l := range lines {
		it := storefront.Item{Position: i, ProductID: l.Product.ID, VariantID: l.Variant.ID, ProductName: l.Product.Name,
			VariantLabel: l.Variant.Label, Quantity: l.Line.Quantity, UnitPriceMinor: l.UnitPrice()}
		if err := roundTrip(orEmptyMap(l.Line.Answers), &it.Answers); err != nil {
			return nil, err
		}
		o.Items = append(o.Items, it)
	}
	return o, nil
}

func roundTrip(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// write sends the order's writes in one batch: the order, its items, its
// first status, then the attendee's units per product and the stock per
// option, each in a fixed order (by product, by option) so that concurrent
// orders cannot deadlock. Unlimited stock (as this transaction read it) is
// not touched, so it never becomes a lock every order waits on.
func (ot *orderTx) write(ctx context.Context, req storefront.OrderRequest, o *storefront.Order, lines []storefront.PricedLine) error {
	answers, _ := json.Marshal(o.Answers)
	var addr []byte
	if o.Address != nil {
		addr, _ = json.Marshal(o.Address)
	}
	steps := []func(*dbq.Queries) error{func(q *dbq.Queries) error {
		row, err := q.OrderInsert(ctx, dbq.OrderInsertParams{
			ID: o.ID, TenantID: ot.tenantID, Number: o.Number, IdempotencyKey: req.IdempotencyKey,
			Email: o.Email, Name: o.Name, Locale: o.Locale, Answers: answers,
			ShippingAddress: addr, Currency: o.Currency, TotalMinor: o.TotalMinor,
		})
		if isNoRow(err) {
			return errOrderTaken
		}
		o.CreatedAt = row.CreatedAt
		return err
	}}
	for _, it := range o.Items {
		name, _ := json.Marshal(it.ProductName)
		label, _ := json.Marshal(it.VariantLabel)
		itemAnswers, _ := json.Marshal(it.Answers)
		steps = append(steps, func(q *dbq.Queries) error {
			return q.OrderItemInsert(ctx, dbq.OrderItemInsertParams{
				TenantID: ot.tenantID, OrderID: o.ID, Position: int32(it.Position), ProductID: it.ProductID,
				VariantID: it.VariantID, ProductName: name, VariantLabel: label,
				Quantity: int32(it.Quantity), UnitPriceMinor: it.UnitPriceMinor, Answers: itemAnswers,
			})
		})
	}
	steps = append(steps, func(q *dbq.Queries) error {
		return q.OrderStatusInsert(ctx, dbq.OrderStatusInsertParams{
			TenantID: ot.tenantID, OrderID: o.ID, Status: string(storefront.StatusPlaced), Actor: "attendee", Now: &ot.now,
		})
	})
	if ot.reservations != nil {
		if err := inBatch(ctx, ot.tx, steps...); err != nil {
			return err
		}
		return ot.reserveOneByOne(ctx, req.Email, lines)
	}
	for _, a := range attendeeUnits(lines) {
		steps = append(steps, func(q *dbq.Queries) error {
			_, err := q.AttendeePurchaseAdd(ctx, dbq.AttendeePurchaseAddParams{
				TenantID: ot.tenantID, ProductID: a.line.Product.ID, Email: req.Email,
				Quantity: int32(a.quantity), Max: int32Ptr(a.line.Product.MaxPerAttendee),
			})
			return storeError(err, noRowIs(storefront.ErrOverAttendeeLimit(a.line)))
		})
	}
	for _, l := range byVariant(lines) {
		if l.Variant.Stock == nil {
			continue
		}
		steps = append(steps, func(q *dbq.Queries) error {
			_, err := q.VariantReserve(ctx, dbq.VariantReserveParams{TenantID: ot.tenantID, ID: l.Variant.ID, Quantity: int32(l.Line.Quantity)})
			return storeError(err, noRowIs(storefront.ErrSoldOut(l)))
		})
	}
	return inBatch(ctx, ot.tx, steps...)
}

// reserveOneByOne reserves through ot.reservations (a test's), statement
// by statement.
func (ot *orderTx) reserveOneByOne(ctx context.Context, email string, lines []storefront.PricedLine) error {
	for _, a := range attendeeUnits(lines) {
		if err := ot.reservations.countForAttendee(ctx, ot, email, a.line, a.quantity); err != nil {
			return err
		}
	}
	for _, l := range byVariant(lines) {
		if l.Variant.Stock == nil {
			continue
		}
		if err := ot.reservations.reserveStock(ctx, ot, l); err != nil {
			return err
		}
	}
	return nil
}

// units is what an order adds to an attendee's count of one product; line
// is the product's first line (errors name it).
type units struct {
	line     storefront.PricedLine
	quantity int
}

// attendeeUnits sums the lines' quantities per product, by product id.
func attendeeUnits(lines []storefront.PricedLine) []units {
	var out []units
	for _, l := range lines {
		i := slices.IndexFunc(out, func(u units) bool { return u.line.Product.ID == l.Product.ID })
		if i < 0 {
			out = append(out, units{line: l})
			i = len(out) - 1
		}
		out[i].quantity += l.Line.Quantity
	}
	slices.SortFunc(out, func(a, b units) int { return compareUUID(a.line.Product.ID, b.line.Product.ID) })
	return out
}

// byVariant returns the lines sorted by option id.
func byVariant(lines []storefront.PricedLine) []storefront.PricedLine {
	out := slices.Clone(lines)
	slices.SortFunc(out, func(a, b storefront.PricedLine) int { return compareUUID(a.Variant.ID, b.Variant.ID) })
	return out
}

func compareUUID(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}
