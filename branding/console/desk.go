package console

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/tenant"
	"marquee/themes"
)

// The pick-up desk (issue 18): a page for a phone or tablet held by
// fulfilment staff at the venue. It looks an order up by the token its
// QR code carries (scanned by desk-scan.js, or typed) or by a search text,
// shows the order's card (deskcard.go) and hands it over with one button.
// Its counter says what was handed over and what is still to come, per
// product and option.

// PickupDesk is what the desk does with orders; db.DB implements it.
type PickupDesk interface {
	// CollectOrder records an order handed over (paidNow: its desk
	// payment taken too); *storefront.AlreadyCollected when it was.
	CollectOrder(ctx context.Context, tenantID uuid.UUID, number string, staffID uuid.UUID, paidNow bool) (*storefront.Order, error)
	// DeskCounts lists units collected and still to collect per option.
	DeskCounts(ctx context.Context, tenantID uuid.UUID) ([]storefront.DeskCount, error)
}

// PickupTokens reads the token an order's QR code carries;
// storefront.PickupTokens implements it.
type PickupTokens interface {
	Parse(tenantID uuid.UUID, token string) (number string, ok bool)
}

// deskPerPage is how many orders a search shows at once: a phone's screen
// or two.
const deskPerPage = 20

// maxDeskQuery bounds the lookup's text: a token is under 100 characters,
// a name or an email under 200.
const maxDeskQuery = 200

// DeskPage is the desk: the lookup, the scanner and the counter.
type DeskPage struct {
	themes.Page
	Event, Slug, Query string
	Counts             []DeskProduct
}

// DeskProduct is one product of the desk's counter, with its options.
type DeskProduct struct {
	Name                 string
	Options              []DeskOption
	Collected, Remaining int
}

// DeskOption is one option of the counter: units handed over, units to go.
type DeskOption struct {
	Label                string
	Collected, Remaining int
}

// DeskFindPage is a search's matching orders, each linking to its card.
type DeskFindPage struct {
	DeskPage
	Problem, Field string // a refused query: its message and the input
	Orders         []OrderRow
	Next           string
}

func (h *Console) desk(c *fiber.Ctx) error {
	t, err := h.event(c, orderRoles)
	if err != nil {
		return err
	}
	p, err := h.deskPage(c, t)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "console_desk", p, p.Lang)
}

// deskPage is the desk of t with its counter, in the catalogue's order.
func (h *Console) deskPage(c *fiber.Ctx, t *tenant.Tenant) (DeskPage, error) {
	base, err := h.zonedPage(c, t)
	if err != nil {
		return DeskPage{}, err
	}
	p := DeskPage{Page: base, Event: t.Name, Slug: t.Slug}
	ctx := c.UserContext()
	counts, err := h.Orders.DeskCounts(ctx, t.ID)
	if err != nil || len(counts) == 0 {
		return p, err
	}
	cat, err := h.Orders.Catalogue(ctx, t.ID)
	if err != nil {
		return p, err
	}
	byVariant := map[uuid.UUID]storefront.DeskCount{}
	for _, n := range counts {
		byVariant[n.VariantID] = n
	}
	for _, prod := range cat.Products {
		row := DeskProduct{Name: prod.Name.In(base.Lang, t.DefaultLocale)}
		for _, v := range prod.Variants {
			n, ok := byVariant[v.ID]
			if !ok {
				continue
			}
			row.Options = append(row.Options, DeskOption{Label: v.Label.In(base.Lang, t.DefaultLocale), Collected: n.Collected, Remaining: n.Remaining})
			row.Collected += n.Collected
			row.Remaining += n.Remaining
		}
		if len(row.Options) > 0 {
			p.Counts = append(p.Counts, row)
		}
	}
	return p, nil
}

// deskFind looks q up: a pick-up token of this event opens its order's
// card; any other text lists the orders whose number, name or email has
// it. Nothing found (another event's token included) is a 404 saying so.
func (h *Console) deskFind(c *fiber.Ctx) error {
	t, err := h.event(c, orderRoles)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return c.Redirect("/events/"+t.Slug+"/desk", fiber.StatusSeeOther)
	}
	if number, ok := h.pickupNumber(t.ID, q); ok {
		return c.Redirect(deskCardPath(t.Slug, number), fiber.StatusSeeOther)
	}
	dp, err := h.deskPage(c, t)
	if err != nil {
		return err
	}
	p := DeskFindPage{DeskPage: dp}
	p.Query = strings.Clone(q)
	if len([]rune(q)) > maxDeskQuery {
		p.Problem, p.Field = p.T("console.desk.query_too_long"), "q"
		return h.render(c, fiber.StatusUnprocessableEntity, "console_desk_find", p, p.Lang)
	}
	f := storefront.OrderFilter{Query: p.Query, Limit: deskPerPage}
	if id, err := uuid.Parse(c.Query("before_id")); err == nil {
		if at, err := time.Parse(time.RFC3339Nano, c.Query("before_at")); err == nil {
			f.BeforeAt, f.BeforeID = at, id
		}
	}
	list, err := h.Orders.ListOrders(c.UserContext(), t.ID, f)
	if err != nil {
		return err
	}
	if len(list) == 1 && f.BeforeID == uuid.Nil && strings.EqualFold(list[0].Number, q) {
		return c.Redirect(deskCardPath(t.Slug, list[0].Number), fiber.StatusSeeOther)
	}
	for _, o := range list {
		p.Orders = append(p.Orders, OrderRow{Number: o.Number, Name: o.Name, Email: o.Email, Status: p.T("status." + string(o.Status)),
			Payment: paymentLabel(p.Page, o.Payment), Placed: consoleTime(p.Page, o.CreatedAt), Link: deskCardPath(t.Slug, o.Number)})
	}
	if len(list) == deskPerPage {
		last := list[len(list)-1]
		p.Next = "/events/" + t.Slug + "/desk/find?" + url.Values{"q": {p.Query},
			"before_at": {last.CreatedAt.Format(time.RFC3339Nano)}, "before_id": {last.ID.String()}}.Encode()
	}
	status := fiber.StatusOK
	if len(list) == 0 {
		status = fiber.StatusNotFound
	}
	return h.render(c, status, "console_desk_find", p, p.Lang)
}

// pickupNumber is the order number q carries when q is a pick-up token of
// event tenantID.
func (h *Console) pickupNumber(tenantID uuid.UUID, q string) (string, bool) {
	if h.Pickup == nil {
		return "", false
	}
	return h.Pickup.Parse(tenantID, q)
}

func deskCardPath(slug, number string) string {
	return "/events/" + slug + "/desk/orders/" + url.PathEscape(number)
}
