package web

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/themes"
)

// AddressPage changes the shipping address of an order that is shipped,
// with the order form's address inputs for the chosen country.
type AddressPage struct {
	themes.Page
	Number, StatusURL, ChangeURL, Action, CSRF string
	Address                                    *AddressView
	Problem                                    string // the refusal, translated
}

// orderAddressPage shows the address form filled with the order's
// address.
func (h *Handler) orderAddressPage(c *fiber.Ctx) error {
	site, o, base, ok, err := h.changeBase(c)
	if !ok {
		return err
	}
	if err := checkShipped(site, o); err != nil {
		return err
	}
	return h.renderAddress(c, site, o, base, fiber.StatusOK, addressValues(*o.Address), nil, "")
}

// changeAddress saves a new shipping address, or redraws the form: for
// another country (action refresh), or with what is wrong (a 422).
func (h *Handler) changeAddress(c *fiber.Ctx) error {
	_, values, ok, err := h.submission(c)
	if !ok {
		return err
	}
	site, o, base, ok, err := h.changeBase(c)
	if !ok {
		return err
	}
	if err := checkShipped(site, o); err != nil {
		return err
	}
	if values.Get("action") == actionRefresh {
		return h.renderAddress(c, site, o, base, fiber.StatusOK, values, nil, "")
	}
	po := parsedOrder{errors: form.Errors{}}
	po.parseAddress(values)
	if !po.errors.Empty() {
		return h.renderAddress(c, site, o, base, fiber.StatusUnprocessableEntity, values, po.errors, "")
	}
	if _, err := h.Changes.ChangeOrderAddress(c.UserContext(), site.Tenant.ID, o.Number, *po.req.Address); err != nil {
		if marquee.ErrorField(err) == "" {
			return err
		}
		return h.renderAddress(c, site, o, base, marquee.HTTPStatus(err), values, nil, base.T(marquee.ErrorMessage(err)))
	}
	return c.Redirect(h.Links.Path(site.Tenant.ID, o.Number)+"&changed=1", fiber.StatusSeeOther)
}

func (h *Handler) renderAddress(c *fiber.Ctx, site *storefront.Site, o *storefront.Order, base themes.Page, status int, values url.Values, errs form.Errors, problem string) error {
	sig := url.QueryEscape(c.Query("sig"))
	path := "/orders/" + o.Number
	p := AddressPage{Page: base, Number: o.Number, StatusURL: path + "?sig=" + sig, ChangeURL: path + "/change?sig=" + sig,
		Action: path + "/change/address?sig=" + sig, CSRF: h.csrfToken(c), Problem: problem,
		Address: addressView(base, site.Settings, values, errs)}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "order_address", p); err != nil {
		return err
	}
	return h.send(c, status, base.Lang, buf.Bytes(), "no-store")
}

// checkShipped refuses the address page of an order that is not shipped.
func checkShipped(site *storefront.Site, o *storefront.Order) error {
	if !site.Settings.Ships || o.Address == nil {
		return &marquee.Error{Code: marquee.ECONFLICT, Message: "change.not_shipped", Field: "address"}
	}
	return nil
}

// addressValues are the address form's inputs filled with a.
func addressValues(a address.Address) url.Values {
	v := url.Values{}
	for name, value := range map[string]string{
		address.InputName: a.Name, address.InputLine1: a.Line1, address.InputLine2: a.Line2, address.InputLine3: a.Line3,
		address.InputSublocality: a.Sublocality, address.InputLocality: a.Locality, address.InputRegion: a.Region,
		address.InputPostalCode: a.PostalCode, address.InputCountry: a.CountryCode,
	} {
		v.Set(addressPrefix+name, value)
	}
	return v
}
