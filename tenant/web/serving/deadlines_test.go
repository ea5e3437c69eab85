package serving

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// armCounter is a listener whose connections count the deadlines really
// armed on them.
type armCounter struct {
	net.Listener
	armed *atomic.Int64
}

func (l armCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return &countingConn{Conn: c, armed: l.armed}, err
}

type countingConn struct {
	net.Conn
	armed *atomic.Int64
}

func (c *countingConn) SetReadDeadline(t time.Time) error {
	c.armed.Add(1)
	return c.Conn.SetReadDeadline(t)
}

func (c *countingConn) SetWriteDeadline(t time.Time) error {
	c.armed.Add(1)
	return c.Conn.SetWriteDeadline(t)
}

// serveWithTimeouts starts a Fiber app with the given timeouts on a
// LingeringListener of the given slack and returns its address and the
// count of deadlines armed on its connections.
func serveWithTimeouts(t *testing.T, read, write, idle, slack time.Duration) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	armed := &atomic.Int64{}
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ReadTimeout: read, WriteTimeout: write, IdleTimeout: idle})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
	go func() {
		_ = app.Listener(LingeringListener{Listener: armCounter{Listener: ln, armed: armed}, Slack: slack})
	}()
	t.Cleanup(func() { _ = app.Shutdown() })
	return ln.Addr().String(), armed
}

// get sends one GET on conn and reads its answer.
func get(t *testing.T, conn net.Conn, r *bufio.Reader) {
	t.Helper()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok" {
		t.Fatalf("GET /: %d %q", res.StatusCode, body)
	}
}

// closedWithin waits up to limit for the server to end conn and reports
// how long that took; it fails when the server keeps it open.
func closedWithin(t *testing.T, conn net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, conn) // a 408 page, if any, then the end of the stream
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", limit)
	}
	return time.Since(start)
}

func TestLazyDeadlinesStillEndSlowAndIdleClients(t *testing.T) {
	addr, _ := serveWithTimeouts(t, 300*time.Millisecond, time.Second, 600*time.Millisecond, 20*time.Millisecond)

	t.Run("a request header that never ends is cut at the read timeout", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n"); err != nil { // no blank line: never done
			t.Fatal(err)
		}
		if took := closedWithin(t, conn, 5*time.Second); took < 250*time.Millisecond {
			t.Fatalf("cut after %v, before the 300 ms read timeout less the 20 ms slack", took)
		}
	})

	t.Run("a kept-alive connection left idle is closed at the idle timeout", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		get(t, conn, r)
		if took := closedWithin(t, conn, 5*time.Second); took < 550*time.Millisecond {
			t.Fatalf("closed after %v, before the 600 ms idle timeout less the 20 ms slack", took)
		}
	})
}

func TestLazyDeadlinesKeepABusyConnectionAliveAndArmFewTimers(t *testing.T) {
	const slack = 100 * time.Millisecond
	addr, armed := serveWithTimeouts(t, 400*time.Millisecond, time.Second, 400*time.Millisecond, slack)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)

	// Requests one after another for two seconds, five times the read and
	// idle timeouts: every deadline the server asks for must be re-armed
	// in time, or the connection dies.
	requests := 0
	for start := time.Now(); time.Since(start) < 2*time.Second; requests++ {
		get(t, conn, r)
	}
	// Three deadlines asked a request, about one armed per slack and
	// direction: 40 in two seconds, against hundreds of requests.
	n := armed.Load()
	t.Logf("%d deadlines armed for %d requests (%d asked)", n, requests, 3*requests)
	if n == 0 || n > int64(requests)/4 {
		t.Fatalf("%d deadlines armed for %d requests: want some, and at most one per four requests", n, requests)
	}
}
