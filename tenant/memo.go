package tenant

import (
	"container/list"
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
//
// Found values are indexed by their tenant, so Forget touches only that
// tenant's entries (O(1) per event, whatever the cache holds), and kept in
// least-recently-used order: past MaxEntries the least recently used one
// goes, and its next Get loads it again.
type Memo[V any] struct {
	ttl, missTTL, staleRetry time.Duration
	maxEntries, maxMisses    int
	now                      func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element // key → element of lru holding a *memoEntry[V]
	lru     list.List                // most recently used first
	owners  map[uuid.UUID]*memoOwner // the keys of each tenant and when it last changed
	misses  map[string]time.Time     // remembered "not found": key → when it expires
	loading int                      // loads under way
	gen     uint64                   // bumped by every Forget and ForgetAll
	missGen uint64                   // gen of the last Forget: a miss loaded before it is not stored
	allGen  uint64                   // gen of the last ForgetAll: every entry loaded before it is stale
	group   singleflight.Group
}

type memoEntry[V any] struct {
	key     string
	value   V
	owner   uuid.UUID
	loaded  uint64    // gen when its load began
	expires time.Time // after it the value is stale
	stale   bool      // its tenant changed since it was loaded
}

// memoOwner is what the Memo knows of one tenant.
type memoOwner struct {
	keys    map[string]struct{} // its cached entries
	changed uint64              // gen of its last Forget: a load begun before it is not stored
}

// MemoOptions tune a Memo. Zero values get defaults.
type MemoOptions struct {
	TTL       time.Duration // how long a found value may live without a notification (default 10 min)
	MissTTL   time.Duration // how long "not found" is remembered (default 30 s)
	MaxMisses int           // how many "not found" entries at most (default 10,000)
	// MaxEntries bounds the found values kept; past it the least recently
	// used goes. 0 is unbounded.
	MaxEntries int
	// StaleRetry is how long a stale value is served without another
	// reload after a reload found the database away (default 1 s).
	StaleRetry time.Duration
	Now        func() time.Time
}

// NewMemo returns an empty Memo.
func NewMemo[V any](o MemoOptions) *Memo[V] {
	m := &Memo[V]{ttl: o.TTL, missTTL: o.MissTTL, staleRetry: o.StaleRetry, maxMisses: o.MaxMisses, maxEntries: o.MaxEntries,
		now: o.Now, entries: map[string]*list.Element{}, owners: map[uuid.UUID]*memoOwner{}, misses: map[string]time.Time{}}
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

var errNotFound = marquee.New(marquee.ENOTFOUND, "error.not_found")

// Get returns the cached value for key, loading it when it is missing or
// stale.
func (m *Memo[V]) Get(ctx context.Context, key string, load LoadFunc[V]) (V, error) {
	if v, ok, err := m.cached(key); ok {
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

// cached answers from the cache when it holds a fresh answer for key, and
// marks it the most recently used.
func (m *Memo[V]) cached(key string) (v V, ok bool, err error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, found := m.entries[key]; found {
		e := el.Value.(*memoEntry[V])
		if e.stale || e.loaded < m.allGen || now.After(e.expires) {
			return v, false, nil
		}
		m.lru.MoveToFront(el)
		return e.value, true, nil
	}
	if exp, found := m.misses[key]; found && !now.After(exp) {
		return v, true, errNotFound
	}
	return v, false, nil
}

func (m *Memo[V]) load(ctx context.Context, key string, load LoadFunc[V]) (V, error) {
	m.mu.Lock()
	gen := m.gen
	m.loading++
	m.mu.Unlock()
	var v V
	var owner uuid.UUID
	var err error
	defer func() { // the load is over however it ended, a panic included
		m.mu.Lock()
		defer m.mu.Unlock()
		m.loading--
		m.pruneOwnersLocked()
		switch marquee.ErrorCode(err) {
		case "":
			m.storeLocked(key, gen, v, owner)
		case marquee.ENOTFOUND:
			m.storeMissLocked(key, gen)
		}
	}()
	v, owner, err = load(ctx)
	switch marquee.ErrorCode(err) {
	case "":
		return v, nil
	case marquee.ENOTFOUND:
		return v, errNotFound
	case marquee.EUNAVAILABLE:
		if stale, ok := m.keepStale(key, gen); ok {
			return stale, nil
		}
	}
	return v, err
}

// changedSince reports whether owner changed (or everything was forgotten)
// after a load that began at gen: then what it loaded may be stale.
func (m *Memo[V]) changedSince(owner uuid.UUID, gen uint64) bool {
	if m.allGen > gen {
		return true
	}
	o := m.owners[owner]
	return o != nil && o.changed > gen
}

// keepStale returns the value under key after a reload found the database
// away, and lets it be served for staleRetry before the next try (unless a
// change arrived meanwhile: then the next Get tries again).
func (m *Memo[V]) keepStale(key string, gen uint64) (v V, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.entries[key]
	if !ok {
		return v, false
	}
	e := el.Value.(*memoEntry[V])
	if !m.changedSince(e.owner, gen) {
		e.stale, e.loaded, e.expires = false, max(e.loaded, gen), m.now().Add(m.staleRetry)
	}
	return e.value, true
}

func (m *Memo[V]) storeLocked(key string, gen uint64, v V, owner uuid.UUID) {
	if m.changedSince(owner, gen) {
		return // forgotten while loading: the value may be stale
	}
	delete(m.misses, key)
	e := &memoEntry[V]{key: key, value: v, owner: owner, loaded: gen, expires: m.now().Add(m.ttl)}
	if el, ok := m.entries[key]; ok {
		m.unindexLocked(el.Value.(*memoEntry[V]))
		el.Value = e
		m.lru.MoveToFront(el)
	} else {
		m.entries[key] = m.lru.PushFront(e)
	}
	o := m.owners[owner]
	if o == nil {
		o = &memoOwner{keys: map[string]struct{}{}}
		m.owners[owner] = o
	}
	o.keys[key] = struct{}{}
	for m.maxEntries > 0 && m.lru.Len() > m.maxEntries {
		m.removeLocked(m.lru.Back())
	}
}

func (m *Memo[V]) storeMissLocked(key string, gen uint64) {
	if m.missGen > gen || m.allGen > gen {
		return // something changed while loading: the event may exist now
	}
	if el, ok := m.entries[key]; ok {
		m.removeLocked(el)
	}
	if len(m.misses) >= m.maxMisses {
		m.misses = map[string]time.Time{}
	}
	m.misses[key] = m.now().Add(m.missTTL)
}

// removeLocked drops one found value.
func (m *Memo[V]) removeLocked(el *list.Element) {
	e := el.Value.(*memoEntry[V])
	m.lru.Remove(el)
	delete(m.entries, e.key)
	m.unindexLocked(e)
}

// unindexLocked takes e out of its tenant's keys, and forgets the tenant
// once it has none and no load could need its last change.
func (m *Memo[V]) unindexLocked(e *memoEntry[V]) {
	o := m.owners[e.owner]
	if o == nil {
		return
	}
	delete(o.keys, e.key)
	if len(o.keys) == 0 && m.loading == 0 {
		delete(m.owners, e.owner)
	}
}

// pruneOwnersLocked drops the records of tenants that have no entry
// (changes noted while loads were under way) once no load is under way
// and they have piled up: the sweep is paid for by the records it drops.
func (m *Memo[V]) pruneOwnersLocked() {
	if m.loading > 0 || len(m.owners) < len(m.entries)+1024 {
		return
	}
	for id, o := range m.owners {
		if len(o.keys) == 0 {
			delete(m.owners, id)
		}
	}
}

// Forget marks every entry of one tenant stale and drops every remembered
// "not found". Stale entries stay: they are what an outage serves. It
// touches only that tenant's entries.
func (m *Memo[V]) Forget(tenantID uuid.UUID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	m.missGen = m.gen
	if len(m.misses) > 0 {
		m.misses = map[string]time.Time{}
	}
	o := m.owners[tenantID]
	if o == nil {
		if m.loading == 0 {
			return // nothing cached, nothing loading
		}
		o = &memoOwner{keys: map[string]struct{}{}}
		m.owners[tenantID] = o
	}
	o.changed = m.gen
	for k := range o.keys {
		m.entries[k].Value.(*memoEntry[V]).stale = true
	}
}

// Apply changes the value cached under key, owned by tenantID, in place
// with fn (under the Memo's lock: fn must be quick), fresh or stale, without
// a reload. A load of that tenant under way is not stored: it may have
// read the data before the change.
func (m *Memo[V]) Apply(tenantID uuid.UUID, key string, fn func(V)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loading > 0 {
		m.gen++
		o := m.owners[tenantID]
		if o == nil {
			o = &memoOwner{keys: map[string]struct{}{}}
			m.owners[tenantID] = o
		}
		o.changed = m.gen
	}
	if el, ok := m.entries[key]; ok {
		if e := el.Value.(*memoEntry[V]); e.owner == tenantID {
			fn(e.value)
		}
	}
}

// ForgetAll marks every entry stale and drops every "not found", e.g.
// after the notification stream was interrupted and changes may have been
// missed. It costs the same whatever the cache holds.
func (m *Memo[V]) ForgetAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	m.missGen, m.allGen = m.gen, m.gen
	m.misses = map[string]time.Time{}
}

// Len reports how many entries are cached (found and not found, fresh and
// stale).
func (m *Memo[V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries) + len(m.misses)
}
