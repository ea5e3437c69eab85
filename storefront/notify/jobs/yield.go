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
}

func (y *yielding) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	y.wait(ctx, job.ScheduledAt)
	return doInner(ctx)
}

// wait returns once the process is not busy, due+yieldFor has passed or
// ctx has ended, whichever comes first.
func (y *yielding) wait(ctx context.Context, due time.Time) {
	until := due.Add(y.yieldFor)
	t := time.NewTimer(0)
	defer t.Stop()
	<-t.C
	for y.busy() {
		left := time.Until(until)
		if left <= 0 {
			return
		}
		t.Reset(min(yieldPoll, left))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
