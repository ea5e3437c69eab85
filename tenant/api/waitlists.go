package api

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
)

// WaitlistDemand is how many people wait for an option, for how many
// units.
type WaitlistDemand struct {
	VariantID string `json:"variant_id"`
	People    int    `json:"people"`
	Units     int    `json:"units"`
}

// WaitlistEntry is one person on an option's waiting list, in line order.
type WaitlistEntry struct {
	ID             string  `json:"id"`
	VariantID      string  `json:"variant_id"`
	Email          string  `json:"email"`
	Locale         string  `json:"locale"`
	Quantity       int     `json:"quantity"`
	State          string  `json:"state"`
	Position       int     `json:"position"`
	OfferExpiresAt *string `json:"offer_expires_at"`
	CreatedAt      string  `json:"created_at"`
}

// WaitlistEntryOf is entry e as the API shows it.
func WaitlistEntryOf(e storefront.WaitlistEntry) WaitlistEntry {
	return WaitlistEntry{ID: e.ID.String(), VariantID: e.VariantID.String(), Email: e.Email, Locale: e.Locale,
		Quantity: e.Quantity, State: e.State, Position: e.Position, OfferExpiresAt: instantOrNil(e.OfferExpiresAt),
		CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339)}
}

// listWaitlists is, per option with someone waiting, the people and the
// units they want, most wanted first.
func (h *Handler) listWaitlists(c *fiber.Ctx) error {
	t := eventOf(c)
	list, err := h.Desk.WaitlistDemand(c.UserContext(), t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	out := Page[WaitlistDemand]{Data: []WaitlistDemand{}}
	for _, d := range list {
		out.Data = append(out.Data, WaitlistDemand{VariantID: d.VariantID.String(), People: d.People, Units: d.Units})
	}
	return c.JSON(out)
}

// listWaitlist is one page of an option's waiting list, in line order; an
// option that is not the event's is not found.
func (h *Handler) listWaitlist(c *fiber.Ctx) error {
	t := eventOf(c)
	variant, err := idParam(c, "variant")
	if err != nil {
		return h.fail(c, err, 0)
	}
	req, offset, err := offsetPage(c)
	if err != nil {
		return h.refuse(c, err)
	}
	ctx := c.UserContext()
	cat, err := h.Desk.Catalogue(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	if productOf(cat, variant) == uuid.Nil {
		return h.fail(c, marquee.New(marquee.ENOTFOUND, "error.not_found"), 0)
	}
	list, _, err := h.Desk.WaitlistOf(ctx, t.ID, variant, req.Limit+1, offset)
	if err != nil {
		return h.fail(c, err, 0)
	}
	page := NewPage(list, req.Limit, func(storefront.WaitlistEntry) any { return offset + req.Limit })
	return c.JSON(mapPage(page, WaitlistEntryOf))
}

// removeWaitlistEntry takes someone off an option's list (the people
// behind move up); an entry holding an offer is a conflict.
func (h *Handler) removeWaitlistEntry(c *fiber.Ctx) error {
	t := eventOf(c)
	variant, err := idParam(c, "variant")
	if err != nil {
		return h.fail(c, err, 0)
	}
	entry, err := idParam(c, "entry")
	if err != nil {
		return h.fail(c, err, 0)
	}
	ctx := c.UserContext()
	e, err := h.Desk.WaitlistEntry(ctx, t.ID, entry)
	if err == nil && e.VariantID != variant {
		err = marquee.New(marquee.ENOTFOUND, "waitlist.not_found")
	}
	if err == nil {
		_, err = h.Desk.RemoveWaitlistEntry(ctx, t.ID, entry)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
