package web

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/themes"
)

// OrderChanges are the changes attendees make to their own orders
// (db.DB implements them).
type OrderChanges interface {
	SwapOrderOption(ctx context.Context, tenantID uuid.UUID, number string, position int, variantID uuid.UUID) (*storefront.Order, error)
	CancelOrderLine(ctx context.Context, tenantID uuid.UUID, number string, position int) (*storefront.Order, error)
	ChangeOrderAddress(ctx context.Context, tenantID uuid.UUID, number string, a address.Address) (*storefront.Order, error)
}

// ChangePage lets an attendee change their order (reached from the status
// page's signed link): each line's option swapped for another at the same
// price, one line cancelled, the address changed (its own page).
type ChangePage struct {
	themes.Page
	Number, StatusURL, CSRF string
	Lines                   []ChangeLineView
	// AddressURL is the address page's ("" when the order is not shipped);
	// CancelURL the whole order's cancellation ("" when not allowed).
	AddressURL, CancelURL string
	Problem               string // a refusal that belongs to no line, translated
}

// ChangeLineView is one line of the order with what may be done to it.
type ChangeLineView struct {
	Position                    int
	Product, Variant, UnitPrice string
	Quantity                    int
	// Options are the product's other options at the line's price (sold
	// out ones shown, disabled); OptionName the select's name and id.
	Options                  []OptionView
	OptionName               string
	SwapAction, CancelAction string
	Only                     bool   // the order's only line: cancelling it is cancelling the order
	Error                    string // the refusal of a change to this line, translated
}

// changeBase checks the signed link and that the order may still be
// changed, and returns the site, the order and the page's base.
func (h *Handler) changeBase(c *fiber.Ctx) (*storefront.Site, *storefront.Order, themes.Page, bool, error) {
	site, ok, err := h.site(c)
	if !ok {
		return nil, nil, themes.Page{}, false, err
	}
	o, err := h.signedOrder(c, site)
	if err == nil {
		err = storefront.CheckAttendeeChange(site.Settings.AttendeeCanChange, o.Status)
	}
	if err == nil && site.Settings.OrdersClosed(h.nowOf(c)) {
		err = marquee.New(marquee.ECONFLICT, "change.closed")
	}
	if err != nil {
		return nil, nil, themes.Page{}, false, err
	}
	base := h.basePage(site, siteLang(c, site))
	base.Meta = base.T("status.description", "Number", o.Number, "Event", base.Brand.Title)
	base.LinkQuery = url.Values{"sig": {c.Query("sig")}}
	return site, o, base, true, nil
}

// changeOrderPage shows what an attendee may change in their order.
func (h *Handler) changeOrderPage(c *fiber.Ctx) error {
	site, o, base, ok, err := h.changeBase(c)
	if !ok {
		return err
	}
	return h.renderChange(c, site, o, base, fiber.StatusOK, -1, nil)
}

// renderChange writes the change page with status; refused is the change
// that was refused (nil: none), on the line at position (-1: no line).
func (h *Handler) renderChange(c *fiber.Ctx, site *storefront.Site, o *storefront.Order, base themes.Page, status, position int, refused error) error {
	sig := url.QueryEscape(c.Query("sig"))
	path := "/orders/" + o.Number
	p := ChangePage{Page: base, Number: o.Number, StatusURL: path + "?sig=" + sig, CSRF: h.csrfToken(c)}
	if site.Settings.Ships && o.Address != nil {
		p.AddressURL = path + "/change/address?sig=" + sig
	}
	if site.Settings.AttendeeCanCancel {
		p.CancelURL = path + "/cancel?sig=" + sig
	}
	views := itemViews(base, site, o)
	for i, it := range o.Items {
		lv := ChangeLineView{Position: it.Position, Product: views[i].Product, Variant: views[i].Variant, UnitPrice: views[i].UnitPrice,
			Quantity: it.Quantity, OptionName: "variant-" + strconv.Itoa(it.Position), Options: swapOptions(base, site, it),
			SwapAction: path + "/change/option?sig=" + sig, CancelAction: path + "/change/cancel-line?sig=" + sig, Only: len(o.Items) == 1}
		if refused != nil && it.Position == position {
			lv.Error = base.T(marquee.ErrorMessage(refused))
		}
		p.Lines = append(p.Lines, lv)
	}
	if refused != nil && position < 0 {
		p.Problem = base.T(marquee.ErrorMessage(refused))
	}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "order_change", p); err != nil {
		return err
	}
	return h.send(c, status, base.Lang, buf.Bytes(), "no-store")
}

// swapOptions are the options line it may become: the product's others at
// the line's price, not "only with a code"; sold out ones disabled.
func swapOptions(base themes.Page, site *storefront.Site, it storefront.Item) []OptionView {
	p, ok := site.Catalogue.Product(it.ProductID)
	if !ok {
		return nil
	}
	var out []OptionView
	for _, v := range p.Variants {
		if v.ID == it.VariantID || v.CodeOnly || p.Price(v) != it.UnitPriceMinor {
			continue
		}
		o := OptionView{Value: v.ID.String(), Label: v.Label.In(base.Lang, site.Tenant.DefaultLocale)}
		if site.VariantSoldOut(v) {
			o.Label, o.Disabled = base.T("change.sold_out_option", "Label", o.Label), true
		}
		out = append(out, o)
	}
	return out
}

// swapOption swaps a line's option (form fields line and variant).
func (h *Handler) swapOption(c *fiber.Ctx) error {
	return h.lineChange(c, func(site *storefront.Site, o *storefront.Order, position int, values url.Values) error {
		variant, err := uuid.Parse(values.Get("variant"))
		if err != nil {
			return marquee.Invalid("variant", "order.unknown_variant")
		}
		_, err = h.Changes.SwapOrderOption(c.UserContext(), site.Tenant.ID, o.Number, position, variant)
		return err
	})
}

// cancelLine cancels one line (form field line); the order's only line is
// the order, whose cancellation asks first on its own page.
func (h *Handler) cancelLine(c *fiber.Ctx) error {
	return h.lineChange(c, func(site *storefront.Site, o *storefront.Order, position int, _ url.Values) error {
		_, err := h.Changes.CancelOrderLine(c.UserContext(), site.Tenant.ID, o.Number, position)
		return err
	})
}

// lineChange reads a change to one line of a signed link's order, makes
// it with change and goes back to the status page; a refusal on a field
// redraws the change page with it (a 4xx), anything else is the error
// page.
func (h *Handler) lineChange(c *fiber.Ctx, change func(*storefront.Site, *storefront.Order, int, url.Values) error) error {
	_, values, ok, err := h.submission(c)
	if !ok {
		return err
	}
	site, o, base, ok, err := h.changeBase(c)
	if !ok {
		return err
	}
	position, err := strconv.Atoi(values.Get("line"))
	if _, found := o.ItemAt(position); err != nil || !found {
		return h.renderChange(c, site, o, base, fiber.StatusBadRequest, -1, marquee.Invalid("line", "change.unknown_line"))
	}
	if err := change(site, o, position, values); err != nil {
		var e *marquee.Error
		if !errors.As(err, &e) || e.Field == "" || e.Code == marquee.EINTERNAL || e.Code == marquee.EUNAVAILABLE {
			return err
		}
		return h.renderChange(c, site, o, base, marquee.HTTPStatus(err), position, err)
	}
	return c.Redirect(h.Links.Path(site.Tenant.ID, o.Number)+"&changed=1", fiber.StatusSeeOther)
}
