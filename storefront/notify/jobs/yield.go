package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// DefaultYield is how long after it fell due a job may be held back while
// its process is busy serving requests (Options.Busy).
const DefaultYield = 3 * time.Second

// yieldPoll is how often a held job looks again.
const yieldPoll = 10 * time.Millisecond

// yielding holds every job back before its attempt while busy reports
// the process busy serving requests, until the job has been due for
// yieldFor at most. A shop opening's orders then get the CPU, and the
// confirmations follow the rush; a job that waited that long in the queue
// (the rush goes on) runs at once, so no job falls more than yieldFor
// behind for it. The attempt's timeout starts after the wait.
type yielding struct {
	river.MiddlewareDefaults
	busy     func() bool
	yieldFor time.Duration
	onHeld   func(time.Duration) // nil: nobody counts
}

func (y *yielding) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	if held := y.wait(ctx, job.ScheduledAt); held > 0 && y.onHeld != nil {
		y.onHeld(held)
	}
	return doInner(ctx)
}

// wait returns once the process is not busy, due+yieldFor has passed or
// ctx has ended, whichever comes first, and says how long it waited (0:
// the process was not busy, or the job fell due long enough ago).
func (y *yielding) wait(ctx context.Context, due time.Time) time.Duration {
	until := due.Add(y.yieldFor)
	if !y.busy() || !time.Now().Before(until) {
		return 0
	}
	start := time.Now()
	t := time.NewTimer(min(yieldPoll, time.Until(until)))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return time.Since(start)
		case <-t.C:
		}
		left := time.Until(until)
		if !y.busy() || left <= 0 {
			return time.Since(start)
		}
		t.Reset(min(yieldPoll, left))
	}
}
