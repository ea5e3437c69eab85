package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// coarseTick is how often coarseNow's clock is read.
const coarseTick = 20 * time.Millisecond

var coarse struct {
	start sync.Once
	now   atomic.Pointer[time.Time]
}

// coarseNow is time.Now to within coarseTick, read from a time one
// goroutine of the process keeps current. The event caches ask their clock
// twice per page view (has the entry expired?) against lifetimes of seconds
// to minutes; reading the real clock costs about 0.1 µs on this kind of
// virtual machine, a fair part of a cached page view. The time keeps its
// monotonic reading, so changes of the wall clock do not affect it.
func coarseNow() time.Time {
	coarse.start.Do(func() {
		now := time.Now()
		coarse.now.Store(&now)
		go func() {
			for t := range time.Tick(coarseTick) {
				coarse.now.Store(&t)
			}
		}()
	})
	return *coarse.now.Load()
}
