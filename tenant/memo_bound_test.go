package tenant

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/google/uuid"
)

// countingLoads loads "value of KEY" owned by owners[KEY] and counts the
// loads of each key.
type countingLoads struct {
	mu     sync.Mutex
	owners map[string]uuid.UUID
	loads  map[string]int
}

func newCountingLoads(keys int) *countingLoads {
	c := &countingLoads{owners: map[string]uuid.UUID{}, loads: map[string]int{}}
	for i := range keys {
		c.owners[strconv.Itoa(i)] = uuid.New()
	}
	return c
}

func (c *countingLoads) get(m *Memo[string, string], key string) string {
	v, _ := m.Get(context.Background(), key, func(context.Context) (string, uuid.UUID, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.loads[key]++
		return "value of " + key, c.owners[key], nil
	})
	return v
}

func (c *countingLoads) count(key string) int { c.mu.Lock(); defer c.mu.Unlock(); return c.loads[key] }

func TestMemoForgetsOneEventOnly(t *testing.T) {
	c := newCountingLoads(100)
	m := NewMemo[string, string](MemoOptions{})
	for i := range 100 {
		c.get(m, strconv.Itoa(i))
	}
	m.Forget(c.owners["42"])
	for i := range 100 {
		key := strconv.Itoa(i)
		if v := c.get(m, key); v != "value of "+key {
			t.Fatalf("Get(%s) = %q", key, v)
		}
		want := 1
		if key == "42" {
			want = 2 // the forgotten event is loaded again
		}
		if got := c.count(key); got != want {
			t.Errorf("event %s loaded %d times, want %d", key, got, want)
		}
	}
}

func TestMemoBound(t *testing.T) {
	t.Run("past its bound the least recently used event goes", func(t *testing.T) {
		c := newCountingLoads(4)
		m := NewMemo[string, string](MemoOptions{MaxEntries: 3})
		for _, k := range []string{"0", "1", "2", "0", "3"} { // 1 is now the least recently used
			c.get(m, k)
		}
		if m.Len() != 3 {
			t.Fatalf("%d entries cached, want 3", m.Len())
		}
		for _, k := range []string{"0", "2", "3"} {
			c.get(m, k)
			if c.count(k) != 1 {
				t.Errorf("event %s loaded %d times, want 1 (it stayed cached)", k, c.count(k))
			}
		}
		if v := c.get(m, "1"); v != "value of 1" || c.count("1") != 2 {
			t.Errorf("evicted event: Get = %q after %d loads, want it loaded again", v, c.count("1"))
		}
		if m.Len() != 3 {
			t.Fatalf("%d entries cached after reloading the evicted one, want 3", m.Len())
		}
	})
	t.Run("an evicted event forgets its index", func(t *testing.T) {
		c := newCountingLoads(1000)
		m := NewMemo[string, string](MemoOptions{MaxEntries: 10})
		for i := range 1000 {
			c.get(m, strconv.Itoa(i))
		}
		m.mu.Lock()
		owners := len(m.owners)
		m.mu.Unlock()
		if owners != 10 {
			t.Fatalf("%d tenants indexed, want the 10 cached", owners)
		}
		m.Forget(c.owners["5"]) // evicted long ago: nothing to do
		if v := c.get(m, "999"); v != "value of 999" || c.count("999") != 1 {
			t.Errorf("a cached event was reloaded after another one changed")
		}
	})
}

// scanMemo is the shape of Forget before issue 14: a scan of every entry
// under the write lock. Kept here to measure against.
type scanMemo struct {
	mu      sync.RWMutex
	entries map[string]scanEntry
}

type scanEntry struct {
	value string
	owner uuid.UUID
	stale bool
}

func (m *scanMemo) Forget(id uuid.UUID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, e := range m.entries {
		if e.owner == id {
			e.stale = true
			m.entries[k] = e
		}
	}
}

// BenchmarkForget forgets one event while 100,000 are cached: the scan it
// replaced, then the index.
func BenchmarkForget(b *testing.B) {
	const events = 100000
	owners := make([]uuid.UUID, events)
	for i := range owners {
		owners[i] = uuid.New()
	}
	b.Run("scan(before)", func(b *testing.B) {
		m := &scanMemo{entries: map[string]scanEntry{}}
		for i, o := range owners {
			m.entries[strconv.Itoa(i)] = scanEntry{value: "v", owner: o}
		}
		b.ResetTimer()
		for i := range b.N {
			m.Forget(owners[i%events])
		}
	})
	b.Run("indexed", func(b *testing.B) {
		m := NewMemo[string, string](MemoOptions{})
		for i, o := range owners {
			_, _ = m.Get(context.Background(), strconv.Itoa(i), func(context.Context) (string, uuid.UUID, error) { return "v", o, nil })
		}
		b.ResetTimer()
		for i := range b.N {
			m.Forget(owners[i%events])
		}
	})
}

func TestMemoForgetsChangesOfUncachedEvents(t *testing.T) {
	m := NewMemo[string, string](MemoOptions{})
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = m.Get(context.Background(), "slow", func(context.Context) (string, uuid.UUID, error) {
			<-release
			return "v", uuid.New(), nil
		})
	}()
	for { // wait until the load is under way
		m.mu.Lock()
		loading := m.loading
		m.mu.Unlock()
		if loading == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	for range 5000 { // changes of events nobody viewed, noted for the load under way
		m.Forget(uuid.New())
	}
	close(release)
	<-done
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.owners) > 1 {
		t.Errorf("%d tenants remembered after the load ended, want at most the one cached", len(m.owners))
	}
}

func TestMemoDoesNotStoreALoadItsEventChangedDuring(t *testing.T) {
	// The records of changes during loads pile up and are swept when the
	// last load ends; the one of the event being loaded must still stop
	// its value from being stored.
	m := NewMemo[string, string](MemoOptions{})
	owner := uuid.New()
	var loads atomic.Int32
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = m.Get(context.Background(), "k", func(context.Context) (string, uuid.UUID, error) {
			loads.Add(1)
			<-release
			return "before the change", owner, nil
		})
	}()
	for loads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	m.Forget(owner)
	for range 2000 {
		m.Forget(uuid.New())
	}
	close(release)
	<-done
	v, _ := m.Get(context.Background(), "k", func(context.Context) (string, uuid.UUID, error) {
		loads.Add(1)
		return "after the change", owner, nil
	})
	if v != "after the change" || loads.Load() != 2 {
		t.Fatalf("got %q after %d loads: a value loaded before its event changed was kept", v, loads.Load())
	}
}

func TestMemoLoadThatPanicsStoresNothing(t *testing.T) {
	m := NewMemo[string, string](MemoOptions{})
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the load's panic did not reach its caller")
			}
		}()
		_, _ = m.Get(context.Background(), "k", func(context.Context) (string, uuid.UUID, error) { panic("bug") })
	}()
	if m.Len() != 0 {
		t.Fatalf("%d entries after a load panicked, want none", m.Len())
	}
	if v, err := m.Get(context.Background(), "k", func(context.Context) (string, uuid.UUID, error) { return "v", uuid.New(), nil }); v != "v" || err != nil {
		t.Fatalf("after the panic: %q, %v", v, err)
	}
}

func TestMemoRef(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	c := newCountingLoads(2)
	m := NewMemo[string, string](MemoOptions{MaxEntries: 1, TTL: time.Minute, Now: clock.Now})
	var ref Ref[string, string]
	if _, ok := m.Again(&ref); ok {
		t.Fatal("the zero Ref answered")
	}
	c.get(m, "0")
	m.Remember(&ref, "0")
	if v, ok := m.Again(&ref); v != "value of 0" || !ok {
		t.Fatalf("Again = %q, %v; want the cached value", v, ok)
	}
	m.Forget(c.owners["0"])
	if _, ok := m.Again(&ref); ok {
		t.Fatal("a Ref answered for a value its tenant's change made stale")
	}
	c.get(m, "0") // loaded again into the same entry: the Ref follows
	if v, ok := m.Again(&ref); v != "value of 0" || !ok || c.count("0") != 2 {
		t.Fatalf("after the reload: Again = %q, %v after %d loads", v, ok, c.count("0"))
	}
	clock.Add(2 * time.Minute)
	if _, ok := m.Again(&ref); ok {
		t.Fatal("a Ref answered past the value's ttl")
	}
	c.get(m, "0")
	m.ForgetAll()
	if _, ok := m.Again(&ref); ok {
		t.Fatal("a Ref answered after ForgetAll")
	}
	c.get(m, "0")
	c.get(m, "1") // evicts 0 (the bound is 1)
	if _, ok := m.Again(&ref); ok {
		t.Fatal("a Ref answered for an evicted value")
	}
	m.Remember(&ref, "0") // not cached: the Ref stays as it was
	if _, ok := m.Again(&ref); ok {
		t.Fatal("Remember of a key not cached made the Ref answer")
	}
}

func TestMemoRefDoesNotKeepAnEvictedValue(t *testing.T) {
	type event struct{ slug, name string } // not tiny: the tiny allocator shares blocks
	m := NewMemo[string, *event](MemoOptions{MaxEntries: 1})
	var ref Ref[string, *event]
	var gone weak.Pointer[event]
	func() {
		e := &event{slug: "devcon", name: "DevCon"}
		gone = weak.Make(e)
		_, _ = m.Get(context.Background(), "0", func(context.Context) (*event, uuid.UUID, error) { return e, uuid.New(), nil })
	}()
	m.Remember(&ref, "0")
	_, _ = m.Get(context.Background(), "1", func(context.Context) (*event, uuid.UUID, error) { return &event{}, uuid.New(), nil })
	runtime.GC()
	if gone.Value() != nil {
		t.Fatal("a Ref to an evicted entry keeps its value in memory")
	}
	if _, ok := m.Again(&ref); ok {
		t.Fatal("a Ref answered for an evicted value")
	}
}
