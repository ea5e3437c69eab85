package console

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
	"marquee/tenant/staff"
	"marquee/themes"
)

// dashboardRoles may see an event's dashboard: every role.
var dashboardRoles = []staff.Role{staff.RoleOwner, staff.RoleMarketing, staff.RoleFulfilment}

// dashboardDays is how many days the orders chart shows.
const dashboardDays = 14

// lowStock is the stock at which a variant is highlighted.
const lowStock = 5

// DashboardPage shows an event's numbers.
type DashboardPage struct {
	themes.Page
	Event, Slug string
	Revenue     string // the sum of order totals in the event's currency
	Split       RevenueSplit
	Chart       Chart
	Products    []ProductUnits
	Latest      []OrderRow
	// Demand is the people waiting per option, most wanted first.
	Demand []DemandRow
	// Signups is how many signed up (shown for a sign-up event, or any
	// event with sign-ups).
	Signups     int
	ShowSignups bool
}

// ProductUnits is one product's row of the size matrix.
type ProductUnits struct {
	Name     string
	Variants []VariantUnits
	Units    int
}

// VariantUnits is one variant: units ordered and stock left; sold out at
// none left, low at a few.
type VariantUnits struct {
	Label, Stock string
	Units        int
	Low, SoldOut bool
}

func (h *Console) dashboard(c *fiber.Ctx) error {
	t, err := h.event(c, dashboardRoles)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	settings, err := h.Products.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	// The event's days: an order at 23:30 in its time zone counts on
	// that day, wherever the server is.
	zone := settings.Location()
	since := h.now().In(zone).AddDate(0, 0, -(dashboardDays - 1))
	d, err := h.Orders.Dashboard(ctx, t.ID, since, zone)
	if err != nil {
		return err
	}
	cat, err := h.Orders.Catalogue(ctx, t.ID)
	if err != nil {
		return err
	}
	latest, err := h.Orders.ListOrders(ctx, t.ID, storefront.OrderFilter{Limit: 10})
	if err != nil {
		return err
	}
	demand, err := h.Waitlists.WaitlistDemand(ctx, t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	base.Zone = zone
	p := DashboardPage{Page: base, Event: t.Name, Slug: t.Slug, Revenue: revenueText(d, settings.Currency, base.Lang),
		Chart: ordersChart(d.PerDay, base), Products: sizeMatrix(cat, d, base.Lang, t.DefaultLocale),
		Split: revenueSplit(d, settings.Currency, base.Lang), Demand: waitlistDemand(t, cat, demand, base.Lang)}
	if p.Signups, err = h.Signups.SignupCount(ctx, t.ID); err != nil {
		return err
	}
	p.ShowSignups = settings.IsSignup() || p.Signups > 0
	for _, o := range latest {
		p.Latest = append(p.Latest, OrderRow{Number: o.Number, Name: o.Name, Status: base.T("status." + string(o.Status)),
			Total: storefront.FormatMoney(o.TotalMinor, o.Currency, base.Lang), Link: "/events/" + t.Slug + "/orders/" + o.Number})
	}
	return h.render(c, fiber.StatusOK, "console_dashboard", p, base.Lang)
}

// sizeMatrix is units and stock per variant of every product: what the
// supplier has to make, and what runs low.
func sizeMatrix(cat storefront.Catalogue, d storefront.Dashboard, lang, def string) []ProductUnits {
	var out []ProductUnits
	for _, p := range cat.Products {
		pu := ProductUnits{Name: p.Name.In(lang, def)}
		for _, v := range p.Variants {
			vu := VariantUnits{Label: v.Label.In(lang, def), Units: d.Units[v.ID], Stock: "∞"}
			if v.Stock != nil {
				vu.Stock = strconv.Itoa(*v.Stock)
				vu.SoldOut = *v.Stock <= 0
				vu.Low = !vu.SoldOut && *v.Stock <= lowStock
			}
			pu.Units += vu.Units
			pu.Variants = append(pu.Variants, vu)
		}
		out = append(out, pu)
	}
	return out
}
