package tenant

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

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
// tenant's entries (O(1) per event, whatever the cache holds). Past
// MaxEntries the least recently used goes, approximately (the clock
// algorithm: a Get marks its entry used, and eviction passes over the
// entries in turn, clearing marks, until it meets one not used since it
// last passed), and its next Get loads it again. A Get of a cached value
// takes only the read lock and writes nothing shared but that mark, once.
type Memo[K comparable, V any] struct {
	ttl, missTTL, staleRetry time.Duration
	maxEntries, maxMisses    int
	now                      func() time.Time

	mu      sync.RWMutex
	entries map[K]*memoEntry[K, V]
	clock   []*memoEntry[K, V]          // every found entry; each knows its slot
	hand    int                         // the clock's hand: the next slot eviction looks at
	owners  map[uuid.UUID]*memoOwner[K] // the keys of each tenant and when it last changed
	misses  map[K]time.Time             // remembered "not found": key → when it expires
	calls   map[K]*memoCall[V]          // loads under way, which other Gets of the key wait for
	loading int                         // loads under way
	gen     uint64                      // bumped by every Forget and ForgetAll
	missGen uint64                      // gen of the last Forget: a miss loaded before it is not stored
	allGen  uint64                      // gen of the last ForgetAll: every entry loaded before it is stale
	stats   memoCounters                // what it answered: Stats
	changes atomic.Uint64               // Changes: bumped by every Forget, ForgetAll and reload of a cached value
	drops   atomic.Uint64               // bumped by every value let go (dropLocked): with changes, what a HostRef checks
	dropped func(V)                     // WhenDropped's
}

// memoEntry is one found value. What a Get reads comes first, so that a
// cold entry costs one cache line more often than two.
type memoEntry[K comparable, V any] struct {
	value   V
	stale   bool        // its tenant changed since it was loaded
	gone    bool        // evicted or dropped: a Ref to it answers nothing
	used    atomic.Bool // got since the clock's hand last passed
	loaded  uint64      // gen when its load began
	expires time.Time   // after it the value is stale
	key     K
	owner   uuid.UUID
	slot    int // its index in Memo.clock
}

// memoOwner is what the Memo knows of one tenant.
type memoOwner[K comparable] struct {
	keys    []K    // its cached entries: a slug's host and the event's domains, a Site
	changed uint64 // gen of its last Forget: a load begun before it is not stored
}

// memoCall is one load under way; done is closed when v and err are set.
type memoCall[V any] struct {
	done chan struct{}
	v    V
	err  error
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
func NewMemo[K comparable, V any](o MemoOptions) *Memo[K, V] {
	m := &Memo[K, V]{ttl: o.TTL, missTTL: o.MissTTL, staleRetry: o.StaleRetry, maxMisses: o.MaxMisses, maxEntries: o.MaxEntries,
		now: o.Now, entries: map[K]*memoEntry[K, V]{}, owners: map[uuid.UUID]*memoOwner[K]{}, misses: map[K]time.Time{},
		calls: map[K]*memoCall[V]{}}
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

var (
	errNotFound   = marquee.New(marquee.ENOTFOUND, "error.not_found")
	errLoadPanics = marquee.Internal(errors.New("tenant: a cache load panicked"))
)

// Get returns the cached value for key, loading it when it is missing or
// stale.
func (m *Memo[K, V]) Get(ctx context.Context, key K, load LoadFunc[V]) (V, error) {
	if v, ok, err := m.Cached(key); ok {
		return v, err
	}
	m.mu.Lock()
	if v, ok, err := m.cachedLocked(key, m.now()); ok { // loaded meanwhile
		m.mu.Unlock()
		return v, err
	}
	m.stats.misses.Add(1)
	if c := m.calls[key]; c != nil {
		m.mu.Unlock()
		<-c.done
		return c.v, c.err
	}
	c := &memoCall[V]{done: make(chan struct{})}
	m.calls[key] = c
	gen := m.gen
	m.loading++
	m.mu.Unlock()
	m.load(ctx, key, gen, c, load)
	return c.v, c.err
}

// Cached returns what the cache holds fresh for key, without loading:
// ok is false when a Get would load. A remembered "not found" is ok with
// an error of code ENOTFOUND.
func (m *Memo[K, V]) Cached(key K) (v V, ok bool, err error) {
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.cachedLocked(key, now)
}

func (m *Memo[K, V]) freshLocked(e *memoEntry[K, V], now time.Time) bool {
	return !e.stale && e.loaded >= m.allGen && !now.After(e.expires)
}

// cachedLocked answers from the cache when it holds a fresh answer for key,
// and marks it used. It needs at least the read lock.
func (m *Memo[K, V]) cachedLocked(key K, now time.Time) (v V, ok bool, err error) {
	if e := m.entries[key]; e != nil {
		if !m.freshLocked(e, now) {
			return v, false, nil
		}
		if !e.used.Load() { // written once per pass of the clock, not on every Get
			e.used.Store(true)
		}
		m.stats.hits.Add(1)
		return e.value, true, nil
	}
	if exp, found := m.misses[key]; found && !now.After(exp) {
		m.stats.hits.Add(1)
		return v, true, errNotFound
	}
	return v, false, nil
}

// load runs a load begun at gen for the call c, stores what it found and
// hands it to c's waiters.
func (m *Memo[K, V]) load(ctx context.Context, key K, gen uint64, c *memoCall[V], load LoadFunc[V]) {
	finished := false
	defer func() {
		if !finished { // load panicked: nothing is stored, the waiters get an error, the panic goes on
			m.mu.Lock()
			m.loading--
			delete(m.calls, key)
			m.mu.Unlock()
			c.err = errLoadPanics
			close(c.done)
		}
	}()
	v, owner, err := load(ctx)
	finished = true
	m.mu.Lock()
	m.loading--
	delete(m.calls, key)
	switch marquee.ErrorCode(err) {
	case "":
		m.storeLocked(key, gen, v, owner)
		c.v = v
	case marquee.ENOTFOUND:
		m.storeMissLocked(key, gen)
		c.err = errNotFound
	case marquee.EUNAVAILABLE:
		if stale, ok := m.keepStaleLocked(key, gen); ok {
			c.v = stale
		} else {
			c.err = err
		}
	default:
		c.err = err
	}
	m.pruneOwnersLocked() // after storing: the store needs the records of changes during the load
	m.mu.Unlock()
	close(c.done)
}

// changedSince reports whether owner changed (or everything was forgotten)
// after a load that began at gen: then what it loaded may be stale.
func (m *Memo[K, V]) changedSince(owner uuid.UUID, gen uint64) bool {
	if m.allGen > gen {
		return true
	}
	o := m.owners[owner]
	return o != nil && o.changed > gen
}

// keepStaleLocked returns the value under key after a reload found the
// database away, and lets it be served for staleRetry before the next try
// (unless a change arrived meanwhile: then the next Get tries again).
func (m *Memo[K, V]) keepStaleLocked(key K, gen uint64) (v V, ok bool) {
	e := m.entries[key]
	if e == nil {
		return v, false
	}
	if !m.changedSince(e.owner, gen) {
		e.stale, e.loaded, e.expires = false, max(e.loaded, gen), m.now().Add(m.staleRetry)
	}
	return e.value, true
}

func (m *Memo[K, V]) storeLocked(key K, gen uint64, v V, owner uuid.UUID) {
	if m.changedSince(owner, gen) {
		return // forgotten while loading: the value may be stale
	}
	delete(m.misses, key)
	if e := m.entries[key]; e != nil { // a stale entry loaded again: it keeps its slot
		if e.owner != owner {
			m.unindexLocked(e)
		}
		if m.dropped != nil {
			m.dropped(e.value)
		}
		e.value, e.owner, e.loaded, e.expires, e.stale = v, owner, gen, m.now().Add(m.ttl), false
		m.indexLocked(e)
		m.changes.Add(1)
		return
	}
	e := &memoEntry[K, V]{key: key, value: v, owner: owner, loaded: gen, expires: m.now().Add(m.ttl)}
	if m.maxEntries > 0 && len(m.clock) >= m.maxEntries {
		i := m.victimLocked()
		old := m.clock[i]
		m.dropLocked(old)
		delete(m.entries, old.key)
		m.unindexLocked(old)
		e.slot, m.clock[i] = i, e
		m.hand = i + 1 // the new entry gets a whole turn of the clock
	} else {
		e.slot = len(m.clock)
		m.clock = append(m.clock, e)
	}
	m.entries[key] = e
	m.indexLocked(e)
}

// victimLocked moves the clock's hand to the first entry not used since
// the hand last passed it, clearing the marks it passes, and returns its
// slot. It ends within one turn.
func (m *Memo[K, V]) victimLocked() int {
	for {
		if m.hand >= len(m.clock) {
			m.hand = 0
		}
		e := m.clock[m.hand]
		if !e.used.Load() {
			return m.hand
		}
		e.used.Store(false)
		m.hand++
	}
}

func (m *Memo[K, V]) indexLocked(e *memoEntry[K, V]) {
	o := m.owners[e.owner]
	if o == nil {
		o = &memoOwner[K]{}
		m.owners[e.owner] = o
	}
	if !slices.Contains(o.keys, e.key) {
		o.keys = append(o.keys, e.key)
	}
}

func (m *Memo[K, V]) storeMissLocked(key K, gen uint64) {
	if m.missGen > gen || m.allGen > gen {
		return // something changed while loading: the event may exist now
	}
	if e := m.entries[key]; e != nil {
		m.removeLocked(e)
	}
	if len(m.misses) >= m.maxMisses {
		m.misses = map[K]time.Time{}
	}
	m.misses[key] = m.now().Add(m.missTTL)
}

// removeLocked drops one found value; the last slot's entry takes its slot.
func (m *Memo[K, V]) removeLocked(e *memoEntry[K, V]) {
	m.dropLocked(e)
	last := len(m.clock) - 1
	m.clock[e.slot] = m.clock[last]
	m.clock[e.slot].slot = e.slot
	m.clock[last] = nil
	m.clock = m.clock[:last]
	delete(m.entries, e.key)
	m.unindexLocked(e)
}

// dropLocked marks e gone, for the Refs that point at it, and lets its
// value go: a Ref kept with a host must not keep an evicted event in memory.
func (m *Memo[K, V]) dropLocked(e *memoEntry[K, V]) {
	if m.dropped != nil {
		m.dropped(e.value)
	}
	var zero V
	e.gone, e.value = true, zero
	m.drops.Add(1)
}

// WhenDropped has the Memo call f, under its lock, with every value it
// lets go: evicted for room, or replaced by a reload; f must be quick and
// must not call the Memo. What a caller made from a value can let go of it
// there, since a value is not a change (Changes) when it is only evicted.
// Call it before the Memo's first use.
func (m *Memo[K, V]) WhenDropped(f func(V)) { m.dropped = f }

// unindexLocked takes e out of its tenant's keys, and forgets the tenant
// once it has none and no load could need its last change.
func (m *Memo[K, V]) unindexLocked(e *memoEntry[K, V]) {
	o := m.owners[e.owner]
	if o == nil {
		return
	}
	if i := slices.Index(o.keys, e.key); i >= 0 {
		o.keys[i] = o.keys[len(o.keys)-1]
		o.keys = o.keys[:len(o.keys)-1]
	}
	if len(o.keys) == 0 && m.loading == 0 {
		delete(m.owners, e.owner)
	}
}

// pruneOwnersLocked drops the records of tenants that have no entry
// (changes noted while loads were under way) once no load is under way
// and they have piled up: the sweep is paid for by the records it drops.
func (m *Memo[K, V]) pruneOwnersLocked() {
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
func (m *Memo[K, V]) Forget(tenantID uuid.UUID) {
	m.stats.invalidations.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	defer m.changes.Add(1) // after the entries are marked
	m.gen++
	m.missGen = m.gen
	if len(m.misses) > 0 {
		m.misses = map[K]time.Time{}
	}
	o := m.owners[tenantID]
	if o == nil {
		if m.loading == 0 {
			return // nothing cached, nothing loading
		}
		o = &memoOwner[K]{}
		m.owners[tenantID] = o
	}
	o.changed = m.gen
	for _, k := range o.keys {
		m.entries[k].stale = true
	}
}

// Apply changes the value cached under key, owned by tenantID, in place
// with fn (under the Memo's lock: fn must be quick), fresh or stale, without
// a reload. A load of that tenant under way is not stored: it may have
// read the data before the change.
func (m *Memo[K, V]) Apply(tenantID uuid.UUID, key K, fn func(V)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loading > 0 {
		m.gen++
		o := m.owners[tenantID]
		if o == nil {
			o = &memoOwner[K]{}
			m.owners[tenantID] = o
		}
		o.changed = m.gen
	}
	if e := m.entries[key]; e != nil && e.owner == tenantID {
		fn(e.value)
	}
}

// ForgetAll marks every entry stale and drops every "not found", e.g.
// after the notification stream was interrupted and changes may have been
// missed. It costs the same whatever the cache holds.
func (m *Memo[K, V]) ForgetAll() {
	m.stats.invalidations.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	defer m.changes.Add(1)
	m.gen++
	m.missGen, m.allGen = m.gen, m.gen
	m.misses = map[K]time.Time{}
}

// Changes is a count that grows whenever a cached value may have changed:
// a Forget, a ForgetAll, a stale value loaded again. What was read from the
// Memo when it had one count is as fresh as a Get at the same count, as
// long as it is not older than the value's time to live (FreshForAttached)
// and the value was not dropped (WhenDropped: an eviction is no change). It
// is one atomic load, so a caller can keep what it derives from a value (a
// page as served) and check it with no lookup.
func (m *Memo[K, V]) Changes() uint64 { return m.changes.Load() }

// Len reports how many entries are cached (found and not found, fresh and
// stale).
func (m *Memo[K, V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries) + len(m.misses)
}
