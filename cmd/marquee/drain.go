package main

import (
	"time"
)

// drain is the first step of stopping, the one a rolling update needs:
// /readyz answers 503 from now on, so load balancers take this replica out
// of rotation, and serving goes on for DRAIN_DELAY while they notice, with
// every response closing its connection (serving.Tune). Shutting down (the
// listener closes, idle connections are closed, requests in flight get
// SHUTDOWN_TIMEOUT) comes after.
func (p *platform) drain() {
	p.draining.Store(true)
	p.log.Info("draining", "delay", p.cfg.DrainDelay, "shutdown_timeout", p.cfg.ShutdownTimeout)
	time.Sleep(p.cfg.DrainDelay)
}
