package api

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
)

// findOption is the event's option id with its product; another event's,
// or an id that is not one, is not found.
func (h *Handler) findOption(c *fiber.Ctx) (storefront.Product, storefront.Variant, error) {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil {
		return storefront.Product{}, storefront.Variant{}, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	cat, err := h.Catalogue.Catalogue(c.UserContext(), eventOf(c).ID)
	if err != nil {
		return storefront.Product{}, storefront.Variant{}, err
	}
	for _, p := range cat.Products {
		if v, ok := p.Variant(id); ok {
			return p, v, nil
		}
	}
	return storefront.Product{}, storefront.Variant{}, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

// addOptions adds options to a product: {"options": [...]}; the answer is
// the product with them.
func (h *Handler) addOptions(c *fiber.Ctx) error {
	var in struct {
		Options []OptionInput `json:"options"`
	}
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	p, err := h.findProduct(c, c.Params("id"))
	if err != nil {
		return h.fail(c, err, 0)
	}
	options, err := optionsOf(eventOf(c), in.Options)
	if err == nil {
		err = h.Catalogue.AddVariants(c.UserContext(), eventOf(c).ID, p.ID, options)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return h.answerProduct(c, fiber.StatusOK, p.ID.String())
}

// updateOption renames an option and sets its own price (null: the
// product's). Stock changes by adjustments only, so that each has a
// reason in the stock history.
func (h *Handler) updateOption(c *fiber.Ctx) error {
	var in struct {
		Label      *map[string]string `json:"label"`
		PriceMinor *int64             `json:"price_minor"`
	}
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	var raw map[string]json.RawMessage // price_minor null (the product's) differs from left out
	_ = json.Unmarshal(c.Body(), &raw)
	p, v, err := h.findOption(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	t := eventOf(c)
	label, price := v.Label, v.PriceMinor
	if in.Label != nil {
		if label, err = optionLabel(t, "", *in.Label); err != nil {
			return h.fail(c, err, 0)
		}
	}
	if _, sent := raw["price_minor"]; sent {
		if in.PriceMinor != nil && *in.PriceMinor < 0 {
			return h.fail(c, marquee.Invalid("price_minor", "api.price_minor"), 0)
		}
		price = in.PriceMinor
	}
	if err := h.Catalogue.UpdateVariant(c.UserContext(), t.ID, v.ID, label, price); err != nil {
		return h.fail(c, err, 0)
	}
	return h.answerProduct(c, fiber.StatusOK, p.ID.String())
}

func (h *Handler) deleteOption(c *fiber.Ctx) error {
	_, v, err := h.findOption(c)
	if err == nil {
		err = h.Catalogue.DeleteVariant(c.UserContext(), eventOf(c).ID, v.ID)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// adjustStock adds (delta > 0) or takes away stock of an option, with a
// reason, as the console's stock form does: {"delta": -3, "reason": "…"}.
// Unlimited stock, or stock that would go below zero, is a 422.
func (h *Handler) adjustStock(c *fiber.Ctx) error {
	var in struct {
		Delta  int    `json:"delta"`
		Reason string `json:"reason"`
	}
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	_, v, err := h.findOption(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	actor := "api:" + tokenOf(c).ID.String()
	stock, err := h.Catalogue.AdjustStock(c.UserContext(), eventOf(c).ID, v.ID, in.Delta, in.Reason, actor)
	if marquee.ErrorCode(err) == marquee.ECONFLICT {
		err = marquee.Invalid("delta", marquee.ErrorMessage(err))
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"option_id": v.ID.String(), "stock": stock})
}
