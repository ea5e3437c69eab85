package tenant

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee"
)

// fakeClock is a settable clock for expiry tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestMemo(t *testing.T) {
	ctx := context.Background()
	owner := uuid.New()
	var loads atomic.Int32
	found := func(ctx context.Context) (string, uuid.UUID, error) {
		loads.Add(1)
		return "value", owner, nil
	}
	missing := func(ctx context.Context) (string, uuid.UUID, error) {
		loads.Add(1)
		return "", uuid.Nil, marquee.New(marquee.ENOTFOUND, "x")
	}

	t.Run("a found value is loaded once", func(t *testing.T) {
		loads.Store(0)
		m := NewMemo[string](MemoOptions{})
		for range 3 {
			if v, err := m.Get(ctx, "k", found); v != "value" || err != nil {
				t.Fatalf("got %q, %v", v, err)
			}
		}
		if loads.Load() != 1 {
			t.Fatalf("%d loads, want 1", loads.Load())
		}
	})

	t.Run("not found is remembered until its ttl", func(t *testing.T) {
		loads.Store(0)
		clock := &fakeClock{now: time.Unix(0, 0)}
		m := NewMemo[string](MemoOptions{MissTTL: time.Second, Now: clock.Now})
		for range 3 {
			if _, err := m.Get(ctx, "k", missing); marquee.ErrorCode(err) != marquee.ENOTFOUND {
				t.Fatalf("want not found, got %v", err)
			}
		}
		clock.Add(2 * time.Second)
		_, _ = m.Get(ctx, "k", missing)
		if loads.Load() != 2 {
			t.Fatalf("%d loads, want 2 (one before and one after expiry)", loads.Load())
		}
	})

	t.Run("forget drops the tenant's entries and every miss", func(t *testing.T) {
		loads.Store(0)
		m := NewMemo[string](MemoOptions{})
		other := uuid.New()
		_, _ = m.Get(ctx, "mine", found)
		_, _ = m.Get(ctx, "theirs", func(context.Context) (string, uuid.UUID, error) { return "v", other, nil })
		_, _ = m.Get(ctx, "miss", missing)
		m.Forget(owner)
		if m.Len() != 1 {
			t.Fatalf("%d entries left, want 1 (the other tenant's)", m.Len())
		}
	})

	t.Run("a load that raced with forget is not stored", func(t *testing.T) {
		m := NewMemo[string](MemoOptions{})
		stale := func(ctx context.Context) (string, uuid.UUID, error) {
			m.Forget(owner) // the change notification arrives mid-load
			return "stale", owner, nil
		}
		if v, _ := m.Get(ctx, "k", stale); v != "stale" {
			t.Fatalf("the caller still gets what was loaded, got %q", v)
		}
		if m.Len() != 0 {
			t.Fatal("a value loaded before a Forget was cached")
		}
	})

	t.Run("misses are bounded", func(t *testing.T) {
		m := NewMemo[string](MemoOptions{MaxMisses: 10})
		for i := range 25 {
			_, _ = m.Get(ctx, string(rune('a'+i)), missing)
		}
		if m.Len() > 10 {
			t.Fatalf("%d misses cached, want at most 10", m.Len())
		}
	})

	t.Run("other errors are not cached", func(t *testing.T) {
		loads.Store(0)
		m := NewMemo[string](MemoOptions{})
		broken := func(context.Context) (string, uuid.UUID, error) {
			loads.Add(1)
			return "", uuid.Nil, marquee.New(marquee.EUNAVAILABLE, "down")
		}
		_, _ = m.Get(ctx, "k", broken)
		_, _ = m.Get(ctx, "k", broken)
		if loads.Load() != 2 {
			t.Fatalf("%d loads, want 2", loads.Load())
		}
	})

	t.Run("concurrent misses load once", func(t *testing.T) {
		m := NewMemo[string](MemoOptions{})
		var n atomic.Int32
		release := make(chan struct{})
		slow := func(context.Context) (string, uuid.UUID, error) {
			n.Add(1)
			<-release
			return "v", owner, nil
		}
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() { _, _ = m.Get(ctx, "k", slow) })
		}
		time.Sleep(50 * time.Millisecond)
		close(release)
		wg.Wait()
		if n.Load() != 1 {
			t.Fatalf("%d loads for 10 concurrent requests, want 1", n.Load())
		}
	})
}
