package tenant

import (
	"container/list"
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// listMemo is the read path of the Memo before the clock: one mutex, and
// every Get moves its entry to the front of a list. Kept to measure
// against.
type listMemo struct {
	mu      sync.Mutex
	entries map[string]*list.Element
	lru     list.List
}

type listEntry struct {
	key     string
	value   *site
	expires time.Time
	stale   bool
}

func (m *listMemo) get(key string) *site {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.entries[key]; ok {
		e := el.Value.(*listEntry)
		if e.stale || now.After(e.expires) {
			return nil
		}
		m.lru.MoveToFront(el)
		return e.value
	}
	return nil
}

// site stands for a cached event: about 10 KB, so that 10,000 of them are
// spread over a heap as large as a replica's.
type site struct {
	id    int
	pages [10 << 10]byte
}

// BenchmarkMemoGet reads cached values of 10,000 events (each about 10 KB)
// in random order: the list under one mutex that the clock replaced, the
// clock by host, and the clock by the event's id (as storefront.Sites keys
// it), and by a Ref to the host's entry (as a request's middleware keeps
// one per host). The four take turns every 4,096 reads within one run, so that a
// busy machine slows them alike; each reports its ns per Get.
func BenchmarkMemoGet(b *testing.B) {
	const n = 10000
	keys := make([]string, n)
	ids := make([]uuid.UUID, n)
	old := &listMemo{entries: map[string]*list.Element{}}
	byHost := NewMemo[string, *site](MemoOptions{})
	byID := NewMemo[uuid.UUID, *site](MemoOptions{})
	for i := range n {
		keys[i], ids[i] = "ev"+strconv.Itoa(i)+".bench.test", uuid.New()
		v := &site{id: i}
		v.pages[0] = byte(i) // as a page read on every view
		old.entries[keys[i]] = old.lru.PushFront(&listEntry{key: keys[i], value: v, expires: time.Now().Add(time.Hour)})
		load := func(context.Context) (*site, uuid.UUID, error) { return v, ids[i], nil }
		_, _ = byHost.Get(context.Background(), keys[i], load)
		_, _ = byID.Get(context.Background(), ids[i], load)
	}
	refs := make([]Ref[string, *site], n)
	for i := range n {
		byHost.Remember(&refs[i], keys[i])
	}
	miss := func(context.Context) (*site, uuid.UUID, error) { panic("a cached event was loaded") }
	ways := []struct {
		name string
		get  func(i int) *site
		took time.Duration
	}{
		{"list(before)", func(i int) *site { return old.get(keys[i]) }, 0},
		{"clock", func(i int) *site { s, _ := byHost.Get(context.Background(), keys[i], miss); return s }, 0},
		{"clock-by-id", func(i int) *site { s, _ := byID.Get(context.Background(), ids[i], miss); return s }, 0},
		{"ref", func(i int) *site { s, _ := byHost.Again(&refs[i]); return s }, 0},
	}
	order := make([]int, 4096)
	gets := 0
	for b.Loop() {
		for i := range order {
			order[i] = rand.IntN(n)
		}
		for w := range ways {
			start := time.Now()
			for _, i := range order {
				if s := ways[w].get(i); s == nil || s.id != i || s.pages[0] != byte(i) {
					b.Fatalf("%s: wrong value for event %d", ways[w].name, i)
				}
			}
			ways[w].took += time.Since(start)
		}
		gets += len(order)
	}
	for _, w := range ways {
		b.ReportMetric(float64(w.took.Nanoseconds())/float64(gets), w.name+"-ns/get")
	}
}
