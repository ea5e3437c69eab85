package webtest

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Beside runs next to a served app until the test ends (a change
// listener, say); it returns when ctx is done.
type Beside func(ctx context.Context)

// Serve serves app on a loopback port until the test ends, with each of
// beside running until then too, and returns the server's URL
// (http://127.0.0.1:PORT). The app is given 5 seconds to shut down; when
// slowShutdownOK is false, not making it fails the test.
func Serve(t testing.TB, app *fiber.App, slowShutdownOK bool, beside ...Beside) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range beside {
		wg.Add(1)
		go func() { defer wg.Done(); run(ctx) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); _ = app.Listener(ln) }()
	t.Cleanup(func() {
		cancel()
		err := app.ShutdownWithTimeout(5 * time.Second)
		if err != nil && !(slowShutdownOK && errors.Is(err, context.DeadlineExceeded)) {
			t.Errorf("shutdown: %v", err)
		}
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}
