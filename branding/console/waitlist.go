package console

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Waitlists are an event's waiting lists as staff see them; db.DB
// implements it.
type Waitlists interface {
	// WaitlistOf is one page of an option's list in line order and how
	// many entries it has.
	WaitlistOf(ctx context.Context, tenantID, variantID uuid.UUID, limit, offset int) ([]storefront.WaitlistEntry, int, error)
	// WaitlistDemand is the people waiting and their units per option.
	WaitlistDemand(ctx context.Context, tenantID uuid.UUID) ([]storefront.WaitlistDemand, error)
	WaitlistEntry(ctx context.Context, tenantID, entryID uuid.UUID) (storefront.WaitlistEntry, error)
	// RemoveWaitlistEntry takes an entry off its list (not one holding an
	// offer: a conflict).
	RemoveWaitlistEntry(ctx context.Context, tenantID, entryID uuid.UUID) (storefront.WaitlistEntry, error)
}

// waitlistRoles may see an event's waiting lists and take people off
// them: marketing orders more of what is wanted, fulfilment answers the
// people waiting, owners both.
var waitlistRoles = []staff.Role{staff.RoleOwner, staff.RoleMarketing, staff.RoleFulfilment}

const waitlistPerPage = 50

// WaitlistPage is one option's waiting list, in line order, paginated.
type WaitlistPage struct {
	themes.Page
	Event, Slug, Product, Option, Stock string
	Total, Waiting, Units               int
	Rows                                []WaitlistRow
	Prev, Next                          string
}

// WaitlistRow is one person on the list: their place while they wait,
// what they asked for, and the end of the offer they hold.
type WaitlistRow struct {
	ID, Place, Email, Language, State, Offer, Joined, Remove string
	Quantity                                                 int
}

// waitlistLink is the page of an option's waiting list.
func waitlistLink(t *tenant.Tenant, variantID uuid.UUID) string {
	return "/events/" + t.Slug + "/waitlist/" + variantID.String()
}

func (h *Console) waitlist(c *fiber.Ctx) error {
	t, err := h.event(c, waitlistRoles)
	if err != nil {
		return err
	}
	prod, v, err := h.catalogueProduct(c, t)
	if err != nil || v == nil {
		return errPageNotFound
	}
	ctx := c.UserContext()
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	list, total, err := h.Waitlists.WaitlistOf(ctx, t.ID, v.ID, waitlistPerPage, (page-1)*waitlistPerPage)
	if err != nil {
		return err
	}
	demand, err := h.Waitlists.WaitlistDemand(ctx, t.ID)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	p := WaitlistPage{Page: base, Event: t.Name, Slug: t.Slug, Total: total, Stock: "∞",
		Product: prod.Name.In(base.Lang, t.DefaultLocale), Option: v.Label.In(base.Lang, t.DefaultLocale)}
	if v.Stock != nil {
		p.Stock = strconv.Itoa(*v.Stock)
	}
	for _, d := range demand {
		if d.VariantID == v.ID {
			p.Waiting, p.Units = d.People, d.Units
		}
	}
	for _, e := range list {
		p.Rows = append(p.Rows, waitlistRow(base, t, e))
	}
	// The list shows people's addresses: who looked is on the record, as
	// for an order.
	if err := h.Orders.AuditOrderAccess(ctx, t.ID, current(c).staff.ID, "waitlist_viewed", p.Product+" · "+p.Option); err != nil {
		return err
	}
	link := waitlistLink(t, v.ID)
	if page > 1 {
		p.Prev = link + "?" + url.Values{"page": {strconv.Itoa(page - 1)}}.Encode()
	}
	if page*waitlistPerPage < total {
		p.Next = link + "?" + url.Values{"page": {strconv.Itoa(page + 1)}}.Encode()
	}
	return h.render(c, fiber.StatusOK, "console_waitlist", p, base.Lang)
}

func waitlistRow(p themes.Page, t *tenant.Tenant, e storefront.WaitlistEntry) WaitlistRow {
	row := WaitlistRow{ID: e.ID.String(), Email: e.Email, Language: p.LanguageName(e.Locale), Quantity: e.Quantity,
		State: p.T("console.waitlist.state_" + e.State), Joined: consoleTime(p, e.CreatedAt)}
	if e.Position > 0 {
		row.Place = strconv.Itoa(e.Position)
	}
	if e.OfferExpiresAt != nil {
		row.Offer = consoleTime(p, *e.OfferExpiresAt)
	}
	if e.State != storefront.EntryOffered {
		row.Remove = "/events/" + t.Slug + "/waitlist/entries/" + e.ID.String() + "/remove"
	}
	return row
}

// waitlistEntryParam is the route's entry, one of the event's.
func (h *Console) waitlistEntryParam(c *fiber.Ctx, t *tenant.Tenant) (storefront.WaitlistEntry, error) {
	id, err := uuid.Parse(c.Params("entry"))
	if err != nil {
		return storefront.WaitlistEntry{}, errPageNotFound
	}
	e, err := h.Waitlists.WaitlistEntry(c.UserContext(), t.ID, id)
	return e, notFoundAsPage(err)
}

// askRemoveWaitlistEntry: the route's entry, one of the event's.
func (h *Console) askRemoveWaitlistEntry(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	e, err := h.waitlistEntryParam(c, t)
	if err != nil {
		return confirmation{}, err
	}
	effect := p.T("console.confirm.waitlist_effect")
	if e.State == storefront.EntryOffered {
		effect = p.T("waitlist.entry_holds_offer")
	}
	return confirmation{heading: p.T("console.confirm.waitlist_heading", "Email", e.Email),
		effects: []string{effect}, button: p.T("console.waitlist.remove"), danger: true,
		cancel: waitlistLink(t, e.VariantID)}, nil
}

// removeWaitlistEntry takes the route's entry off its list; one holding
// an offer is refused with 409 (it passes on when the offer ends).
func (h *Console) removeWaitlistEntry(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	e, err := h.waitlistEntryParam(c, t)
	if err != nil {
		return "", err
	}
	if _, err := h.Waitlists.RemoveWaitlistEntry(c.UserContext(), t.ID, e.ID); err != nil {
		return "", notFoundAsPage(err)
	}
	// The record names the option, not the address, which is gone.
	option := e.VariantID.String()
	if prod, v, err := h.catalogueProductOf(c, t, e.VariantID); err == nil {
		option = prod.Name.In(t.DefaultLocale, t.DefaultLocale) + " · " + v.Label.In(t.DefaultLocale, t.DefaultLocale)
	}
	if err := h.Orders.AuditOrderAccess(c.UserContext(), t.ID, current(c).staff.ID, "waitlist_entry_removed", option); err != nil {
		return "", err
	}
	return flashed(waitlistLink(t, e.VariantID), "waitlist_removed"), nil
}

// DemandRow is one option people wait for, on the dashboard: what a
// marketer orders more of.
type DemandRow struct {
	Product, Option, Stock, Link string
	People, Units                int
}

// waitlistDemand is the dashboard's demand for sold-out options, most
// wanted first, each linking to its list.
func waitlistDemand(t *tenant.Tenant, cat storefront.Catalogue, demand []storefront.WaitlistDemand, lang string) []DemandRow {
	var out []DemandRow
	for _, d := range demand {
		for _, prod := range cat.Products {
			for _, v := range prod.Variants {
				if v.ID != d.VariantID {
					continue
				}
				row := DemandRow{Product: prod.Name.In(lang, t.DefaultLocale), Option: v.Label.In(lang, t.DefaultLocale), Stock: "∞",
					Link: waitlistLink(t, v.ID), People: d.People, Units: d.Units}
				if v.Stock != nil {
					row.Stock = strconv.Itoa(*v.Stock)
				}
				out = append(out, row)
			}
		}
	}
	return out
}

// catalogueProductOf is the product and option of variantID in the
// event's catalogue.
func (h *Console) catalogueProductOf(c *fiber.Ctx, t *tenant.Tenant, variantID uuid.UUID) (storefront.Product, storefront.Variant, error) {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return storefront.Product{}, storefront.Variant{}, err
	}
	for _, prod := range cat.Products {
		for _, v := range prod.Variants {
			if v.ID == variantID {
				return prod, v, nil
			}
		}
	}
	return storefront.Product{}, storefront.Variant{}, errPageNotFound
}
