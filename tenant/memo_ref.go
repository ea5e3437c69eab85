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
	if e == nil {
		return v, false
	}
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e.gone || !m.freshLocked(e, now) {
		return v, false
	}
	if !e.used.Load() {
		e.used.Store(true)
	}
	m.stats.hits.Add(1)
	return e.value, true
}

// Remember points ref at the value cached under key, if one is cached and
// fresh (after a Get).
func (m *Memo[K, V]) Remember(ref *Ref[K, V], key K) {
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e := m.entries[key]; e != nil && m.freshLocked(e, now) {
		ref.e.Store(e)
	}
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
