package serving

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	tenantweb "marquee/tenant/web"
)

// Readiness answers /readyz, which load balancers ask before they send a
// replica requests: 200 "ok" when the database answers within two
// seconds, 503 when it does not, and 503 "draining" once the replica
// drains (so that they take it out of rotation before it stops).
type Readiness struct {
	Draining func() bool
	// Ping asks the database whether it answers (db.DB.Ready).
	Ping func(ctx context.Context) error
}

// readyTimeout is how long the database gets to answer a probe.
const readyTimeout = 2 * time.Second

// Draining is the body of /readyz while the replica drains.
const Draining = "draining\n"

// Handle answers /readyz on the platform's app; the database's error goes
// on the request's log line.
func (r Readiness) Handle(c *fiber.Ctx) error {
	if r.Draining() {
		return c.Status(fiber.StatusServiceUnavailable).SendString(Draining)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		tenantweb.NoteFailure(c, err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable\n")
	}
	return c.SendString("ok\n")
}

// ServeHTTP answers /readyz on port 80 beside the ACME challenges (load
// balancers probe plain HTTP).
func (r Readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.Draining() {
		http.Error(w, Draining, http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(req.Context(), readyTimeout)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
