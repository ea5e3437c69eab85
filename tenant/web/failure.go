package web

import "github.com/gofiber/fiber/v2"

// localsFailureKey holds the error a request failed with. Fiber keeps
// Locals on the underlying connection's request, so a sub-app (the console)
// and the server's request log see the same value.
const localsFailureKey = "marquee.failure"

// NoteFailure leaves err with the request for the request log, which
// writes one line per request with its status and this cause. A handler
// or error handler that answers an error itself calls it instead of
// logging, so a failed request is never logged twice.
func NoteFailure(c *fiber.Ctx, err error) { c.Locals(localsFailureKey, err) }

// Failure returns the error NoteFailure left with the request, or nil.
func Failure(c *fiber.Ctx) error {
	err, _ := c.Locals(localsFailureKey).(error)
	return err
}
