package console

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Every delete and bulk change is asked about first, without JavaScript:
// the button on the page is a link to the change's own address, where a
// GET shows what will happen with a form that POSTs there and a Cancel
// link. The POST stays the action, checked as every form is (role, CSRF),
// so the question never stands between a script and the change, only
// between a person and a slip of the finger.

// ConfirmPage asks before a change that cannot be taken back.
type ConfirmPage struct {
	themes.Page
	CSRF, Heading string
	Effects       []string // what will happen, a sentence each
	Items         []string // what the change is about, when it is several things
	Action        string   // where the form posts: the change's own route
	Fields        []HiddenField
	Button        string
	Danger        bool // the change removes something
	Cancel        string
}

// HiddenField is a value the confirm form carries to the change.
type HiddenField struct{ Name, Value string }

// confirmation is what a confirm page says, filled by the change's ask.
type confirmation struct {
	heading, button, cancel string
	effects, items          []string
	fields                  []HiddenField
	danger                  bool
}

// askEvent describes the change about one event that the route names,
// or refuses it (errPageNotFound for what is not the event's).
type askEvent func(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error)

// confirmEvent is the GET of a change about one event: the member's role
// is checked as the POST checks it, then the page asks.
func (h *Console) confirmEvent(roles []staff.Role, ask askEvent) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.event(c, roles)
		if err != nil {
			return err
		}
		base := h.page(c)
		q, err := ask(c, t, base)
		if err != nil {
			return err
		}
		return h.renderConfirm(c, base, q)
	}
}

// confirmPlatform is the GET of a platform admin's change about an event
// (the route's :slug).
func (h *Console) confirmPlatform(ask askEvent) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.Provision.Get(c.UserContext(), c.Params("slug"))
		if err != nil {
			return err
		}
		base := h.page(c)
		q, err := ask(c, t, base)
		if err != nil {
			return err
		}
		return h.renderConfirm(c, base, q)
	}
}

func (h *Console) renderConfirm(c *fiber.Ctx, base themes.Page, q confirmation) error {
	p := ConfirmPage{Page: base, CSRF: h.sessionToken(current(c)), Heading: q.heading, Effects: q.effects, Items: q.items,
		Action: c.Path(), Fields: q.fields, Button: q.button, Danger: q.danger, Cancel: q.cancel}
	return h.render(c, fiber.StatusOK, "console_confirm", p, base.Lang)
}

// askDeleteSupplier: the route's supplier, one of the event's.
func (h *Console) askDeleteSupplier(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	s, err := h.supplierParam(c, t)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.confirm.supplier_heading", "Name", s.Name),
		effects: []string{p.T("console.confirm.supplier_effect")}, button: p.T("console.suppliers.delete"), danger: true,
		cancel: "/events/" + t.Slug + "/suppliers/" + s.ID.String()}, nil
}

// askRemoveDomain: the route's hostname, one of the event's domains.
func (h *Console) askRemoveDomain(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	list, err := h.Provision.Domains(c.UserContext(), t.Slug)
	if err != nil {
		return confirmation{}, err
	}
	name := hostnameParam(c)
	if !slices.ContainsFunc(list, func(d tenant.Domain) bool { return d.Hostname == name }) {
		return confirmation{}, errPageNotFound
	}
	return confirmation{heading: p.T("console.confirm.domain_heading", "Hostname", name),
		effects: []string{p.T("console.confirm.domain_effect")}, button: p.T("console.domains.remove"), danger: true,
		cancel: "/events/" + t.Slug + "/domains"}, nil
}

// catalogueProduct is the route's product (:product, or the product of
// :variant) in the event's catalogue, and the variant when the route
// names one.
func (h *Console) catalogueProduct(c *fiber.Ctx, t *tenant.Tenant) (storefront.Product, *storefront.Variant, error) {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return storefront.Product{}, nil, err
	}
	if id, err := uuid.Parse(c.Params("product")); err == nil {
		if prod, ok := cat.Product(id); ok {
			return prod, nil, nil
		}
	}
	if id, err := uuid.Parse(c.Params("variant")); err == nil {
		for _, prod := range cat.Products {
			for i := range prod.Variants {
				if prod.Variants[i].ID == id {
					return prod, &prod.Variants[i], nil
				}
			}
		}
	}
	return storefront.Product{}, nil, errPageNotFound
}

// askDeleteProduct: the route's product, one of the event's.
func (h *Console) askDeleteProduct(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	prod, _, err := h.catalogueProduct(c, t)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.confirm.product_heading", "Product", prod.Name.In(p.Lang, t.DefaultLocale)),
		effects: []string{p.T("console.confirm.product_effect", "Count", len(prod.Variants))}, button: p.T("console.catalogue.delete"),
		danger: true, cancel: "/events/" + t.Slug + "/catalogue"}, nil
}

// askRemoveProductImage: the route's product, one of the event's.
func (h *Console) askRemoveProductImage(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	prod, _, err := h.catalogueProduct(c, t)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.confirm.product_image_heading", "Product", prod.Name.In(p.Lang, t.DefaultLocale)),
		effects: []string{p.T("console.confirm.product_image_effect")}, button: p.T("console.catalogue.image_remove"),
		danger: true, cancel: "/events/" + t.Slug + "/catalogue#product-" + prod.ID.String()}, nil
}

// askRestore: the route's version, one the event published. Restoring
// replaces the draft, and what the draft held is lost.
func (h *Console) askRestore(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	versions, err := h.History(c.UserContext(), t.ID)
	if err != nil {
		return confirmation{}, err
	}
	for _, v := range versions {
		if strconv.Itoa(v.Number) == c.Params("version") {
			return confirmation{heading: p.T("console.confirm.restore_heading", "Version", v.Number),
				effects: []string{p.T("console.confirm.restore_effect"), p.T("console.confirm.restore_live")},
				button:  p.T("console.branding.restore"), cancel: "/events/" + t.Slug + "/branding/history"}, nil
		}
	}
	return confirmation{}, errPageNotFound
}

// askDeleteVariant: the route's option, of one of the event's products.
func (h *Console) askDeleteVariant(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	prod, v, err := h.catalogueProduct(c, t)
	if err != nil || v == nil {
		return confirmation{}, errPageNotFound
	}
	return confirmation{heading: p.T("console.confirm.variant_heading", "Option", v.Label.In(p.Lang, t.DefaultLocale),
		"Product", prod.Name.In(p.Lang, t.DefaultLocale)),
		effects: []string{p.T("console.confirm.variant_effect")}, button: p.T("console.catalogue.delete"),
		danger: true, cancel: "/events/" + t.Slug + "/catalogue"}, nil
}

// askRemoveField: the route's field of the event's order form.
func (h *Console) askRemoveField(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return confirmation{}, err
	}
	for _, f := range fields {
		if f.Key != c.Params("key") {
			continue
		}
		label := f.Label[p.Lang]
		if label == "" {
			label = f.Label[t.DefaultLocale]
		}
		if label == "" {
			label = f.Key
		}
		return confirmation{heading: p.T("console.confirm.field_heading", "Field", label),
			effects: []string{p.T("console.confirm.field_effect")}, button: p.T("console.form.remove"),
			danger: true, cancel: "/events/" + t.Slug + "/form"}, nil
	}
	return confirmation{}, errPageNotFound
}

// askBulkStatus: the orders chosen on the orders page (the form sends
// them here with GET) and the status they move to. An order that is not
// the event's is refused; one that may not move is skipped by the change
// and counted on the orders page afterwards.
func (h *Console) askBulkStatus(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return confirmation{}, marquee.Invalid("number", "console.confirm.bulk_none")
	}
	to := storefront.Status(q.Get("status"))
	if !slices.Contains(statuses, to) {
		return confirmation{}, marquee.Invalid("status", "console.confirm.bulk_status")
	}
	numbers := q["number"]
	if len(numbers) == 0 || len(numbers) > 500 {
		return confirmation{}, marquee.Invalid("number", "console.confirm.bulk_none")
	}
	fields := []HiddenField{{"status", string(to)}, {"note", q.Get("note")}}
	var items []string
	for _, n := range numbers {
		o, err := h.Orders.OrderByNumber(c.UserContext(), t.ID, n)
		if marquee.ErrorCode(err) == marquee.ENOTFOUND || marquee.ErrorCode(err) == marquee.EINVALID {
			return confirmation{}, errPageNotFound
		}
		if err != nil {
			return confirmation{}, err
		}
		items = append(items, p.T("console.confirm.bulk_item", "Number", o.Number, "Name", o.Name, "Status", p.T("status."+string(o.Status))))
		fields = append(fields, HiddenField{"number", o.Number})
	}
	effects := []string{p.T("console.confirm.bulk_effect", "Count", len(numbers), "Status", p.T("status."+string(to)))}
	if note := q.Get("note"); note != "" {
		effects = append(effects, p.T("console.confirm.bulk_note", "Note", note))
	}
	return confirmation{heading: p.T("console.confirm.bulk_heading", "Count", len(numbers)), effects: effects, items: items,
		fields: fields, button: p.T("console.orders.bulk_change"), cancel: "/events/" + t.Slug + "/orders"}, nil
}

// askCancelOrder: the route's order, one of the event's, before staff
// cancel it (the attendee is told, its stock goes back on sale).
func (h *Console) askCancelOrder(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	o, err := h.Orders.OrderByNumber(c.UserContext(), t.ID, c.Params("number"))
	if code := marquee.ErrorCode(err); code == marquee.ENOTFOUND || code == marquee.EINVALID {
		return confirmation{}, errPageNotFound
	}
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.confirm.cancel_order_heading", "Number", o.Number, "Name", o.Name),
		effects: []string{p.T("console.confirm.cancel_order_effect")}, fields: []HiddenField{{"note", c.Query("note")}},
		button: p.T("console.orders.cancel_order"), danger: true, cancel: "/events/" + t.Slug + "/orders/" + o.Number}, nil
}

// askTransition is the question before suspending or archiving an event.
func askTransition(kind string) askEvent {
	return func(_ *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
		return confirmation{heading: p.T("console.confirm."+kind+"_heading", "Event", t.Name),
			effects: []string{p.T("console.confirm." + kind + "_effect")}, button: p.T("console.platform." + kind),
			danger: kind == "archive", cancel: "/platform/events/" + t.Slug}, nil
	}
}
