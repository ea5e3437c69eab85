package api

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

// SignupDesk is an event's sign-ups as the API reads them; db.DB
// implements it.
type SignupDesk interface {
	Signups(ctx context.Context, tenantID uuid.UUID, after db.SignupCursor, limit int) ([]storefront.Signup, db.SignupCursor, error)
}

// listSignups is one page of the event's sign-ups, newest first.
func (h *Handler) listSignups(c *fiber.Ctx) error {
	req, after, err := timePage(c)
	if err != nil {
		return h.refuse(c, err)
	}
	list, next, err := h.Desk.Signups(c.UserContext(), eventOf(c).ID, db.SignupCursor(after), req.Limit)
	if err != nil {
		return h.fail(c, err, 0)
	}
	page := Page[storefront.Signup]{Data: list}
	if !next.At.IsZero() {
		cursor := Cursor(timeKey(next))
		page.NextCursor = &cursor
	}
	eventID := eventOf(c).ID
	return c.JSON(mapPage(page, func(s storefront.Signup) webhooks.SignupData { return webhooks.Signup(eventID, s) }))
}
