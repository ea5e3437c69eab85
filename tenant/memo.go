package tenant

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"marquee"
)

// Memo is an in-memory cache of values that belong to a tenant, marked
// stale by Forget when that tenant changes (NOTIFY tenant_changed reaches
// every replica) or by age. A stale value is loaded again on the next Get;
// while that reload fails because the database is away (EUNAVAILABLE), the
// stale value is served instead, so pages already seen outlive an outage.
// A reload failure never removes an entry. Misses are loaded once however
// many requests ask at the same time. "Not found" is remembered too,
// briefly and in bounded number, so a flood of unknown hosts does not
// become a flood of queries; any change to any tenant forgets every "not
// found", so a new event or domain answers at once.
type Memo[V any] struct {
	ttl, missTTL, staleRetry time.Duration
	maxMisses                int
	now                      func() time.Time

	mu      sync.RWMutex
	entries map[string]memoEntry[V]
	misses  int
	gen     uint64 // bumped by every Forget: a load that began before it is not stored
	group   singleflight.Group
}

type memoEntry[V any] struct {
	value   V
	owner   uuid.UUID // uuid.Nil for a remembered "not found"
	expires time.Time // after it the value is stale
	stale   bool      // its tenant changed since it was loaded
}

// fresh reports whether e may be served without asking the store again.
func (e memoEntry[V]) fresh(now time.Time) bool { return !e.stale && !now.After(e.expires) }

// result is what Get answers for e.
func (e memoEntry[V]) result() (V, error) {
	if e.owner == uuid.Nil {
		return e.value, errNotFound
	}
	return e.value, nil
}

// MemoOptions tune a Memo. Zero values get defaults.
type MemoOptions struct {
	TTL       time.Duration // how long a found value may live without a notification (default 10 min)
	MissTTL   time.Duration // how long "not found" is remembered (default 30 s)
	MaxMisses int           // how many "not found" entries at most (default 10,000)
	// StaleRetry is how long a stale value is served without another
	// reload after a reload found the database away (default 1 s).
	StaleRetry time.Duration
	Now        func() time.Time
}

// NewMemo returns an empty Memo.
func NewMemo[V any](o MemoOptions) *Memo[V] {
	m := &Memo[V]{ttl: o.TTL, missTTL: o.MissTTL, staleRetry: o.StaleRetry, maxMisses: o.MaxMisses, now: o.Now, entries: map[string]memoEntry[V]{}}
	if m.ttl <= 0 {
		m.ttl = 10 * time.Minute
	}
	if m.missTTL <= 0 {
		m.missTTL = 30 * time.Second
	}
	if m.staleRetry <= 0 {
		m.staleRetry = time.Second
	}
	if m.maxMisses <= 0 {
		m.maxMisses = 10000
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

// LoadFunc loads the value for a key and names the tenant it belongs to. It
// returns an error with code ENOTFOUND when there is nothing under the key.
type LoadFunc[V any] func(ctx context.Context) (V, uuid.UUID, error)

// Get returns the cached value for key, loading it when it is missing or
// stale.
func (m *Memo[V]) Get(ctx context.Context, key string, load LoadFunc[V]) (V, error) {
	m.mu.RLock()
	e, ok := m.entries[key]
	m.mu.RUnlock()
	if ok && e.fresh(m.now()) {
		return e.result()
	}
	res, err, _ := m.group.Do(key, func() (any, error) {
		return m.load(ctx, key, load)
	})
	if err != nil {
		var zero V
		return zero, err
	}
	return res.(V), nil
}

var errNotFound = marquee.New(marquee.ENOTFOUND, "error.not_found")

func (m *Memo[V]) load(ctx context.Context, key string, load LoadFunc[V]) (V, error) {
	m.mu.RLock()
	gen := m.gen
	m.mu.RUnlock()
	v, owner, err := load(ctx)
	switch marquee.ErrorCode(err) {
	case "":
		m.store(key, gen, memoEntry[V]{value: v, owner: owner})
		return v, nil
	case marquee.ENOTFOUND:
		m.store(key, gen, memoEntry[V]{value: v, owner: uuid.Nil})
		return v, errNotFound
	case marquee.EUNAVAILABLE:
		if stale, ok := m.keepStale(key, gen); ok {
			return stale.result()
		}
	}
	return v, err
}

// keepStale returns the entry under key after a reload found the database
// away, and lets it be served for staleRetry before the next try (unless a
// change arrived meanwhile: then the next Get tries again).
func (m *Memo[V]) keepStale(key string, gen uint64) (memoEntry[V], bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if ok && gen == m.gen {
		e.stale, e.expires = false, m.now().Add(m.staleRetry)
		m.entries[key] = e
	}
	return e, ok
}

func (m *Memo[V]) store(key string, gen uint64, e memoEntry[V]) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.gen {
		return // forgotten while loading: the value may be stale
	}
	if e.owner == uuid.Nil {
		if m.misses >= m.maxMisses {
			m.dropMissesLocked()
		}
		m.misses++
		e.expires = m.now().Add(m.missTTL)
	} else {
		e.expires = m.now().Add(m.ttl)
	}
	if old, ok := m.entries[key]; ok && old.owner == uuid.Nil {
		m.misses--
	}
	m.entries[key] = e
}

// Forget marks every entry of one tenant stale and drops every remembered
// "not found". Stale entries stay: they are what an outage serves.
func (m *Memo[V]) Forget(tenantID uuid.UUID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	for k, e := range m.entries {
		if e.owner == tenantID {
			e.stale = true
			m.entries[k] = e
		}
	}
	m.dropMissesLocked()
}

// ForgetAll marks every entry stale and drops every "not found", e.g.
// after the notification stream was interrupted and changes may have been
// missed.
func (m *Memo[V]) ForgetAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	for k, e := range m.entries {
		e.stale = true
		m.entries[k] = e
	}
	m.dropMissesLocked()
}

// Len reports how many entries are cached (found and not found, fresh and
// stale).
func (m *Memo[V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries)
}

func (m *Memo[V]) dropMissesLocked() {
	for k, e := range m.entries {
		if e.owner == uuid.Nil {
			delete(m.entries, k)
		}
	}
	m.misses = 0
}
