package api

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// OrderSummary is one order of the orders list.
type OrderSummary struct {
	ID           string `json:"id"`
	Number       string `json:"number"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	PaymentState string `json:"payment_state"`
	TotalMinor   int64  `json:"total_minor"`
	Currency     string `json:"currency"`
	CreatedAt    string `json:"created_at"`
}

func orderSummaryOf(o storefront.OrderSummary) OrderSummary {
	return OrderSummary{ID: o.ID.String(), Number: o.Number, Email: o.Email, Name: o.Name, Status: string(o.Status),
		PaymentState: string(o.Payment), TotalMinor: o.TotalMinor, Currency: o.Currency, CreatedAt: o.CreatedAt.UTC().Format(time.RFC3339)}
}

// orderFilter reads the console's filters of the orders list from the
// query: status, payment, q, product, variant, from and until (days of
// the event's time zone, until included). A value the list does not know
// is refused, naming its parameter.
func (h *Handler) orderFilter(c *fiber.Ctx, t *tenant.Tenant) (storefront.OrderFilter, error) {
	f := storefront.OrderFilter{Query: c.Query("q")}
	if len([]rune(f.Query)) > 200 {
		return f, marquee.Invalid("q", "api.query_too_long")
	}
	if s := storefront.Status(c.Query("status")); s != "" {
		if !knownStatus(s) {
			return f, marquee.Invalid("status", "api.status_unknown")
		}
		f.Status = s
	}
	if p := storefront.PaymentState(c.Query("payment")); p != "" {
		if !p.Valid() {
			return f, marquee.Invalid("payment", "api.payment_unknown")
		}
		f.Payment = p
	}
	for name, dst := range map[string]*uuid.UUID{"product": &f.Product, "variant": &f.Variant} {
		if v := c.Query(name); v != "" {
			id, err := uuid.Parse(v)
			if err != nil {
				return f, marquee.Invalid(name, "api.id_invalid")
			}
			*dst = id
		}
	}
	if c.Query("from") == "" && c.Query("until") == "" {
		return f, nil
	}
	s, err := h.Desk.Settings(c.UserContext(), t.ID)
	if err != nil {
		return f, err
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "until": &f.Until} {
		if v := c.Query(name); v != "" {
			d, err := time.ParseInLocation(time.DateOnly, v, s.Location())
			if err != nil {
				return f, marquee.Invalid(name, "api.date_invalid")
			}
			*dst = d
		}
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // the whole last day
	}
	return f, nil
}

// knownStatus: s is one of an order's statuses.
func knownStatus(s storefront.Status) bool {
	switch s {
	case storefront.StatusPendingPayment, storefront.StatusPlaced, storefront.StatusConfirmed, storefront.StatusDispatched,
		storefront.StatusReadyForPickup, storefront.StatusDelivered, storefront.StatusCollected, storefront.StatusCancelled:
		return true
	}
	return false
}

// listOrders is one page of the event's orders, newest first, filtered
// like the console's list.
func (h *Handler) listOrders(c *fiber.Ctx) error {
	t := eventOf(c)
	f, err := h.orderFilter(c, t)
	if err != nil {
		return h.refuse(c, err)
	}
	req, after, err := timePage(c)
	if err != nil {
		return h.refuse(c, err)
	}
	f.Limit, f.BeforeAt, f.BeforeID = req.Limit+1, after.At, after.ID
	list, err := h.Desk.ListOrders(c.UserContext(), t.ID, f)
	if err != nil {
		return h.fail(c, err, 0)
	}
	page := NewPage(list, req.Limit, func(o storefront.OrderSummary) any { return timeKey{o.CreatedAt, o.ID} })
	return c.JSON(mapPage(page, orderSummaryOf))
}

// order is the route's order of the route's event.
func (h *Handler) order(c *fiber.Ctx) (*storefront.Order, error) {
	return h.Desk.OrderByNumber(c.UserContext(), eventOf(c).ID, c.Params("number"))
}

func (h *Handler) showOrder(c *fiber.Ctx) error {
	o, err := h.order(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"order": webhooks.Order(o)})
}

// changeOrderStatus moves an order to the status sent, as the console's
// order page does (the attendee's email and the hooks follow); a move the
// order's status does not allow is a conflict.
func (h *Handler) changeOrderStatus(c *fiber.Ctx) error {
	var req struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	to := storefront.Status(req.Status)
	if !knownStatus(to) {
		return h.fail(c, marquee.Invalid("status", "api.status_unknown"), 0)
	}
	if len([]rune(req.Note)) > 1000 {
		return h.fail(c, marquee.Invalid("note", "form.too_long"), 0)
	}
	return h.moveOrder(c, to, req.Note)
}

// cancelOrder cancels an order (its stock returns, a paid one is refunded).
func (h *Handler) cancelOrder(c *fiber.Ctx) error {
	var req struct {
		Note string `json:"note"`
	}
	if len(c.Body()) > 0 {
		if err := h.decode(c, &req); err != nil {
			return h.fail(c, err, fiber.StatusBadRequest)
		}
	}
	if len([]rune(req.Note)) > 1000 {
		return h.fail(c, marquee.Invalid("note", "form.too_long"), 0)
	}
	return h.moveOrder(c, storefront.StatusCancelled, req.Note)
}

func (h *Handler) moveOrder(c *fiber.Ctx, to storefront.Status, note string) error {
	t := eventOf(c)
	o, err := h.Desk.ChangeOrderStatus(c.UserContext(), t.ID, c.Params("number"), to, note, uuid.Nil)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"order": webhooks.Order(o)})
}

// markOrderPaid records that an order to be paid at pick-up was paid; an
// order not waiting for that is a conflict.
func (h *Handler) markOrderPaid(c *fiber.Ctx) error {
	t := eventOf(c)
	o, err := h.Desk.MarkPaidAtPickup(c.UserContext(), t.ID, c.Params("number"), uuid.Nil)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"order": webhooks.Order(o)})
}
