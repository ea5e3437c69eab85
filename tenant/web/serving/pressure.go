package serving

import (
	"runtime"
	"sync/atomic"
)

// Pressure counts the requests a process is serving (Tune counts every
// request of its app) and tells the process's background work whether
// they are queueing: busy while at least a threshold of them are in
// flight. A job that yields to it (storefront/notify/jobs, JOB_YIELD)
// leaves a shop opening's CPU to the attendees.
type Pressure struct {
	threshold int64
	inFlight  atomic.Int64
}

// PressurePerCore is how many requests in flight per core make a process
// busy. Served at once, a few per core keep every core working; beyond
// that they wait for one another.
const PressurePerCore = 4

// NewPressure returns a Pressure busy from PressurePerCore requests in
// flight per core (GOMAXPROCS).
func NewPressure() *Pressure {
	return &Pressure{threshold: int64(PressurePerCore * runtime.GOMAXPROCS(0))}
}

// Busy reports whether the process is serving at least the threshold of
// requests now. A nil Pressure is never busy.
func (p *Pressure) Busy() bool {
	return p != nil && p.inFlight.Load() >= p.threshold
}

// InFlight is the number of requests being served now.
func (p *Pressure) InFlight() int { return int(p.inFlight.Load()) }

// Threshold is the number of requests in flight from which Busy says so.
func (p *Pressure) Threshold() int { return int(p.threshold) }
