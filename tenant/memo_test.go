package tenant

import (
	"context"
	"errors"
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
		m := NewMemo[string, string](MemoOptions{})
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
		m := NewMemo[string, string](MemoOptions{MissTTL: time.Second, Now: clock.Now})
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

	t.Run("forget marks the tenant's entries stale and drops every miss", func(t *testing.T) {
		loads.Store(0)
		m := NewMemo[string, string](MemoOptions{})
		other := uuid.New()
		var theirLoads atomic.Int32
		theirs := func(context.Context) (string, uuid.UUID, error) { theirLoads.Add(1); return "v", other, nil }
		_, _ = m.Get(ctx, "mine", found)
		_, _ = m.Get(ctx, "theirs", theirs)
		_, _ = m.Get(ctx, "miss", missing)
		m.Forget(owner)
		if m.Len() != 2 {
			t.Fatalf("%d entries left, want 2 (a stale one and the other tenant's)", m.Len())
		}
		loads.Store(0)
		_, _ = m.Get(ctx, "mine", found)
		_, _ = m.Get(ctx, "theirs", theirs)
		_, _ = m.Get(ctx, "miss", missing)
		if loads.Load() != 2 || theirLoads.Load() != 1 {
			t.Fatalf("after forget: %d reloads of mine and the miss (want 2), %d loads of theirs (want 1)", loads.Load(), theirLoads.Load())
		}
	})

	t.Run("a load that raced with forget is not stored", func(t *testing.T) {
		m := NewMemo[string, string](MemoOptions{})
		stale := func(ctx context.Context) (string, uuid.UUID, error) {
			m.Forget(owner) // the change notification arrives mid-load
			return "stale", owner, nil
		}
		if v, _ := m.Get(ctx, "k", stale); v != "stale" {
			t.Fatalf("the caller still gets what was loaded, got %q", v)
		}
		loads.Store(0)
		if v, _ := m.Get(ctx, "k", found); v != "value" || loads.Load() != 1 {
			t.Fatalf("a value loaded before a Forget was cached: got %q after %d loads", v, loads.Load())
		}
	})

	t.Run("misses are bounded", func(t *testing.T) {
		m := NewMemo[string, string](MemoOptions{MaxMisses: 10})
		for i := range 25 {
			_, _ = m.Get(ctx, string(rune('a'+i)), missing)
		}
		if m.Len() > 10 {
			t.Fatalf("%d misses cached, want at most 10", m.Len())
		}
	})

	t.Run("other errors are not cached", func(t *testing.T) {
		loads.Store(0)
		m := NewMemo[string, string](MemoOptions{})
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
		m := NewMemo[string, string](MemoOptions{})
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

// TestMemoOutlivesAnOutage checks that a cached value survives a database
// outage: a reload that finds the database away serves the stale value,
// and no failure ever empties the memo.
func TestMemoOutlivesAnOutage(t *testing.T) {
	ctx := context.Background()
	owner := uuid.New()
	away := marquee.New(marquee.EUNAVAILABLE, "error.unavailable")
	type memoWithLoads struct {
		m     *Memo[string, string]
		clock *fakeClock
		loads atomic.Int32
	}
	// warm returns a memo holding "old" under "k", and a loader that
	// answers with answer (value, error) and counts its calls.
	warm := func(t *testing.T) *memoWithLoads {
		t.Helper()
		w := &memoWithLoads{clock: &fakeClock{now: time.Unix(0, 0)}}
		w.m = NewMemo[string, string](MemoOptions{TTL: time.Minute, StaleRetry: time.Second, Now: w.clock.Now})
		if v, err := w.m.Get(ctx, "k", func(context.Context) (string, uuid.UUID, error) { return "old", owner, nil }); v != "old" || err != nil {
			t.Fatalf("warming: %q, %v", v, err)
		}
		return w
	}
	loader := func(w *memoWithLoads, v string, err error) LoadFunc[string] {
		return func(context.Context) (string, uuid.UUID, error) {
			w.loads.Add(1)
			if err != nil {
				return "", uuid.Nil, err
			}
			return v, owner, nil
		}
	}
	expect := func(t *testing.T, w *memoWithLoads, load LoadFunc[string], want string, wantCode string) {
		t.Helper()
		v, err := w.m.Get(ctx, "k", load)
		if v != want || marquee.ErrorCode(err) != wantCode {
			t.Fatalf("got %q, %v; want %q with code %q", v, err, want, wantCode)
		}
	}

	t.Run("a forgotten value is served while the database is away", func(t *testing.T) {
		w := warm(t)
		w.m.Forget(owner)
		expect(t, w, loader(w, "", away), "old", "")
		if w.loads.Load() != 1 {
			t.Fatalf("%d reloads, want 1", w.loads.Load())
		}
	})

	t.Run("a value past its ttl is served while the database is away", func(t *testing.T) {
		w := warm(t)
		w.clock.Add(2 * time.Minute)
		expect(t, w, loader(w, "", away), "old", "")
	})

	t.Run("forget all keeps every value for an outage", func(t *testing.T) {
		w := warm(t)
		w.m.ForgetAll()
		if w.m.Len() != 1 {
			t.Fatalf("%d entries after ForgetAll, want 1", w.m.Len())
		}
		expect(t, w, loader(w, "", away), "old", "")
	})

	t.Run("while the database is away a stale value is reloaded at most once per retry interval", func(t *testing.T) {
		w := warm(t)
		w.m.Forget(owner)
		down := loader(w, "", away)
		for range 5 {
			expect(t, w, down, "old", "")
		}
		if w.loads.Load() != 1 {
			t.Fatalf("%d reloads within the retry interval, want 1", w.loads.Load())
		}
		w.clock.Add(1500 * time.Millisecond)
		expect(t, w, down, "old", "")
		if w.loads.Load() != 2 {
			t.Fatalf("%d reloads after the retry interval, want 2", w.loads.Load())
		}
	})

	t.Run("a change during the outage is loaded as soon as the database is back", func(t *testing.T) {
		w := warm(t)
		w.m.Forget(owner)
		expect(t, w, loader(w, "", away), "old", "")
		w.m.ForgetAll() // the change listener reconnected
		expect(t, w, loader(w, "new", nil), "new", "")
		expect(t, w, loader(w, "newer", nil), "new", "") // and cached again
	})

	t.Run("another failure is reported but keeps the value", func(t *testing.T) {
		w := warm(t)
		w.m.Forget(owner)
		expect(t, w, loader(w, "", marquee.Internal(errors.New("bug"))), "", marquee.EINTERNAL)
		if w.m.Len() != 1 {
			t.Fatal("a failed reload emptied the memo")
		}
		expect(t, w, loader(w, "", away), "old", "")
	})

	t.Run("an event deleted meanwhile is not found, not served stale", func(t *testing.T) {
		w := warm(t)
		w.m.Forget(owner)
		expect(t, w, loader(w, "", marquee.New(marquee.ENOTFOUND, "x")), "", marquee.ENOTFOUND)
		expect(t, w, loader(w, "", away), "", marquee.ENOTFOUND)
	})

	t.Run("a first load during an outage is unavailable", func(t *testing.T) {
		m := NewMemo[string, string](MemoOptions{})
		if v, err := m.Get(ctx, "never", func(context.Context) (string, uuid.UUID, error) { return "", uuid.Nil, away }); v != "" || marquee.ErrorCode(err) != marquee.EUNAVAILABLE {
			t.Fatalf("got %q, %v; want unavailable", v, err)
		}
	})
}
