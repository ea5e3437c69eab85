package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"marquee/storefront/notify/mail/smtptest"
	"marquee/tenant"
)

// lockedBuffer collects a child's output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startWorkerProcess runs `marquee worker` as a child process (this test
// binary, see TestMain) sending through smtpURL.
func startWorkerProcess(t *testing.T, s *testServer, smtpURL string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), workerChildEnv+"=1",
		"DATABASE_URL="+s.dbURL, "BASE_DOMAIN="+testBase, "SECRET_KEY="+testKey, "MEDIA_DIR="+t.TempDir(),
		"SMTP_URL="+smtpURL, "SMTP_FROM=shop@"+testBase, "WORKERS=1", "LOG_FORMAT=text",
		"JOB_RETRY_BASE=200ms", "JOB_RESCUE_AFTER=3s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("worker output:\n%s", out.String())
		}
	})
	return cmd, out
}

// TestAKilledWorkersJobIsFinishedOnce kills a worker process while it is
// sending a confirmation (its mail server hangs); a new worker rescues the
// abandoned job and the attendee receives the email exactly once.
func TestAKilledWorkersJobIsFinishedOnce(t *testing.T) {
	s := startServer(t, defaultConfig()) // the web side; it works no jobs
	ctx := context.Background()
	ev := s.event("devcon", tenant.StatusActive, blue)
	cat := stockEvent(t, s, ev)
	hanging := smtptest.StartSilent(t)
	first, _ := startWorkerProcess(t, s, fmt.Sprintf("smtp://%s:%d?starttls=none", hanging.Host(), hanging.Port()))

	o, err := s.db.PlaceOrder(ctx, ev.ID, order("jana@example.com", "Jana", "en", line(cat, "Cap", "One size", 1, "")))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, func() bool { return hanging.Accepted() > 0 })
	running := func() int {
		return countRows(t, s.adminURL, "SELECT count(*) FROM river_job WHERE kind = 'order_email' AND state = 'running'")
	}
	if got := running(); got != 1 {
		t.Fatalf("%d confirmation jobs running while the worker is stuck, want 1", got)
	}
	if err := first.Process.Kill(); err != nil { // SIGKILL: no goodbye, no cleanup
		t.Fatal(err)
	}
	_ = first.Wait()

	smtp := smtptest.Start(t, smtptest.Options{})
	startWorkerProcess(t, s, fmt.Sprintf("smtp://%s:%d?starttls=none", smtp.Host(), smtp.Port()))
	var confirmations int
	waitFor(t, 60*time.Second, func() bool {
		confirmations = 0
		for _, m := range smtp.Messages() {
			p := m.Parse(t)
			if p.Header.Get("X-Marquee-Kind") == "order_confirmation" && strings.Contains(p.Subject, o.Number) {
				confirmations++
			}
		}
		return confirmations > 0
	})
	time.Sleep(2 * time.Second) // a second send would land by now
	confirmations = 0
	for _, m := range smtp.Messages() {
		if p := m.Parse(t); p.Header.Get("X-Marquee-Kind") == "order_confirmation" {
			confirmations++
		}
	}
	if confirmations != 1 {
		t.Fatalf("%d confirmations after the restart, want exactly 1", confirmations)
	}
	if got := countRows(t, s.adminURL, "SELECT count(*) FROM river_job WHERE kind = 'order_email' AND state = 'completed'"); got != 1 {
		t.Fatalf("%d completed confirmation jobs, want 1", got)
	}
}
