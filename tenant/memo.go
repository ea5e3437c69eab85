package tenant

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"marquee"
)

// Memo is an in-memory cache of values that belong to a tenant, dropped by
// Forget when that tenant changes (NOTIFY tenant_changed reaches every
// replica). Misses are loaded once however many requests ask at the same
// time. "Not found" is remembered too, briefly and in bounded number, so a
// flood of unknown hosts does not become a flood of queries; any change to
// any tenant forgets every "not found", so a new event or domain answers at
// once.
type Memo[V any] struct {
	ttl, missTTL time.Duration
	maxMisses    int
	now          func() time.Time

	mu      sync.RWMutex
	entries map[string]memoEntry[V]
	misses  int
	gen     uint64 // bumped by every Forget: a load that began before it is not stored
	group   singleflight.Group
}

type memoEntry[V any] struct {
	value   V
	owner   uuid.UUID // uuid.Nil for a remembered "not found"
	expires time.Time
}

// MemoOptions tune a Memo. Zero values get defaults.
type MemoOptions struct {
	TTL       time.Duration // how long a found value may live without a notification (default 10 min)
	MissTTL   time.Duration // how long "not found" is remembered (default 30 s)
	MaxMisses int           // how many "not found" entries at most (default 10,000)
	Now       func() time.Time
}

// NewMemo returns an empty Memo.
func NewMemo[V any](o MemoOptions) *Memo[V] {
	m := &Memo[V]{ttl: o.TTL, missTTL: o.MissTTL, maxMisses: o.MaxMisses, now: o.Now, entries: map[string]memoEntry[V]{}}
	if m.ttl <= 0 {
		m.ttl = 10 * time.Minute
	}
	if m.missTTL <= 0 {
		m.missTTL = 30 * time.Second
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

// Get returns the cached value for key, loading it on a miss.
func (m *Memo[V]) Get(ctx context.Context, key string, load LoadFunc[V]) (V, error) {
	if v, ok, err := m.lookup(key); ok {
		return v, err
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

func (m *Memo[V]) lookup(key string) (V, bool, error) {
	m.mu.RLock()
	e, ok := m.entries[key]
	m.mu.RUnlock()
	if !ok || m.now().After(e.expires) {
		var zero V
		return zero, false, nil
	}
	if e.owner == uuid.Nil {
		return e.value, true, errNotFound
	}
	return e.value, true, nil
}

var errNotFound = marquee.New(marquee.ENOTFOUND, "error.not_found")

func (m *Memo[V]) load(ctx context.Context, key string, load LoadFunc[V]) (V, error) {
	m.mu.RLock()
	gen := m.gen
	m.mu.RUnlock()
	v, owner, err := load(ctx)
	notFound := marquee.ErrorCode(err) == marquee.ENOTFOUND
	if err != nil && !notFound {
		return v, err
	}
	if notFound {
		owner = uuid.Nil
	}
	m.store(key, gen, memoEntry[V]{value: v, owner: owner})
	if notFound {
		return v, errNotFound
	}
	return v, nil
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

// Forget drops every entry of one tenant and every remembered "not found".
func (m *Memo[V]) Forget(tenantID uuid.UUID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	for k, e := range m.entries {
		if e.owner == tenantID {
			delete(m.entries, k)
		}
	}
	m.dropMissesLocked()
}

// ForgetAll empties the memo, e.g. after the notification stream was
// interrupted and changes may have been missed.
func (m *Memo[V]) ForgetAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	m.entries = map[string]memoEntry[V]{}
	m.misses = 0
}

// Len reports how many entries are cached (found and not found).
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
