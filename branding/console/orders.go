package console

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// OrderDesk is what fulfilment staff do with orders; db.DB implements it.
type OrderDesk interface {
	ListOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter) ([]storefront.OrderSummary, error)
	OrderByNumber(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error)
	ChangeOrderStatus(ctx context.Context, tenantID uuid.UUID, number string, to storefront.Status, note string, staffID uuid.UUID) (*storefront.Order, error)
	ExportOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter, fn func(storefront.ExportLine) error) error
	AuditOrderAccess(ctx context.Context, tenantID, staffID uuid.UUID, action, subject string) error
	Dashboard(ctx context.Context, tenantID uuid.UUID, since time.Time, zone *time.Location) (storefront.Dashboard, error)
	Catalogue(ctx context.Context, tenantID uuid.UUID) (storefront.Catalogue, error)
	// EmailsOfOrder lists what was sent about an order.
	EmailsOfOrder(ctx context.Context, tenantID, orderID uuid.UUID) ([]notify.SentEmail, error)
	PaymentDesk
	PickupDesk
}

// orderRoles may see and update an event's orders.
var orderRoles = []staff.Role{staff.RoleOwner, staff.RoleFulfilment}

const ordersPerPage = 50

var statuses = []storefront.Status{storefront.StatusPlaced, storefront.StatusConfirmed, storefront.StatusDispatched,
	storefront.StatusReadyForPickup, storefront.StatusDelivered, storefront.StatusCollected, storefront.StatusCancelled}

// filterStatuses are what the list filters by: every status, with orders
// waiting for their online payment, which no staff move reaches.
var filterStatuses = append([]storefront.Status{storefront.StatusPendingPayment}, statuses...)

// orderFilter reads the list's filters from the query string; an unknown
// status is ignored rather than refused.
// orderFilter reads the orders' filter from the query; its days (from,
// until) are the event's days, in zone.
func orderFilter(c *fiber.Ctx, zone *time.Location) storefront.OrderFilter {
	// Cloned: Fiber's strings share the request's buffer, which the next
	// request on the connection reuses while the CSV export still streams.
	f := storefront.OrderFilter{Query: strings.Clone(c.Query("q")), Limit: ordersPerPage}
	for _, s := range filterStatuses {
		if string(s) == c.Query("status") {
			f.Status = s
		}
	}
	f.Payment = paymentFilter(c)
	if id, err := uuid.Parse(c.Query("product")); err == nil {
		f.Product = id
	}
	if id, err := uuid.Parse(c.Query("variant")); err == nil {
		f.Variant = id
	}
	if d, err := time.ParseInLocation(time.DateOnly, c.Query("from"), zone); err == nil {
		f.From = d
	}
	if d, err := time.ParseInLocation(time.DateOnly, c.Query("until"), zone); err == nil {
		f.Until = d.AddDate(0, 0, 1) // the whole last day
	}
	if id, err := uuid.Parse(c.Query("before_id")); err == nil {
		if at, err := time.Parse(time.RFC3339Nano, c.Query("before_at")); err == nil {
			f.BeforeAt, f.BeforeID = at, id
		}
	}
	return f
}

// OrdersPage lists an event's orders.
type OrdersPage struct {
	themes.Page
	CSRF, Event, Slug, Query, Status string
	From, Until                      string
	Filtered                         bool // a filter is on: an empty list offers to clear it
	Statuses, Products, Variants     []OptionRow
	Payments                         []OptionRow // the payment state filter
	Moves                            []OptionRow
	Orders                           []OrderRow
	Next, Export                     string
}

// OptionRow is one option of a select.
type OptionRow struct {
	Value, Label string
	Selected     bool
}

// OrderRow is one order in the list.
type OrderRow struct{ Number, Name, Email, Status, Payment, Total, Placed, Link string }

func (h *Console) orders(c *fiber.Ctx) error {
	t, err := h.event(c, orderRoles)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	f := orderFilter(c, base.Zone)
	list, err := h.Orders.ListOrders(c.UserContext(), t.ID, f)
	if err != nil {
		return err
	}
	p := OrdersPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Query: f.Query, Status: string(f.Status),
		From: c.Query("from"), Until: c.Query("until")}
	p.Filtered = f.Query != "" || f.Status != "" || f.Product != uuid.Nil || f.Variant != uuid.Nil || p.From != "" || p.Until != "" ||
		f.Payment != ""
	p.Statuses = statusOptions(base, string(f.Status), true)
	p.Payments = paymentOptions(base, f.Payment)
	p.Moves = statusOptions(base, "", false)
	if err := h.productOptions(c, t.ID, f, &p, t.DefaultLocale); err != nil {
		return err
	}
	for _, o := range list {
		p.Orders = append(p.Orders, OrderRow{Number: o.Number, Name: o.Name, Email: o.Email, Status: base.T("status." + string(o.Status)),
			Payment: paymentLabel(base, o.Payment), Total: storefront.FormatMoney(o.TotalMinor, o.Currency, base.Lang), Placed: consoleTime(base, o.CreatedAt),
			Link: "/events/" + t.Slug + "/orders/" + o.Number})
	}
	keep := url.Values{"q": {f.Query}, "status": {string(f.Status)}, "payment": {string(f.Payment)}, "product": {c.Query("product")},
		"variant": {c.Query("variant")}, "from": {p.From}, "until": {p.Until}}
	p.Export = "/events/" + t.Slug + "/orders/export.csv?" + keep.Encode()
	if len(list) == ordersPerPage {
		last := list[len(list)-1]
		keep.Set("before_at", last.CreatedAt.Format(time.RFC3339Nano))
		keep.Set("before_id", last.ID.String())
		p.Next = "/events/" + t.Slug + "/orders?" + keep.Encode()
	}
	return h.render(c, fiber.StatusOK, "console_orders", p, base.Lang)
}

// productOptions fills the product and variant filters from the catalogue.
func (h *Console) productOptions(c *fiber.Ctx, tenantID uuid.UUID, f storefront.OrderFilter, p *OrdersPage, def string) error {
	cat, err := h.Orders.Catalogue(c.UserContext(), tenantID)
	if err != nil {
		return err
	}
	p.Products = []OptionRow{{Value: "", Label: p.T("console.orders.any_product"), Selected: f.Product == uuid.Nil}}
	p.Variants = []OptionRow{{Value: "", Label: p.T("console.orders.any_variant"), Selected: f.Variant == uuid.Nil}}
	for _, prod := range cat.Products {
		name := prod.Name.In(p.Lang, def)
		p.Products = append(p.Products, OptionRow{Value: prod.ID.String(), Label: name, Selected: prod.ID == f.Product})
		for _, v := range prod.Variants {
			p.Variants = append(p.Variants, OptionRow{Value: v.ID.String(), Label: name + " · " + v.Label.In(p.Lang, def), Selected: v.ID == f.Variant})
		}
	}
	return nil
}

// bulkStatus moves every chosen order that may move to the status; the
// others are counted as skipped and left as they are.
func (h *Console) bulkStatus(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	to := storefront.Status(form.Get("status"))
	changed, skipped := 0, 0
	for _, number := range form["number"] {
		_, err := h.Orders.ChangeOrderStatus(c.UserContext(), t.ID, number, to, form.Get("note"), current(c).staff.ID)
		switch code := marquee.ErrorCode(err); {
		case err == nil:
			changed++
		case code == marquee.ECONFLICT || code == marquee.ENOTFOUND || code == marquee.EINVALID:
			skipped++
		default:
			return "", err
		}
	}
	back := url.Values{"changed": {strconv.Itoa(changed)}, "skipped": {strconv.Itoa(skipped)}}
	return flashed("/events/"+t.Slug+"/orders?"+back.Encode(), "bulk"), nil
}

func statusOptions(base themes.Page, chosen string, any bool) []OptionRow {
	var out []OptionRow
	list := statuses
	if any {
		out = append(out, OptionRow{Value: "", Label: base.T("console.orders.any_status"), Selected: chosen == ""})
		list = filterStatuses
	}
	for _, s := range list {
		out = append(out, OptionRow{Value: string(s), Label: base.T("status." + string(s)), Selected: string(s) == chosen})
	}
	return out
}
