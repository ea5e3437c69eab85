package console

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/themes"
)

// The voucher form: the same for new codes (with how many) and for
// editing one (whose code and uses stay).

// VoucherForm is the voucher form with its values.
type VoucherForm struct {
	Action, Submit                       string
	New                                  bool // the code and count fields are shown
	Code, Count, Kind, Amount, Percent   string
	MaxUses, ValidFrom, ValidUntil, Note string
	Products                             []ProductChoice
}

const voucherTimeLayout = "2006-01-02T15:04" // datetime-local, UTC as the form says

// voucherForm fills the voucher form from form's values, with a checkbox
// for every product and option of the catalogue (those "only with a code"
// marked).
func voucherForm(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue, form url.Values, action, submit string, isNew bool) VoucherForm {
	f := VoucherForm{Action: action, Submit: submit, New: isNew, Code: form.Get("code"), Count: form.Get("count"),
		Kind: form.Get("kind"), Amount: form.Get("amount"), Percent: form.Get("percent"), MaxUses: form.Get("max_uses"),
		ValidFrom: form.Get("valid_from"), ValidUntil: form.Get("valid_until"), Note: form.Get("note")}
	def := t.DefaultLocale
	for _, prod := range cat.Products {
		name := prod.Name.In(p.Lang, def)
		if prod.CodeOnly {
			name += " · " + p.T("console.vouchers.code_only")
		}
		pc := ProductChoice{ID: prod.ID.String(), Name: name, Checked: slices.Contains(form["product"], prod.ID.String())}
		for _, v := range prod.Variants {
			label := v.Label.In(p.Lang, def)
			if v.CodeOnly {
				label += " · " + p.T("console.vouchers.code_only")
			}
			pc.Options = append(pc.Options, OptionChoice{ID: v.ID.String(), Label: label, Checked: slices.Contains(form["variant"], v.ID.String())})
		}
		f.Products = append(f.Products, pc)
	}
	return f
}

// voucherValues are a saved code as the form's values.
func voucherValues(v storefront.Voucher, currency string) url.Values {
	vals := url.Values{"code": {v.Code}, "kind": {string(v.Kind)}, "note": {v.Note}}
	if v.Kind == storefront.VoucherAmount {
		vals.Set("amount", storefront.PriceInput(v.AmountMinor, currency))
	}
	if v.Kind == storefront.VoucherPercent {
		vals.Set("percent", strconv.Itoa(v.Percent))
	}
	if v.MaxUses != nil {
		vals.Set("max_uses", strconv.Itoa(*v.MaxUses))
	}
	if v.ValidFrom != nil {
		vals.Set("valid_from", v.ValidFrom.UTC().Format(voucherTimeLayout))
	}
	if v.ValidUntil != nil {
		vals.Set("valid_until", v.ValidUntil.UTC().Format(voucherTimeLayout))
	}
	for _, id := range v.ProductIDs {
		vals.Add("product", id.String())
	}
	for _, id := range v.VariantIDs {
		vals.Add("variant", id.String())
	}
	return vals
}

// voucherFromForm reads the voucher form (its code normalised, not yet
// validated: the caller may generate it). Products and options must be
// the event's; amounts are in the event's currency.
func voucherFromForm(form url.Values, cat storefront.Catalogue, currency string) (storefront.Voucher, error) {
	v := storefront.Voucher{Code: storefront.NormalizeCode(form.Get("code")), Kind: storefront.VoucherKind(form.Get("kind")),
		Note: strings.TrimSpace(form.Get("note"))}
	var err error
	switch v.Kind {
	case storefront.VoucherAmount:
		if v.AmountMinor, err = storefront.ParsePrice("amount", form.Get("amount"), currency); err != nil {
			return v, marquee.Invalid("amount", "vouchers.amount_invalid")
		}
	case storefront.VoucherPercent:
		if v.Percent, err = strconv.Atoi(strings.TrimSpace(form.Get("percent"))); err != nil {
			return v, marquee.Invalid("percent", "vouchers.percent_invalid")
		}
	}
	if s := strings.TrimSpace(form.Get("max_uses")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return v, marquee.Invalid("max_uses", "vouchers.max_uses_invalid")
		}
		v.MaxUses = &n
	}
	for field, dst := range map[string]**time.Time{"valid_from": &v.ValidFrom, "valid_until": &v.ValidUntil} {
		if s := strings.TrimSpace(form.Get(field)); s != "" {
			at, err := time.Parse(voucherTimeLayout, s)
			if err != nil {
				return v, marquee.Invalid(field, "vouchers.time_invalid")
			}
			*dst = &at
		}
	}
	products, foreign := idsIn(form["product"], func(id uuid.UUID) bool { _, ok := cat.Product(id); return ok })
	variants, foreignVariant := idsIn(form["variant"], func(id uuid.UUID) bool { return variantIn(cat, id) })
	if foreign || foreignVariant {
		return v, marquee.Invalid("items", "vouchers.items_unknown")
	}
	v.ProductIDs = products
	for _, o := range variants {
		if !slices.Contains(v.ProductIDs, productOf(cat, o)) { // a whole product covers its options already
			v.VariantIDs = append(v.VariantIDs, o)
		}
	}
	return v, nil
}

// VoucherPage is one code's edit form, its state and the orders that
// used it.
type VoucherPage struct {
	themes.Page
	CSRF, Event, Slug, Code, Problem, ProblemField string
	Link, Share, Uses                              string
	Disabled                                       bool
	Form                                           VoucherForm
	Redemptions                                    []RedemptionRow
}

// RedemptionRow is one order that used a code.
type RedemptionRow struct{ Number, Email, Status, Discount, Total, At, Link string }

const redemptionsShown = 50

// voucherParam is the route's code, if it is one of the event's.
func (h *Console) voucherParam(c *fiber.Ctx, t *tenant.Tenant) (*storefront.Voucher, error) {
	id, err := uuid.Parse(c.Params("voucher"))
	if err != nil {
		return nil, errPageNotFound
	}
	v, err := h.Vouchers.Voucher(c.UserContext(), t.ID, id)
	if marquee.ErrorCode(err) == marquee.ENOTFOUND {
		return nil, errPageNotFound
	}
	return v, err
}

func (h *Console) voucher(c *fiber.Ctx) error {
	t, err := h.event(c, voucherRoles)
	if err != nil {
		return err
	}
	v, err := h.voucherParam(c, t)
	if err != nil {
		return err
	}
	s, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	return h.renderVoucher(c, t, v, fiber.StatusOK, nil, voucherValues(*v, s.Currency))
}

func (h *Console) renderVoucher(c *fiber.Ctx, t *tenant.Tenant, v *storefront.Voucher, status int, refused error, form url.Values) error {
	ctx := c.UserContext()
	cat, err := h.Products.Catalogue(ctx, t.ID)
	if err != nil {
		return err
	}
	used, err := h.Vouchers.VoucherRedemptions(ctx, t.ID, v.ID, redemptionsShown)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	s, err := h.Products.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	link := "/events/" + t.Slug + "/vouchers/" + v.ID.String()
	p := VoucherPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Code: v.Code, Link: link,
		Disabled: v.Disabled, Uses: strconv.Itoa(v.Uses), Form: voucherForm(base, t, cat, form, link, base.T("console.vouchers.save"), false)}
	if v.MaxUses != nil {
		p.Uses += " / " + strconv.Itoa(*v.MaxUses)
	}
	if h.EventURL != nil {
		p.Share = h.EventURL(t.Slug) + "/?code=" + url.QueryEscape(v.Code)
	}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	for _, r := range used {
		p.Redemptions = append(p.Redemptions, RedemptionRow{Number: r.Number, Email: r.Email, Status: base.T("status." + string(r.Status)),
			Discount: storefront.FormatMoney(r.DiscountMinor, s.Currency, base.Lang), Total: storefront.FormatMoney(r.TotalMinor, s.Currency, base.Lang),
			At: consoleTime(base, r.At), Link: "/events/" + t.Slug + "/orders/" + r.Number})
	}
	return h.render(c, status, "console_voucher", p, base.Lang)
}

// updateVoucher saves the route's code (not its code nor its uses); a
// refused form comes back with what was typed.
func (h *Console) updateVoucher(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	saved, err := h.voucherParam(c, t)
	if err != nil {
		return "", err
	}
	ctx := c.UserContext()
	cat, err := h.Products.Catalogue(ctx, t.ID)
	if err != nil {
		return "", err
	}
	s, err := h.Products.Settings(ctx, t.ID)
	if err != nil {
		return "", err
	}
	v, err := voucherFromForm(form, cat, s.Currency)
	if err == nil {
		v.ID, v.Code, v.Uses = saved.ID, saved.Code, saved.Uses
		if err = v.Validate(); err == nil {
			err = h.Vouchers.UpdateVoucher(ctx, t.ID, v)
		}
	}
	if status := refusalStatus(err); status != 0 {
		form.Set("code", saved.Code)
		return "", h.renderVoucher(c, t, saved, status, err, form)
	}
	return flashed("/events/"+t.Slug+"/vouchers/"+saved.ID.String(), "voucher_saved"), err
}

// setVoucherDisabled disables the route's code (form "disabled" = "true")
// or enables it again: attendees can no longer use a disabled code, the
// orders that did keep it.
func (h *Console) setVoucherDisabled(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	v, err := h.voucherParam(c, t)
	if err != nil {
		return "", err
	}
	disabled := form.Get("disabled") == "true"
	key := "voucher_enabled"
	if disabled {
		key = "voucher_disabled"
	}
	return flashed("/events/"+t.Slug+"/vouchers/"+v.ID.String(), key), h.Vouchers.SetVoucherDisabled(c.UserContext(), t.ID, v.ID, disabled)
}

// askDeleteVoucher: the route's code, one of the event's.
func (h *Console) askDeleteVoucher(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	v, err := h.voucherParam(c, t)
	if err != nil {
		return confirmation{}, err
	}
	effect := p.T("console.confirm.voucher_effect")
	if v.Uses > 0 {
		effect = p.T("console.confirm.voucher_used", "Uses", v.Uses)
	}
	return confirmation{heading: p.T("console.confirm.voucher_heading", "Code", v.Code),
		effects: []string{effect}, button: p.T("console.vouchers.delete"), danger: true,
		cancel: "/events/" + t.Slug + "/vouchers/" + v.ID.String()}, nil
}

// deleteVoucher deletes the route's code when no order used it; a used
// one is refused with 409 (disable it instead).
func (h *Console) deleteVoucher(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	v, err := h.voucherParam(c, t)
	if err != nil {
		return "", err
	}
	return vouchersLink(t, "", "voucher_deleted"), h.Vouchers.DeleteVoucher(c.UserContext(), t.ID, v.ID)
}

// setCodeOnly makes the route's product (or option, for the variant
// route) "only with a code" (form "code_only" = "true") or shows it to
// everyone again.
func (h *Console) setCodeOnly(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	codeOnly := form.Get("code_only") == "true"
	if c.Params("variant") != "" {
		v, err := uuid.Parse(c.Params("variant"))
		if err != nil {
			return "", errPageNotFound
		}
		return catalogueLink(t), notFoundAsPage(h.Vouchers.SetVariantCodeOnly(c.UserContext(), t.ID, v, codeOnly))
	}
	p, err := uuid.Parse(c.Params("product"))
	if err != nil {
		return "", errPageNotFound
	}
	return catalogueLink(t), notFoundAsPage(h.Vouchers.SetProductCodeOnly(c.UserContext(), t.ID, p, codeOnly))
}

// notFoundAsPage answers a change that found nothing of that name in the
// event with the console's 404 page.
func notFoundAsPage(err error) error {
	if marquee.ErrorCode(err) == marquee.ENOTFOUND {
		return errPageNotFound
	}
	return err
}
