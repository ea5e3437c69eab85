package web

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// writes records each Write call's bytes.
type writes struct {
	mu    sync.Mutex
	calls []string
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, string(p))
	return len(p), nil
}

func (w *writes) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.calls...)
}

// TestBufferedJSONLog: request lines are gathered and written in one
// call, in order, after the delay, before any other line, on Flush, and
// once maxGathered bytes wait; without a delay every line is written at
// once.
func TestBufferedJSONLog(t *testing.T) {
	line := func(path string) RequestLine {
		return RequestLine{Time: time.Unix(0, 0).UTC(), Level: slog.LevelInfo, RequestID: "id", Method: "GET", Host: "h", Path: path, Status: 200}
	}
	t.Run("gathered until another line", func(t *testing.T) {
		w := &writes{}
		h := NewBufferedJSONLog(w, nil, time.Hour)
		h.WriteRequest(t.Context(), line("/a"))
		h.WriteRequest(t.Context(), line("/b"))
		if got := w.all(); len(got) != 0 {
			t.Fatalf("written before the delay: %q", got)
		}
		slog.New(h).Warn("the database is away")
		got := w.all()
		if len(got) != 1 || strings.Count(got[0], "\n") != 3 || !strings.Contains(got[0], `"path":"/a"`) ||
			strings.Index(got[0], `"/a"`) > strings.Index(got[0], `"/b"`) || !strings.HasSuffix(got[0], "\"msg\":\"the database is away\"}\n") {
			t.Fatalf("writes %q, want the two request lines then the warning in one write", got)
		}
		h.WriteRequest(t.Context(), line("/c"))
		if err := h.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := w.all(); len(got) != 2 || !strings.Contains(got[1], `"path":"/c"`) {
			t.Fatalf("after Flush: %q", got)
		}
	})
	t.Run("written after the delay", func(t *testing.T) {
		w := &writes{}
		h := NewBufferedJSONLog(w, nil, 20*time.Millisecond)
		for round := 1; round <= 2; round++ {
			h.WriteRequest(t.Context(), line("/a"))
			deadline := time.Now().Add(5 * time.Second)
			for len(w.all()) < round && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if got := w.all(); len(got) != round {
				t.Fatalf("round %d: writes %q", round, got)
			}
		}
	})
	t.Run("written once maxGathered wait", func(t *testing.T) {
		w := &writes{}
		h := NewBufferedJSONLog(w, nil, time.Hour)
		long := line("/" + strings.Repeat("x", 1000))
		n := 0
		for len(w.all()) == 0 && n < 1000 {
			h.WriteRequest(t.Context(), long)
			n++
		}
		if got := w.all(); len(got) != 1 || strings.Count(got[0], "\n") != n || len(got[0]) < maxGathered {
			t.Fatalf("%d lines logged: %d writes, %d lines, %d bytes", n, len(got), strings.Count(strings.Join(got, ""), "\n"), len(strings.Join(got, "")))
		}
	})
	t.Run("no delay", func(t *testing.T) {
		w := &writes{}
		h := NewJSONLog(w, nil)
		h.WriteRequest(t.Context(), line("/a"))
		h.WriteRequest(t.Context(), line("/b"))
		if got := w.all(); len(got) != 2 {
			t.Fatalf("writes %q, want one per line", got)
		}
	})
}
