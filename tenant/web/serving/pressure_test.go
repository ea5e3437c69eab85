package serving

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee/tenant/web/webtest"
)

// TestPressureCountsTheRequestsInFlight serves an app tuned with a
// Pressure over a socket: requests held in their handler count, and the
// process is busy from the threshold until they end.
func TestPressureCountsTheRequestsInFlight(t *testing.T) {
	p := &Pressure{threshold: 3}
	release := make(chan struct{})
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	Tune(app, Options{Draining: func() bool { return false }, Pressure: p})
	app.Get("/slow", func(c *fiber.Ctx) error { <-release; return c.SendString("done") })
	app.Get("/fast", func(c *fiber.Ctx) error { return c.SendString("ok") })
	base := webtest.Serve(t, app, true) // a failure before the slow requests end leaves them to the timeout

	get := func(path string) error {
		res, err := http.Get(base + path)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", path, res.StatusCode)
		}
		return nil
	}
	if err := get("/fast"); err != nil {
		t.Fatal(err)
	}
	if p.InFlight() != 0 || p.Busy() {
		t.Fatalf("after a request ended: %d in flight, busy %v; want 0, false", p.InFlight(), p.Busy())
	}
	var wg sync.WaitGroup
	held := func(n int) {
		for range n {
			wg.Go(func() {
				if err := get("/slow"); err != nil {
					t.Error(err)
				}
			})
		}
	}
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for p.InFlight() != n {
			if time.Now().After(deadline) {
				t.Fatalf("%d requests in flight, want %d", p.InFlight(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	held(2)
	waitFor(2)
	if p.Busy() {
		t.Error("busy with 2 requests in flight, threshold 3")
	}
	held(1)
	waitFor(3)
	if !p.Busy() {
		t.Error("not busy with 3 requests in flight, threshold 3")
	}
	close(release)
	wg.Wait()
	waitFor(0)
	if p.Busy() {
		t.Error("still busy once every request ended")
	}
	var none *Pressure
	if none.Busy() {
		t.Error("a nil Pressure says busy")
	}
}
