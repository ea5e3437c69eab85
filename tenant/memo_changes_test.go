package tenant

import (
	"testing"
	"time"
)

func TestMemoChangesCountWhatMayHaveChanged(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	c := newCountingLoads(3)
	m := NewMemo[string, string](MemoOptions{TTL: time.Minute, MaxEntries: 2, Now: clock.Now})
	c.get(m, "0")
	c.get(m, "1")
	steps := []struct {
		name    string
		do      func()
		changes bool
	}{
		{"a Get of a cached value", func() { c.get(m, "0") }, false},
		{"a Forget of an event with nothing cached", func() { m.Forget(c.owners["2"]) }, true},
		{"the Forget of a cached event", func() { m.Forget(c.owners["0"]) }, true},
		{"loading the forgotten value again", func() { c.get(m, "0") }, true},
		{"loading a value past the bound (one is evicted: no change)", func() { c.get(m, "2") }, false},
		{"ForgetAll", m.ForgetAll, true},
	}
	for _, s := range steps {
		before := m.Changes()
		s.do()
		if changed := m.Changes() != before; changed != s.changes {
			t.Errorf("%s: Changes went from %d to %d, want a change: %v", s.name, before, m.Changes(), s.changes)
		}
	}
}

func TestMemoFreshForAttached(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	c := newCountingLoads(1)
	m := NewMemo[string, string](MemoOptions{TTL: time.Minute, Now: clock.Now})
	a := &Attachment{}
	if d := m.FreshForAttached(a); d != 0 {
		t.Errorf("an attachment that refers to nothing: fresh for %v, want 0", d)
	}
	if d := m.FreshForAttached(nil); d != 0 {
		t.Errorf("no attachment: fresh for %v, want 0", d)
	}
	c.get(m, "0")
	m.RememberAttached(a, "0")
	clock.Add(20 * time.Second)
	if d := m.FreshForAttached(a); d != 40*time.Second {
		t.Errorf("20 s into a minute's TTL: fresh for %v, want 40s", d)
	}
	other := NewMemo[string, string](MemoOptions{})
	if d := other.FreshForAttached(a); d != 0 {
		t.Errorf("another Memo's attachment: fresh for %v, want 0", d)
	}
	m.Forget(c.owners["0"])
	if d := m.FreshForAttached(a); d != 0 {
		t.Errorf("after its event's Forget: fresh for %v, want 0", d)
	}
	c.get(m, "0")
	clock.Add(2 * time.Minute)
	if d := m.FreshForAttached(a); d != 0 {
		t.Errorf("past its TTL: fresh for %v, want 0", d)
	}
}

func TestMemoTellsOfTheValuesItDrops(t *testing.T) {
	c := newCountingLoads(3)
	m := NewMemo[string, string](MemoOptions{MaxEntries: 2})
	var dropped []string
	m.WhenDropped(func(v string) { dropped = append(dropped, v) })
	c.get(m, "0")
	c.get(m, "1")
	m.Forget(c.owners["0"])
	if len(dropped) != 0 {
		t.Fatalf("a Forget dropped %q: a stale value stays, for an outage", dropped)
	}
	c.get(m, "0")
	c.get(m, "2")
	if len(dropped) != 2 || dropped[0] != "value of 0" {
		t.Errorf("dropped %q, want the reloaded value's old self, then the one evicted for key 2", dropped)
	}
}
