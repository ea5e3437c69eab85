package db

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"marquee/db/internal/dbq"
)

// stockKey is one variant of one event.
type stockKey struct{ tenantID, variantID uuid.UUID }

// stockSet gathers variants whose stock changed until they are taken all
// at once: many orders' changes go out, or are read, in one statement.
// Its zero value is ready.
type stockSet struct {
	mu      sync.Mutex
	pending map[stockKey]struct{}
	wake    chan struct{} // has a value while pending has keys not yet taken
}

// add puts keys in the set and wakes its taker.
func (s *stockSet) add(keys ...stockKey) {
	if len(keys) == 0 {
		return
	}
	s.mu.Lock()
	if s.pending == nil {
		s.pending = map[stockKey]struct{}{}
	}
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	for _, k := range keys {
		s.pending[k] = struct{}{}
	}
	wake := s.wake
	s.mu.Unlock()
	select {
	case wake <- struct{}{}:
	default:
	}
}

// take waits until the set has keys (or ctx ends) and empties it.
func (s *stockSet) take(ctx context.Context) ([]stockKey, bool) {
	s.mu.Lock()
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	wake := s.wake
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if len(s.pending) > 0 {
			keys := make([]stockKey, 0, len(s.pending))
			for k := range s.pending {
				keys = append(keys, k)
			}
			clear(s.pending)
			s.mu.Unlock()
			return keys, true
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, false
		case <-wake:
		}
	}
}

// stockNotifier sends the stock notifications of committed orders: an
// order's transaction does not notify (queries VariantTake), because
// Postgres serializes the commits of notifying transactions through their
// WAL flush; PlaceOrder hands its limited variants here once it has
// committed, and one goroutine per DB sends whatever gathered meanwhile
// in one statement, in a transaction that writes nothing.
type stockNotifier struct {
	set   stockSet
	start sync.Once
	stop  context.CancelFunc
}

// stockTaken tells the replicas, soon after, that orders committed by
// this process changed these variants' stock.
func (db *DB) stockTaken(tenantID uuid.UUID, variants []uuid.UUID) {
	if len(variants) == 0 {
		return
	}
	db.notes.start.Do(func() {
		ctx, stop := context.WithCancel(withBackground(context.Background()))
		db.notes.stop = stop
		go db.sendStockNotes(ctx)
	})
	keys := make([]stockKey, len(variants))
	for i, v := range variants {
		keys[i] = stockKey{tenantID, v}
	}
	db.notes.set.add(keys...)
}

// sendStockNotes sends what stockTaken gathers until ctx ends; a failed
// send (the database away) keeps its variants for the next try, after a
// pause that doubles up to five seconds.
func (db *DB) sendStockNotes(ctx context.Context) {
	backoff := 50 * time.Millisecond
	for {
		keys, ok := db.notes.set.take(ctx)
		if !ok {
			return
		}
		changes := make([]string, len(keys))
		for i, k := range keys {
			changes[i] = k.tenantID.String() + " " + k.variantID.String()
		}
		sendCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := db.inPlatformTrip(sendCtx, func(q *dbq.Queries) error { return q.StockChangedNotify(sendCtx, changes) })
		cancel()
		if err == nil {
			backoff = 50 * time.Millisecond
			continue
		}
		db.notes.set.add(keys...)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// readStocks reads, until ctx ends, the units left of the variants that
// notifications said changed and gives each to h.Stock, or names its
// event to h.Changed when the variant is gone: what gathered while one
// read ran is read by the next, so the last read of a variant always
// follows its last change. A failed read is tried again after a pause.
func (db *DB) readStocks(ctx context.Context, set *stockSet, h ChangeHandlers) {
	ctx = withBackground(ctx)
	backoff := 50 * time.Millisecond
	for {
		keys, ok := set.take(ctx)
		if !ok {
			return
		}
		tenants, variants := make([]uuid.UUID, 0, len(keys)), make([]uuid.UUID, len(keys))
		seen := map[uuid.UUID]bool{}
		for i, k := range keys {
			variants[i] = k.variantID
			if !seen[k.tenantID] {
				seen[k.tenantID] = true
				tenants = append(tenants, k.tenantID)
			}
		}
		var rows []dbq.VariantStocksRow
		readCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := db.inPlatformTrip(readCtx, func(q *dbq.Queries) (err error) {
			rows, err = q.VariantStocks(readCtx, dbq.VariantStocksParams{TenantIds: tenants, VariantIds: variants})
			return err
		})
		cancel()
		if err != nil {
			set.add(keys...)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		found := make(map[stockKey]*int, len(rows))
		for _, r := range rows {
			var n *int
			if r.Stock != nil {
				v := int(*r.Stock)
				n = &v
			}
			found[stockKey{r.TenantID, r.ID}] = n
		}
		for _, k := range keys {
			if n, ok := found[k]; ok {
				h.Stock(k.tenantID, k.variantID, n)
			} else if h.Changed != nil {
				h.Changed(k.tenantID)
			}
		}
	}
}

// backgroundKey marks the context of this package's own background work.
type backgroundKey struct{}

// withBackground marks ctx as the process's own background work, not a
// request's.
func withBackground(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// Background reports whether a query runs for the process's own
// background work (the stock notifications it sends after orders, and the
// stock it reads when it hears of them), not for a request: tracers that
// count what requests cost leave those out.
func Background(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}
