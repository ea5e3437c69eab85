package jobs_test

import (
	"sync/atomic"
	"testing"
	"time"

	"marquee/storefront/notify/jobs"
)

// TestJobsWaitWhileTheProcessIsBusy: with the process busy serving
// requests, an order's confirmation is held back; once it is not, the
// email goes at once.
func TestJobsWaitWhileTheProcessIsBusy(t *testing.T) {
	var busy atomic.Bool
	busy.Store(true)
	h := newHarnessWith(t, func(o *jobs.Options) { o.Busy, o.Yield = busy.Load, time.Minute; o.RescueAfter = 2 * time.Minute })
	o := h.placeOrder(t, "jana@example.com", h.line("Cap", "One size", 1, ""))
	time.Sleep(2 * time.Second)
	if got := h.received(t, "jana@example.com", "order_confirmation", o.Number); len(got) != 0 {
		t.Fatal("the confirmation went while the process was busy")
	}
	calm := time.Now()
	busy.Store(false)
	h.waitFor(t, "jana@example.com", "order_confirmation", o.Number)
	if d := time.Since(calm); d > 5*time.Second {
		t.Errorf("the confirmation went %v after the process was calm, want at once", d)
	}
}

// TestJobsWaitNoLongerThanTheYield: a process that stays busy holds a job
// back for the yield at most, counted from when it fell due.
func TestJobsWaitNoLongerThanTheYield(t *testing.T) {
	const yield = 2 * time.Second
	var heldFor atomic.Int64 // nanoseconds, as OnHeld was told
	var heldJobs atomic.Int32
	h := newHarnessWith(t, func(o *jobs.Options) {
		o.Busy, o.Yield = func() bool { return true }, yield
		o.OnHeld = func(d time.Duration) { heldJobs.Add(1); heldFor.Add(int64(d)) }
	})
	placed := time.Now()
	o := h.placeOrder(t, "jana@example.com", h.line("Cap", "One size", 1, ""))
	h.waitFor(t, "jana@example.com", "order_confirmation", o.Number)
	took := time.Since(placed)
	if took < yield-200*time.Millisecond {
		t.Errorf("the confirmation went %v after the order, while the process was busy: want it held for about %v", took, yield)
	}
	if took > yield+5*time.Second {
		t.Errorf("the confirmation went %v after the order: held longer than the yield of %v", took, yield)
	}
	t.Logf("held %v", took.Round(10*time.Millisecond))
	// Held from when a worker took it: at most the yield.
	if n, d := heldJobs.Load(), time.Duration(heldFor.Load()); n != 1 || d <= 0 || d > yield+100*time.Millisecond {
		t.Errorf("OnHeld told of %d jobs held %v in all, want 1 held for up to %v", n, d, yield)
	}
}

func TestTheYieldMustFitBeforeTheRescue(t *testing.T) {
	o := jobs.Options{JobTimeout: 10 * time.Second, RescueAfter: 15 * time.Second, Yield: 5 * time.Second, Busy: func() bool { return false }}
	if err := o.Validate(); err == nil {
		t.Error("a job timeout of 10s and a yield of 5s pass with a rescue time of 15s: a held job would be rescued while it runs")
	}
	o.Busy = nil // a process that serves no requests never yields
	if err := o.Validate(); err != nil {
		t.Errorf("without Busy: %v", err)
	}
	o.Busy, o.Yield = func() bool { return false }, 4*time.Second
	if err := o.Validate(); err != nil {
		t.Errorf("timeout 10s, yield 4s, rescue 15s: %v", err)
	}
}
