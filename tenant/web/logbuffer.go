package web

import (
	"io"
	"sync"
	"time"
)

// lineWriter writes a log's whole lines to w under one lock, so that lines
// never interleave. With a delay, request lines are gathered and written
// together: at most delay after the first of them, as soon as
// maxGathered bytes are waiting, before any other line (a warning, an
// error: written at once, after the request lines that came before it) and
// on flush. Writing a line costs a system call (0.2 µs to /dev/null, more
// to a pipe, plus the reader's share): under load, one call carries
// hundreds of request lines instead. A process killed outright loses at
// most delay's worth of request lines; serve flushes when it stops.
type lineWriter struct {
	mu       sync.Mutex
	w        io.Writer
	delay    time.Duration
	gathered []byte
	timer    *time.Timer // armed while lines are gathered
}

// maxGathered is how many bytes of request lines are gathered at most.
const maxGathered = 32 << 10

// Write writes p, a whole line, after the gathered request lines.
func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.gathered) > 0 {
		l.gathered = append(l.gathered, p...)
		return len(p), l.writeGatheredLocked()
	}
	return l.w.Write(p)
}

// writeRequest writes a request line, or gathers it.
func (l *lineWriter) writeRequest(p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.delay <= 0 {
		_, _ = l.w.Write(p)
		return
	}
	l.gathered = append(l.gathered, p...)
	switch {
	case len(l.gathered) >= maxGathered:
		_ = l.writeGatheredLocked()
	case len(l.gathered) == len(p): // the first line waiting
		if l.timer == nil {
			l.timer = time.AfterFunc(l.delay, func() { _ = l.flush() })
		} else {
			l.timer.Reset(l.delay)
		}
	}
}

// flush writes the gathered request lines.
func (l *lineWriter) flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writeGatheredLocked()
}

func (l *lineWriter) writeGatheredLocked() error {
	if len(l.gathered) == 0 {
		return nil
	}
	_, err := l.w.Write(l.gathered)
	if cap(l.gathered) > 4*maxGathered { // a few huge lines: not kept
		l.gathered = nil
	} else {
		l.gathered = l.gathered[:0]
	}
	return err
}
