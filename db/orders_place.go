package db

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

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
// insert loses a race for its key or number, or a deadlock or
// serialization race, or its first batch meets a broken pooled connection.
const placeAttempts = 5

// PlaceOrder places an order in one tenant transaction of two round trips
// (one more, a ROLLBACK, when it is refused): one batch that begins the
// transaction, confines it to the tenant and reads the idempotency key,
// the settings, the products, the options and whether a per-order
// supplier fulfils one of the lines; then, the order priced and built in
// memory, one batch that writes the order, its items, its first status and
// the jobs the Events hook queues, counts the attendee's units and takes
// the stock with conditional statements that fail the transaction when
// there is not enough (so concurrent orders never take more than there is,
// nor more than an attendee may have), and commits. A request whose
// idempotency key already made an order returns that order.
func (db *DB) PlaceOrder(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) (*storefront.Order, error) {
	if tenantID == uuid.Nil {
		return nil, errors.New("db: tenant transaction without a tenant")
	}
	ctx, end := db.span(ctx, "db.order")
	var order *storefront.Order
	var err error
	defer func() { end(err) }()
	for range placeAttempts {
		order, err = db.placeOnce(ctx, tenantID, req)
		if !errors.Is(err, errOrderTaken) && !retryable(err) && !brokenBeforeBegin(err) {
			break
		}
	}
	if err != nil {
		return nil, unavailable(err)
	}
	return order, nil
}

// placeOnce is one try of PlaceOrder on a pooled connection, whose
// transaction its batches begin and commit; anything else leaves it rolled
// back.
func (db *DB) placeOnce(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) (order *storefront.Order, err error) {
	c, err := db.acquireConn(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		p := recover()
		if c.Conn().PgConn().TxStatus() != 'I' {
			// A connection that fails this goes back in a transaction and
			// the pool closes it (Open's AfterRelease).
			_, _ = c.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
		c.Release()
		if p != nil {
			panic(p)
		}
	}()
	ot := &orderTx{tx: c, q: dbq.New(c), tenantID: tenantID, now: db.now(), reservations: db.reservations, online: db.OnlinePayments}
	return ot.place(ctx, req, db.orderJobs)
}

// orderJobs asks the Events hook for a new order's jobs.
func (db *DB) orderJobs(o *storefront.Order, perOrderSupplier bool) ([]Job, error) {
	if db.Events == nil {
		return nil, nil
	}
	return db.Events.OrderPlaced(o, perOrderSupplier)
}

// place writes a new order with the jobs that jobsOf returns for it; a
// resubmitted order is returned as it is, without asking for jobs again.
// Its first batch begins the transaction and its last commits it.
func (ot *orderTx) place(ctx context.Context, req storefront.OrderRequest, jobsOf func(*storefront.Order, bool) ([]Job, error)) (*storefront.Order, error) {
	var (
		existing dbq.Order
		found    bool
		settings dbq.SettingsGetRow
		prows    []dbq.Product
		vrows    []dbq.Variant
		supplier bool
	)
	pids, vids := make([]uuid.UUID, 0, len(req.Lines)), make([]uuid.UUID, 0, len(req.Lines))
	for _, l := range req.Lines {
		pids, vids = append(pids, l.ProductID), append(vids, l.VariantID)
	}
	err := inBatch(ctx, ot.tx,
		func(q *dbq.Queries) error { return q.OrderTxBegin(ctx) },
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
		func(q *dbq.Queries) (err error) {
			supplier, err = q.SupplierPerOrderExists(ctx, dbq.SupplierPerOrderExistsParams{TenantID: ot.tenantID, ProductIds: pids, VariantIds: vids})
			return err
		},
		ot.voucher.read(ctx, ot.tenantID, req),
		ot.offer.read(ctx, ot.tenantID, req),
	)
	if err != nil {
		if connectionFailure(err) {
			// Nothing was written: the order may be tried again at once.
			return nil, &beginError{err: err}
		}
		return nil, err
	}
	if found {
		o, err := ot.load(ctx, existing)
		if err != nil {
			return nil, err
		}
		return o, ot.q.OrderTxCommit(ctx)
	}
	priced, err := ot.priceLines(req.Lines, prows, vrows, settings)
	if err != nil {
		return nil, err
	}
	order, err := ot.newOrder(req, settings.Currency, priced)
	if err != nil {
		return nil, err
	}
	if err := ot.voucher.apply(ot.now, priced, order); err != nil {
		return nil, err
	}
	if err := ot.offer.check(ot.now, priced); err != nil {
		return nil, err
	}
	// After the voucher: what is left to pay decides how it is paid.
	if err := ot.applyPayment(req, order, settings); err != nil {
		return nil, err
	}
	jobs, err := jobsOf(order, supplier)
	if err != nil {
		return nil, err
	}
	if err := ot.write(ctx, req, order, priced, jobs); err != nil {
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

// write sends the order's writes and its COMMIT in one batch: the order,
// its items, its first status and its jobs, then the attendee's units per
// product and the stock per option, each in a fixed order (by product, by
// option) so that concurrent orders cannot deadlock, and last, so that a
// popular option's row, every order's lock, is held only from there to the
// commit in the same round trip. Unlimited stock (as this transaction read
// it) is not touched, so it never becomes a lock every order waits on.
// When a statement fails the transaction the rest, the COMMIT included, is
// skipped, and its error is the answer (ErrSoldOut, ErrOverAttendeeLimit,
// errOrderTaken).
func (ot *orderTx) write(ctx context.Context, req storefront.OrderRequest, o *storefront.Order, lines []storefront.PricedLine, jobs []Job) error {
	answers, _ := json.Marshal(o.Answers)
	var addr []byte
	if o.Address != nil {
		addr, _ = json.Marshal(o.Address)
	}
	steps := []func(*dbq.Queries) error{func(q *dbq.Queries) error {
		createdAt, err := q.OrderInsert(ctx, dbq.OrderInsertParams{
			ID: o.ID, TenantID: ot.tenantID, Number: o.Number, IdempotencyKey: req.IdempotencyKey,
			Email: o.Email, Name: o.Name, Locale: o.Locale, Answers: answers,
			ShippingAddress: addr, Currency: o.Currency, TotalMinor: o.TotalMinor,
			Status: string(o.Status), PaymentState: string(o.PaymentState), HoldExpiresAt: o.HoldExpiresAt,
		})
		if isUniqueViolation(err) {
			return errOrderTaken
		}
		o.CreatedAt = createdAt
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
			TenantID: ot.tenantID, OrderID: o.ID, Status: string(o.Status), Actor: "attendee", Now: &ot.now,
		})
	})
	for _, j := range jobs {
		steps = append(steps, func(q *dbq.Queries) error {
			return q.JobInsert(ctx, dbq.JobInsertParams{Args: j.Args, Kind: j.Kind, MaxAttempts: j.MaxAttempts,
				Priority: j.Priority, Queue: j.Queue, Notify: j.Notify, ScheduledAt: j.ScheduledAt})
		})
	}
	steps = append(steps, ot.offer.use(ctx, ot, o)...) // before the stock: the offer's units become the order's
	commit := func(q *dbq.Queries) error { return q.OrderTxCommit(ctx) }
	hooks, err := ot.webhookSteps(ctx, o, lines)
	if err != nil {
		return err
	}
	if ot.reservations != nil {
		if err := inBatch(ctx, ot.tx, append(steps, ot.voucher.redeem(ctx, ot, o)...)...); err != nil {
			return err
		}
		if err := ot.reserveOneByOne(ctx, req.Email, lines); err != nil {
			return err
		}
		if len(hooks) > 0 {
			if err := inBatch(ctx, ot.tx, hooks...); err != nil {
				return err
			}
		}
		return commit(ot.q)
	}
	for _, a := range attendeeUnits(lines) {
		steps = append(steps, func(q *dbq.Queries) error {
			err := q.AttendeePurchaseTake(ctx, dbq.AttendeePurchaseTakeParams{
				TenantID: ot.tenantID, ProductID: a.line.Product.ID, Email: req.Email,
				Quantity: int32(a.quantity), Max: int32Ptr(a.line.Product.MaxPerAttendee),
			})
			return refusedAs(err, refusedOverLimit, storefront.ErrOverAttendeeLimit(a.line))
		})
	}
	for _, l := range byVariant(lines) {
		if l.Variant.Stock == nil {
			continue
		}
		steps = append(steps, func(q *dbq.Queries) error {
			err := q.VariantTake(ctx, dbq.VariantTakeParams{TenantID: ot.tenantID, ID: l.Variant.ID, Quantity: int32(l.Line.Quantity)})
			return refusedAs(err, refusedSoldOut, storefront.ErrSoldOut(l))
		})
	}
	steps = append(steps, hooks...)                         // after the stock: stock.sold_out reads what is left
	steps = append(steps, ot.voucher.redeem(ctx, ot, o)...) // last: the code's row is a lock every order with it waits on
	return inBatch(ctx, ot.tx, append(steps, commit)...)
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
