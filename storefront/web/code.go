package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/themes"
)

// Vouchers finds an event's codes as attendees type them; db.DB
// implements it.
type Vouchers interface {
	VoucherByCode(ctx context.Context, tenantID uuid.UUID, code string) (*storefront.Voucher, error)
}

// A voucher code is entered on the shop with a GET form (the landing page
// and the order form: no token, so the cached pages can hold it) or comes
// in a link, both as ?code=…; a valid one is kept in codeCookie, host-only
// for the event's host, for the browser's session, and the order form
// carries it in a hidden field (inputVoucher): the form is parsed with the
// products it was drawn with.
const (
	codeQuery    = "code"
	codeCookie   = "marquee_code"
	inputVoucher = storefront.VoucherField
	codeLocal    = "marquee.voucher" // the request's code, once looked up
)

// CodeView is the code part of a shop page: the form to enter one, or the
// active code and what it gives ("Speaker shirt unlocked", "20 % off
// Hoodie"), or what is wrong with the code typed.
type CodeView struct {
	Code  string   // the active code
	Gives []string // what it unlocks and takes off
	Value string   // what was typed, shown again with Error
	Error string
	Back  string // where the forms return: "/" or "/order"
	CSRF  string // for removing the code (pages with a code are not cached)
}

// activeCode is the code of the visitor's cookie ("" none): a few bytes
// read from the request's headers, nothing more, on the warm path.
func activeCode(c *fiber.Ctx) []byte { return c.Request().Header.Cookie(codeCookie) }

// voucherFor looks code up for the request once (kept in its locals).
func (h *Handler) voucherFor(c *fiber.Ctx, site *storefront.Site, code string) (*storefront.Voucher, error) {
	if v, ok := c.Locals(codeLocal).(*storefront.Voucher); ok && v.Code == storefront.NormalizeCode(code) {
		return v, nil
	}
	if h.Vouchers == nil {
		return nil, marquee.Invalid(inputVoucher, storefront.MsgVoucherUnknown)
	}
	v, err := h.Vouchers.VoucherByCode(c.UserContext(), site.Tenant.ID, code)
	if err != nil {
		return nil, err
	}
	c.Locals(codeLocal, v)
	return v, nil
}

// withCode is the site as the visitor sees it with the code of their
// cookie: unlocked by it, or site itself without one. A code that stopped
// being valid (disabled, expired, used up) is dropped from the cookie.
func (h *Handler) withCode(c *fiber.Ctx, site *storefront.Site) (*storefront.Site, *storefront.Voucher) {
	raw := activeCode(c)
	if len(raw) == 0 {
		return site, nil
	}
	v, err := h.voucherFor(c, site, string(raw))
	if err != nil {
		if code := marquee.ErrorCode(err); code != marquee.EINTERNAL && code != marquee.EUNAVAILABLE {
			c.ClearCookie(codeCookie)
		} else if h.Log != nil {
			h.Log.Warn("voucher code lookup failed; shop shown without it", "err", err)
		}
		return site, nil
	}
	return site.WithCode(v), v
}

// applyCode checks the code of a link or the code form (?code=…): a valid
// one goes in the cookie and the visitor back to the page without the
// query; an invalid one is said on the page (render) with 422.
func (h *Handler) applyCode(c *fiber.Ctx, site *storefront.Site, code, back string, render func(typed, errID string) error) error {
	v, err := h.voucherFor(c, site, code)
	if err != nil {
		if code := marquee.ErrorCode(err); code == marquee.EINTERNAL || code == marquee.EUNAVAILABLE {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		c.ClearCookie(codeCookie)
		return render(code, marquee.ErrorMessage(err))
	}
	c.Cookie(&fiber.Cookie{Name: codeCookie, Value: v.Code, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https"})
	return c.Redirect(back, fiber.StatusSeeOther)
}

// removeCode forgets the visitor's code (POST /code/remove, with the
// page's token) and returns them to the page they were on.
func (h *Handler) removeCode(c *fiber.Ctx) error {
	_, values, ok, err := h.submission(c)
	if !ok {
		return err
	}
	c.ClearCookie(codeCookie)
	return c.Redirect(codeBack(values.Get("back")), fiber.StatusSeeOther)
}

// codeBack is where the code's forms return: the order form or the
// landing page, nothing else (no open redirect).
func codeBack(s string) string {
	if s == "/order" {
		return "/order"
	}
	return "/"
}

// codeView is the code part of a page in language base.Lang: the active
// code v and what it gives in site (site as unlocked by it) with the
// page's token csrf for removing it, or the form with the message of
// errID.
func codeView(base themes.Page, site *storefront.Site, v *storefront.Voucher, back, typed, errID, csrf string) *CodeView {
	cv := &CodeView{Back: back, Value: typed, Error: tr(base, errID)}
	if v == nil || errID != "" {
		return cv
	}
	cv.Code, cv.CSRF = v.Code, csrf
	cv.Gives = codeGives(base, site.Original(), v)
	return cv
}

// codeGives says what v does in the event's catalogue (site as without a
// code): each product or option "only with a code" it unlocks, then its
// discount and what it applies to.
func codeGives(base themes.Page, site *storefront.Site, v *storefront.Voucher) []string {
	def, l := site.Tenant.DefaultLocale, base.Lang
	var unlocked, applies []string
	for _, p := range site.Catalogue.Products {
		if !p.Visible {
			continue
		}
		name := p.Name.In(l, def)
		if v.UnlocksProduct(p.ID) {
			applies = append(applies, name)
			if p.CodeOnly {
				unlocked = append(unlocked, name)
			}
			continue
		}
		for _, o := range p.Variants {
			if v.UnlocksVariant(p.ID, o.ID) {
				option := name + " (" + o.Label.In(l, def) + ")"
				applies = append(applies, option)
				if o.CodeOnly && !p.CodeOnly {
					unlocked = append(unlocked, option)
				}
			}
		}
	}
	var out []string
	for _, name := range unlocked {
		out = append(out, base.T("voucher.unlocked", "Item", name))
	}
	off := ""
	switch v.Kind {
	case storefront.VoucherAmount:
		off = price(base, v.AmountMinor, site.Settings.Currency)
	case storefront.VoucherPercent:
		off = strconv.Itoa(v.Percent) + " %"
	default:
		return out
	}
	if len(v.ProductIDs)+len(v.VariantIDs) == 0 {
		return append(out, base.T("voucher.off_everything", "Off", off))
	}
	return append(out, base.T("voucher.off_items", "Off", off, "Items", strings.Join(applies, ", ")))
}

// submittedCode is the site an order form was drawn with: unlocked by the
// code of its hidden field, or site without one. A code no longer valid
// re-renders the form with why (ok false), without the code.
func (h *Handler) submittedCode(c *fiber.Ctx, site *storefront.Site, values url.Values) (*storefront.Site, bool, error) {
	code := values.Get(inputVoucher)
	if code == "" {
		return site, true, nil
	}
	v, err := h.voucherFor(c, site, code)
	if err != nil {
		return nil, false, h.codeRefused(c, site, values, err)
	}
	return site.WithCode(v), true, nil
}

// codeRefused re-renders the order form without the order's code, saying
// why it was refused (unknown, expired, used up meanwhile); the cookie
// forgets it.
func (h *Handler) codeRefused(c *fiber.Ctx, site *storefront.Site, values url.Values, err error) error {
	if code := marquee.ErrorCode(err); code == marquee.EINTERNAL || code == marquee.EUNAVAILABLE {
		return err
	}
	c.ClearCookie(codeCookie)
	values.Set(codeQuery, values.Get(inputVoucher))
	values.Del(inputVoucher)
	return h.renderOrderForm(c, site.Original(), marquee.HTTPStatus(err), values, form.Errors{inputVoucher: marquee.ErrorMessage(err)})
}

// reviewDiscount puts the order's code's discount on its review page, as
// the order's transaction will price it with the catalogue's prices (site
// is unlocked by the code, which the request looked up).
func (h *Handler) reviewDiscount(c *fiber.Ctx, site *storefront.Site, p *ReviewPage, lines []storefront.Line) {
	v, ok := c.Locals(codeLocal).(*storefront.Voucher)
	if !ok {
		return
	}
	var priced []storefront.PricedLine
	var total int64
	for _, l := range lines {
		prod, found := site.Catalogue.Product(l.ProductID)
		variant, vfound := prod.Variant(l.VariantID)
		if !found || !vfound {
			continue
		}
		pl := storefront.PricedLine{Line: l, Product: prod, Variant: variant}
		priced = append(priced, pl)
		total += pl.UnitPrice() * int64(l.Quantity)
	}
	if off := v.Discount(priced); off > 0 {
		cur := site.Settings.Currency
		p.Discount, p.DiscountCode = price(p.Page, off, cur), v.Code
		p.Summary.Total = storefront.FormatMoney(total-off, cur, p.Lang)
	}
}
