package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/notify/render"
	"marquee/tenant"
)

// eventTTL is how long the workers reuse what they loaded of an event. At
// hundreds of orders a second nearly every job is about the same event,
// and loading it is two of a job's five transactions; an email rendered
// with a branding a few seconds old is still right.
const eventTTL = 5 * time.Second

// loadedEvent is what Deps.Event returned for one event, and when.
type loadedEvent struct {
	tenant  *tenant.Tenant
	content storefront.SiteContent
	event   render.Event
	at      time.Time
}

// eventCache keeps the events the workers loaded for eventTTL. Its zero
// value is ready.
type eventCache struct {
	mu      sync.Mutex
	entries map[uuid.UUID]loadedEvent
}

// get returns the event tenantID as loaded within eventTTL, else loads it.
func (c *eventCache) get(ctx context.Context, tenantID uuid.UUID, load func(context.Context, uuid.UUID) (*tenant.Tenant, storefront.SiteContent, render.Event, error)) (*tenant.Tenant, storefront.SiteContent, render.Event, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[tenantID]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < eventTTL {
		return e.tenant, e.content, e.event, nil
	}
	t, content, ev, err := load(ctx, tenantID)
	if err != nil {
		return t, content, ev, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[uuid.UUID]loadedEvent{}
	}
	for id, old := range c.entries {
		if now.Sub(old.at) >= eventTTL {
			delete(c.entries, id) // few events are busy at once: the map stays small
		}
	}
	c.entries[tenantID] = loadedEvent{tenant: t, content: content, event: ev, at: now}
	return t, content, ev, nil
}
