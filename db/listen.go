package db

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TenantChangedChannel is the NOTIFY channel a change of what replicas
// cache of an event is sent on, by the transaction that makes it
// (InTenantChanging, TenantChanged, the stock statements; no trigger).
const TenantChangedChannel = "tenant_changed"

// ChangeHandlers receive what ListenTenantChanges hears.
type ChangeHandlers struct {
	// Changed is called with the id of a tenant whose data changed.
	Changed func(uuid.UUID)
	// Stock is called when only a variant's stock changed (an order, a
	// cancellation, a stock edit), with its units left (nil: no limit).
	// When it is nil, Changed is called with the tenant instead.
	Stock func(tenantID, variantID uuid.UUID, stock *int)
	// Reset is called after every (re)connection: changes may have been
	// missed while the connection was down, so caches should start over.
	Reset func()
}

// Forgetter is a cache of events' data in this process that a change
// makes stale: tenant.Resolver, storefront.Sites, the TLS names
// (edge.Following).
type Forgetter interface {
	// Forget drops what the cache holds of one event.
	Forget(id uuid.UUID)
	// ForgetAll drops everything.
	ForgetAll()
}

// StockKeeper is a cache that takes a variant's new stock in place
// instead of forgetting its event: storefront.Sites.
type StockKeeper interface {
	SetStock(tenantID, variantID uuid.UUID, stock *int)
}

// Forget are the handlers that keep caches in step with the database: a
// changed event is forgotten by each cache, in order, and everything after
// every (re)connection, when changes may have been missed.
func Forget(caches ...Forgetter) ChangeHandlers {
	return ChangeHandlers{
		Changed: func(id uuid.UUID) {
			for _, c := range caches {
				c.Forget(id)
			}
		},
		Stock: func(tenantID, variantID uuid.UUID, stock *int) {
			for _, c := range caches {
				if k, ok := c.(StockKeeper); ok {
					k.SetStock(tenantID, variantID, stock)
				}
			}
		},
		Reset: func() {
			for _, c := range caches {
				c.ForgetAll()
			}
		},
	}
}

// ListenTenantChanges holds one connection (to Options.DirectURL) that LISTENs on
// TenantChangedChannel and calls h for every notification, reconnecting
// with backoff until ctx is done. It returns when ctx is done.
func (db *DB) ListenTenantChanges(ctx context.Context, log *slog.Logger, h ChangeHandlers) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		connected, err := db.listenOnce(ctx, h)
		if ctx.Err() != nil {
			return
		}
		if connected {
			backoff = 100 * time.Millisecond
		}
		log.Warn("tenant change listener lost its connection; reconnecting", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// listenOnce listens until the connection fails; connected reports whether
// it got as far as listening.
func (db *DB) listenOnce(ctx context.Context, h ChangeHandlers) (connected bool, err error) {
	// A connection of its own, outside the pool, on the direct URL: LISTEN
	// needs a session, which a transaction pooler does not keep.
	c, err := pgx.ConnectConfig(ctx, db.direct)
	if err != nil {
		return false, err
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, "LISTEN "+TenantChangedChannel); err != nil {
		return false, err
	}
	if h.Reset != nil {
		h.Reset()
	}
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		h.handle(n.Payload)
	}
}

// handle calls the handler a notification's payload is for: a tenant's
// id, or "stock TENANT VARIANT UNITS" (UNITS "unlimited" for no limit)
// from the statements that change only a variant's stock.
func (h ChangeHandlers) handle(payload string) {
	if id, err := uuid.Parse(payload); err == nil {
		if h.Changed != nil {
			h.Changed(id)
		}
		return
	}
	tenantID, variantID, stock, ok := parseStockPayload(payload)
	switch {
	case !ok:
	case h.Stock != nil:
		h.Stock(tenantID, variantID, stock)
	case h.Changed != nil:
		h.Changed(tenantID)
	}
}

func parseStockPayload(payload string) (tenantID, variantID uuid.UUID, stock *int, ok bool) {
	f := strings.Fields(payload)
	if len(f) != 4 || f[0] != "stock" {
		return tenantID, variantID, nil, false
	}
	tenantID, err1 := uuid.Parse(f[1])
	variantID, err2 := uuid.Parse(f[2])
	if err1 != nil || err2 != nil {
		return tenantID, variantID, nil, false
	}
	if f[3] != "unlimited" {
		n, err := strconv.Atoi(f[3])
		if err != nil {
			return tenantID, variantID, nil, false
		}
		stock = &n
	}
	return tenantID, variantID, stock, true
}
