package db

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// TenantChangedChannel is the NOTIFY channel the triggers of every tenant
// table send the changed tenant's id on.
const TenantChangedChannel = "tenant_changed"

// ChangeHandlers receive what ListenTenantChanges hears.
type ChangeHandlers struct {
	// Changed is called with the id of a tenant whose data changed.
	Changed func(uuid.UUID)
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
		Reset: func() {
			for _, c := range caches {
				c.ForgetAll()
			}
		},
	}
}

// ListenTenantChanges holds one connection that LISTENs on
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
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	// The listening connection leaves the pool for good: it is busy waiting.
	c := conn.Hijack()
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
		if id, err := uuid.Parse(n.Payload); err == nil && h.Changed != nil {
			h.Changed(id)
		}
	}
}
