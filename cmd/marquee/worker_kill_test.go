package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"marquee/storefront/notify/mail/smtptest"
	"marquee/tenant"
	"marquee/tenant/web/webtest"
)

// lockedBuffer collects a child's output safely.
type lockedBuffer = webtest.Log

// startChild starts cmd with its output in a buffer and stops it when the
// test ends, logging what it wrote, as name, if the test failed.
func startChild(t *testing.T, cmd *exec.Cmd, name string) *lockedBuffer {
	t.Helper()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s:\n%s", name, out.String())
		}
	})
	return out
}

// startWorkerProcess runs `marquee worker` as a child process (this test
// binary, see TestMain) sending through smtpURL, with the production
// defaults for its jobs, and waits until it works them.
func startWorkerProcess(t *testing.T, s *testServer, smtpURL string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerChildEnv+"=1",
		"DATABASE_URL="+s.dbURL, "BASE_DOMAIN="+testBase, "SECRET_KEY="+testKey, "MEDIA_DIR="+t.TempDir(),
		"SMTP_URL="+smtpURL, "SMTP_FROM=shop@"+testBase, "LOG_FORMAT=text")
	out := startChild(t, cmd, "worker output")
	waitFor(t, 20*time.Second, func() bool { return strings.Contains(out.String(), "working email jobs") })
	return cmd, out
}

// TestAKilledWorkersJobIsSentByAnotherWithinAMinute kills a worker process
// (SIGKILL) while it is sending a confirmation (its mail server hangs).
// With the default job timeout and rescue time, the other worker sends the
// abandoned confirmation within a minute of the kill, exactly once, and
// the send log holds it once.
func TestAKilledWorkersJobIsSentByAnotherWithinAMinute(t *testing.T) {
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
	smtp := smtptest.Start(t, smtptest.Options{})
	startWorkerProcess(t, s, fmt.Sprintf("smtp://%s:%d?starttls=none", smtp.Host(), smtp.Port()))
	if err := first.Process.Kill(); err != nil { // SIGKILL: no goodbye, no cleanup
		t.Fatal(err)
	}
	_ = first.Wait()
	killed := time.Now()

	confirmations := func() int {
		n := 0
		for _, m := range smtp.Messages() {
			p := m.Parse(t)
			if p.Header.Get("X-Marquee-Kind") == "order_confirmation" && strings.Contains(p.Subject, o.Number) {
				n++
			}
		}
		return n
	}
	deadline := killed.Add(time.Minute)
	for confirmations() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no confirmation a minute after the worker was killed (%d confirmation jobs still running)", running())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the confirmation arrived %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	time.Sleep(2 * time.Second) // a second send would land by now
	if n := confirmations(); n != 1 {
		t.Fatalf("%d confirmations after the rescue, want exactly 1", n)
	}
	if got := countRows(t, s.adminURL, "SELECT count(*) FROM email_log WHERE dedup_key LIKE $1", "order:"+o.Number+":order_confirmation:%"); got != 1 {
		t.Fatalf("%d confirmations in the send log, want 1", got)
	}
	if got := countRows(t, s.adminURL, "SELECT count(*) FROM river_job WHERE kind = 'order_email' AND state = 'completed'"); got != 1 {
		t.Fatalf("%d completed confirmation jobs, want 1", got)
	}
}
