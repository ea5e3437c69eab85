package console

import (
	"strconv"
	"time"

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
	Bars        []Bar
	ChartWidth  int
	Products    []ProductUnits
	Latest      []OrderRow
	TotalOrders int
}

// Bar is one day of the orders chart, drawn as SVG by the template; the
// count is written on the bar, so the chart reads without colour.
type Bar struct {
	X, Y, W, H, LabelY int
	Day                string
	Orders             int
}

// ProductUnits is one product's row of the size matrix.
type ProductUnits struct {
	Name     string
	Variants []VariantUnits
	Units    int
}

// VariantUnits is one variant: units ordered and stock left.
type VariantUnits struct {
	Label, Stock string
	Units        int
	Low          bool
}

func (h *Console) dashboard(c *fiber.Ctx) error {
	t, err := h.event(c, dashboardRoles)
	if err != nil {
		return err
	}
	since := h.now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -(dashboardDays - 1))
	d, err := h.Orders.Dashboard(c.UserContext(), t.ID, since)
	if err != nil {
		return err
	}
	cat, err := h.Orders.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	latest, err := h.Orders.ListOrders(c.UserContext(), t.ID, storefront.OrderFilter{Limit: 10})
	if err != nil {
		return err
	}
	base := h.page(c)
	p := DashboardPage{Page: base, Event: t.Name, Slug: t.Slug}
	p.Bars, p.ChartWidth, p.TotalOrders = bars(d.PerDay, base)
	p.Products = sizeMatrix(cat, d, base.Lang, t.DefaultLocale)
	for _, o := range latest {
		p.Latest = append(p.Latest, OrderRow{Number: o.Number, Name: o.Name, Status: base.T("status." + string(o.Status)),
			Total: storefront.FormatMoney(o.TotalMinor, o.Currency, base.Lang), Link: "/events/" + t.Slug + "/orders/" + o.Number})
	}
	return h.render(c, fiber.StatusOK, "console_dashboard", p, base.Lang)
}

// bars lays out the orders-per-day chart: 40 px per day, 120 px high.
func bars(days []storefront.DayCount, base themes.Page) ([]Bar, int, int) {
	const w, height = 40, 120
	most, total := 1, 0
	for _, d := range days {
		most = max(most, d.Orders)
		total += d.Orders
	}
	out := make([]Bar, 0, len(days))
	for i, d := range days {
		h := d.Orders * height / most
		out = append(out, Bar{X: i * w, Y: height - h + 20, W: w - 6, H: h, LabelY: height - h + 14,
			Day: d.Day.Format("02.01"), Orders: d.Orders})
	}
	return out, len(days) * w, total
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
				vu.Low = *v.Stock <= lowStock
			}
			pu.Units += vu.Units
			pu.Variants = append(pu.Variants, vu)
		}
		out = append(out, pu)
	}
	return out
}
