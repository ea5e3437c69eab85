package tenant

import (
	"sync/atomic"
	"time"
	"unsafe"
)

// Ref remembers where a value is cached, so that the next Get of the same
// key can go straight to it (Memo.Again) instead of looking the key up:
// with many events cached, the lookup reads memory no other request has
// brought near the processor. It is safe for concurrent use; the zero Ref
// refers to nothing.
type Ref[K comparable, V any] struct {
	e atomic.Pointer[memoEntry[K, V]]
}

// Again returns the value ref refers to while it is cached and fresh, and
// marks it used as Get does; ok is false when a Get is needed.
func (m *Memo[K, V]) Again(ref *Ref[K, V]) (v V, ok bool) {
	return m.again(ref.e.Load())
}

func (m *Memo[K, V]) again(e *memoEntry[K, V]) (v V, ok bool) {
	v, _, ok = m.againSeen(e)
	return v, ok
}

// againSeen is again that also returns what a Seen of the value holds
// for: the Memo's seen count and the value's expiry, read under the lock
// that keeps both as they were when the value was found fresh.
func (m *Memo[K, V]) againSeen(e *memoEntry[K, V]) (v V, s Seen, ok bool) {
	if e == nil {
		return v, s, false
	}
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e.gone || !m.freshLocked(e, now) {
		return v, s, false
	}
	if !e.used.Load() {
		e.used.Store(true)
	}
	m.stats.hits.Add(1)
	return e.value, Seen{count: m.seen(), expires: e.expires.UnixNano()}, true
}

// Remember points ref at the value cached under key, if one is cached and
// fresh (after a Get).
func (m *Memo[K, V]) Remember(ref *Ref[K, V], key K) {
	_, _, _ = m.rememberSeen(ref, key)
}

// rememberSeen is Remember that also returns the value ref now points at
// and what a Seen of it holds for (againSeen).
func (m *Memo[K, V]) rememberSeen(ref *Ref[K, V], key K) (v V, s Seen, ok bool) {
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e := m.entries[key]; e != nil && m.freshLocked(e, now) {
		ref.e.Store(e)
		if !e.used.Load() { // a value just loaded: the Ref's next uses may not come through the entry (HostRef)
			e.used.Store(true)
		}
		return e.value, Seen{count: m.seen(), expires: e.expires.UnixNano()}, true
	}
	return v, s, false
}

// seen is a count that grows whenever a cached value may have changed
// (Changes) and whenever the Memo lets a value go (evicted for room, or
// dropped for a "not found"); it is read under the lock, which every such
// event holds. While it stays as it was when a value was found fresh, that
// value is still cached, is still what a Get of its key returns, and is
// fresh until its expiry. Since every eviction moves it, the next use of
// every Seen after one goes through the cache again and marks its entry
// used, as the eviction clock needs.
func (m *Memo[K, V]) seen() uint64 { return m.changes.Load() + m.drops.Load() }

// Seen is when a value was last found fresh in a Memo: its seen count and
// the value's expiry (Unix nanoseconds). Its zero value holds for nothing.
type Seen struct {
	count   uint64
	expires int64
}

// holds reports whether a value seen as s is still fresh in m at now,
// without reading the entry that keeps it.
func (m *Memo[K, V]) holds(s Seen, now time.Time) bool {
	return s.expires != 0 && s.count == m.seen() && now.UnixNano() <= s.expires
}

// AgainAttached is Again for the Ref an Attachment holds for this Memo
// (RememberAttached); ok is false when it holds none.
func (m *Memo[K, V]) AgainAttached(a *Attachment) (v V, ok bool) {
	if a == nil || a.owner.Load() != m.id() {
		return v, false
	}
	return m.again((*memoEntry[K, V])(unsafe.Pointer(a.entry.Load())))
}

// RememberAttached points a at the value cached under key, as Remember
// does a Ref, unless a belongs to another Memo.
func (m *Memo[K, V]) RememberAttached(a *Attachment, key K) {
	if a == nil || (!a.owner.CompareAndSwap(nil, m.id()) && a.owner.Load() != m.id()) {
		return
	}
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e := m.entries[key]; e != nil && m.freshLocked(e, now) {
		a.entry.Store((*byte)(unsafe.Pointer(e)))
	}
}

// FreshForAttached is how much longer the value an Attachment refers to
// (RememberAttached) stays fresh without a change, by the Memo's clock: 0
// when it refers to none, or to one that is stale or gone.
func (m *Memo[K, V]) FreshForAttached(a *Attachment) time.Duration {
	if a == nil || a.owner.Load() != m.id() {
		return 0
	}
	e := (*memoEntry[K, V])(unsafe.Pointer(a.entry.Load()))
	if e == nil {
		return 0
	}
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e.gone || !m.freshLocked(e, now) {
		return 0
	}
	return e.expires.Sub(now)
}

func (m *Memo[K, V]) id() *byte { return (*byte)(unsafe.Pointer(m)) }
