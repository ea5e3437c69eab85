package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/tenant"
)

// orderLoad is buyers placing orders back to back, each on its kept-alive
// connection, until stop is closed.
type orderLoad struct {
	mu       sync.Mutex
	acked    []string // emails of acknowledged orders
	failures []string
	after    atomic.Int64 // orders acknowledged after since was set
	since    atomic.Int64 // unix nanoseconds; 0 = not yet
	stop     chan struct{}
	wg       sync.WaitGroup
}

func startOrderLoad(buyers []*buyer, pause time.Duration) *orderLoad {
	l := &orderLoad{stop: make(chan struct{})}
	for i, b := range buyers {
		l.wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-l.stop:
					return
				default:
				}
				email := fmt.Sprintf("buyer%d-%d-%s@example.com", i, n, uuid.NewString()[:8])
				err := b.order(email)
				l.mu.Lock()
				if err != nil {
					l.failures = append(l.failures, err.Error())
				} else {
					l.acked = append(l.acked, email)
					if l.since.Load() != 0 {
						l.after.Add(1)
					}
				}
				l.mu.Unlock()
				time.Sleep(pause)
			}
		})
	}
	return l
}

func (l *orderLoad) ackedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// finish stops the buyers and waits for their last orders.
func (l *orderLoad) finish() {
	close(l.stop)
	l.wg.Wait()
}

// keptAlive is a connection that has had one request answered and is kept
// alive, idle.
func keptAlive(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	br := bufio.NewReader(conn)
	if res := healthOn(t, conn, br); res.StatusCode != 200 || res.Close {
		t.Fatalf("healthz: %d, close %v", res.StatusCode, res.Close)
	}
	return conn, br
}

func healthOn(t *testing.T, conn net.Conn, br *bufio.Reader) *http.Response {
	t.Helper()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: drain.shop.test\r\n\r\n"); err != nil {
		t.Fatalf("send on the kept-alive connection: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read on the kept-alive connection: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// slowOrder places an order whose body arrives in pieces over d: it is in
// flight for all of d.
func slowOrder(b *buyer, d time.Duration) (int, error) {
	form := url.Values{"csrf": {b.token}, "idempotency_key": {uuid.NewString()}, "action": {"place"},
		"line.0.product": {b.shop.product.String()}, "line.0.variant": {b.shop.variant.String()}, "line.0.quantity": {"1"},
		"name": {"Slow Buyer"}, "email": {"slow-" + uuid.NewString()[:8] + "@example.com"}}
	body := form.Encode()
	pr, pw := io.Pipe()
	go func() {
		const pieces = 5
		step := len(body) / pieces
		for i := range pieces {
			end := (i + 1) * step
			if i == pieces-1 {
				end = len(body)
			}
			_, _ = io.WriteString(pw, body[i*step:end])
			time.Sleep(d / pieces)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/order", pr)
	req.ContentLength = int64(len(body))
	req.Host = b.shop.host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.client.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// TestSIGTERMDrainsWithoutFailingARequest sends a real SIGTERM to a real
// `marquee serve` while kept-alive buyers place orders.
func TestSIGTERMDrainsWithoutFailingARequest(t *testing.T) {
	s := startServer(t, defaultConfig()) // the database and its event; the replica under test is a process
	shop := newPenShop(t, s, "drain")
	const delay, shutdownTimeout = 2 * time.Second, 5 * time.Second
	r := startReplica(t, s, freeAddr(t), "DRAIN_DELAY=2s", "SHUTDOWN_TIMEOUT=5s")
	base := "http://" + r.addr
	buyers := []*buyer{newBuyer(t, shop, base), newBuyer(t, shop, base), newBuyer(t, shop, base), newBuyer(t, shop, base)}
	load := startOrderLoad(buyers, 0)
	defer func() {
		select {
		case <-load.stop:
		default:
			load.finish()
		}
	}()
	waitFor(t, 10*time.Second, func() bool { return load.ackedCount() >= 20 })
	closing, closingReader := keptAlive(t, r.addr)
	idle, _ := keptAlive(t, r.addr)
	slowBuyer := newBuyer(t, shop, base)

	sent := time.Now()
	load.since.Store(sent.UnixNano())
	r.stop(t)

	var ready int
	var readyErr error
	for time.Since(sent) < time.Second {
		if ready, readyErr = probe(base + "/readyz"); ready == 503 || readyErr != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	readyAfter := time.Since(sent)
	t.Run("readyz answers 503 at once", func(t *testing.T) {
		if ready != 503 || readyAfter > 500*time.Millisecond {
			t.Errorf("readyz after %v: status %d, error %v; want 503 within 500ms", readyAfter.Round(time.Millisecond), ready, readyErr)
		}
	})
	t.Run("a kept-alive connection is served once more, with Connection: close", func(t *testing.T) {
		res := healthOn(t, closing, closingReader)
		if res.StatusCode != 200 || !res.Close {
			t.Fatalf("status %d, Connection: close %v", res.StatusCode, res.Close)
		}
		if _, err := closingReader.ReadByte(); err != io.EOF {
			t.Fatalf("the connection stays open after Connection: close: %v", err)
		}
	})

	slow := make(chan error, 1)
	go func() {
		time.Sleep(time.Until(sent.Add(delay - 500*time.Millisecond)))
		status, err := slowOrder(slowBuyer, 1500*time.Millisecond) // in flight when the listener closes
		if err == nil && status != http.StatusSeeOther {
			err = fmt.Errorf("status %d", status)
		}
		slow <- err
	}()
	idleClosed := make(chan time.Duration, 1)
	go func() {
		_ = idle.SetReadDeadline(sent.Add(delay + shutdownTimeout))
		_, _ = idle.Read(make([]byte, 1))
		idleClosed <- time.Since(sent)
	}()

	time.Sleep(time.Until(sent.Add(delay / 2)))
	load.finish() // the load balancer has long stopped sending here
	r.wait(t, delay+shutdownTimeout+2*time.Second)

	t.Run("no request fails, and serving goes on during the drain delay", func(t *testing.T) {
		if len(load.failures) > 0 {
			t.Errorf("%d of %d orders failed; first: %s", len(load.failures), len(load.failures)+len(load.acked), load.failures[0])
		}
		if load.after.Load() == 0 {
			t.Error("no order was acknowledged after SIGTERM")
		}
		t.Logf("%d orders acknowledged, %d of them after SIGTERM", len(load.acked), load.after.Load())
	})
	t.Run("a request in flight when the listener closes finishes", func(t *testing.T) {
		if err := <-slow; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an idle connection is closed when the drain delay ends, not before", func(t *testing.T) {
		if at := <-idleClosed; at < delay-200*time.Millisecond || at > delay+2*time.Second {
			t.Fatalf("closed %v after SIGTERM, want about %v", at.Round(time.Millisecond), delay)
		}
	})
	t.Run("every acknowledged order is in the database", func(t *testing.T) {
		if got := ordersOf(t, s, load.acked); got != len(load.acked) {
			t.Fatalf("%d of %d acknowledged orders in the database", got, len(load.acked))
		}
	})
}

// TestEveryRequestIsLoggedBeforeServeExits: serve's JSON log gathers request
// lines and writes them together; a replica stopped with SIGTERM has
// written the line of every request it answered when it exits, the last
// ones answered just before its listener closed among them.
func TestEveryRequestIsLoggedBeforeServeExits(t *testing.T) {
	s := startServer(t, defaultConfig())
	s.event("logged", tenant.StatusActive, blue)
	r := startReplica(t, s, freeAddr(t), "LOG_FORMAT=json", "DRAIN_DELAY=1s")
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	view := func() bool {
		req, _ := http.NewRequest(http.MethodGet, "http://"+r.addr+"/", nil)
		req.Host = "logged." + testBase
		res, err := client.Do(req)
		if err != nil {
			return false // the listener has closed
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		return true
	}
	views := 0
	for range 5 {
		if view() {
			views++
		}
	}
	r.stop(t)
	for view() { // on, through the drain delay, until the listener closes
		views++
	}
	r.wait(t, 10*time.Second)
	lines := 0
	for _, line := range strings.Split(r.out.String(), "\n") {
		var e map[string]any
		if json.Unmarshal([]byte(line), &e) == nil && e["msg"] == "request" && e["host"] == "logged."+testBase && e["path"] == "/" {
			lines++
		}
	}
	if lines != views || views < 10 {
		t.Fatalf("%d request lines for %d page views:\n%s", lines, views, r.out.String())
	}
}
