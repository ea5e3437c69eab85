package web

import (
	"bytes"
	"maps"
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/themes"
)

// ReviewPage shows an order before it is placed: its lines and total, the
// attendee's details, and the form again, hidden, to place it or go back
// and change it. Browsers without order.js come here from the order form:
// they had no running total on it.
type ReviewPage struct {
	themes.Page
	CSRF        string
	Summary     SummaryView
	Name, Email string
	Answers     []AnswerView
	Address     []string
	Payment     string        // how the attendee chose to pay; "" when there was no choice
	Hidden      []HiddenInput // every submitted value but the action and the token
	// Discount is what the order's code takes off ("" none), DiscountCode
	// that code; Summary.Total is then what is left to pay.
	Discount, DiscountCode string
}

// HiddenInput is one value a form carries on unseen.
type HiddenInput struct{ Name, Value string }

func (h *Handler) renderReview(c *fiber.Ctx, site *storefront.Site, values url.Values, po parsedOrder) error {
	l := siteLang(c, site)
	base := h.basePage(site, l)
	p := ReviewPage{Page: base, CSRF: h.csrfToken(c), Summary: summaryOf(base, site, po.req.Lines),
		Name: po.req.Name, Email: po.req.Email, Answers: answerViews(base, site, "", po.req.Answers)}
	if po.req.Address != nil {
		p.Address = address.Lines(*po.req.Address, l)
	}
	p.Payment = h.paymentChosen(site, base, values)
	h.reviewDiscount(c, site, &p, po.req.Lines)
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if name == inputAction || name == csrfField {
			continue
		}
		for _, v := range values[name] {
			p.Hidden = append(p.Hidden, HiddenInput{Name: name, Value: v})
		}
	}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "order_review", p); err != nil {
		return err
	}
	return h.send(c, fiber.StatusOK, l, buf.Bytes(), "no-store")
}
