package web

import (
	"maps"
	"net/url"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/formview"
	"marquee/themes"
)

// The order form's input names. Line i is the i-th visible product; its
// item-scope fields are named form.ItemPrefix(i) + key.
const (
	inputName           = "name"
	inputEmail          = "email"
	inputIdempotencyKey = "idempotency_key"
	inputAction         = "action"
	inputCountry        = "address.country_code"
	addressPrefix       = "address."
	maxQuantity         = 20 // per line, whatever the product allows
)

func lineInput(i int, what string) string { return "line." + strconv.Itoa(i) + "." + what }

// OrderPage is the order form, empty or re-rendered with errors.
type OrderPage struct {
	themes.Page
	CSRF           string
	IdempotencyKey string
	Lines          []LineView
	Name, Email    FieldView
	Customer       []FieldView
	Shipping       []FieldView
	Address        *AddressView
	Problems       []string // translated summary of the errors, on top
}

// FieldView and OptionView are what the "field" template draws; the
// console's form preview draws the same.
type (
	FieldView  = formview.FieldView
	OptionView = formview.OptionView
)

// LineView is one product on the order form.
type LineView struct {
	Index                               int
	ProductID, Name, Description, Price string
	Free, SoldOut                       bool
	SingleVariant                       string // the only variant's id: no choice to offer
	Variant                             FieldView
	Quantity                            FieldView
	MaxQuantity                         int
	Items                               []FieldView
	Error                               string
}

// AddressView is the shipping address part of the form.
type AddressView struct {
	Country FieldView
	Inputs  []FieldView
}

// orderForm builds the order form from the submitted (or preselected)
// values and the errors by input name (message IDs).
func (h *Handler) orderForm(site *storefront.Site, base themes.Page, values url.Values, errs form.Errors) OrderPage {
	def := site.Tenant.DefaultLocale
	p := OrderPage{Page: base, IdempotencyKey: values.Get(inputIdempotencyKey)}
	if _, err := uuid.Parse(p.IdempotencyKey); err != nil {
		p.IdempotencyKey = uuid.NewString()
	}
	for i, prod := range site.Catalogue.Visible() {
		p.Lines = append(p.Lines, h.lineView(site, base, i, prod, values, errs))
	}
	p.Name = FieldView{Name: inputName, Type: string(form.TypeText), Required: true, Label: base.T("order.name"), Value: values.Get(inputName), Error: tr(base, errs[inputName])}
	p.Email = FieldView{Name: inputEmail, Type: string(form.TypeEmail), Required: true, Label: base.T("order.email"), Help: base.T("order.email_help"), Value: values.Get(inputEmail), Error: tr(base, errs[inputEmail])}
	p.Customer = fieldViews(base, form.Sorted(site.Fields, form.ScopeCustomer), "", values, errs, def)
	if site.Settings.Ships {
		p.Shipping = fieldViews(base, form.Sorted(site.Fields, form.ScopeShipping), "", values, errs, def)
		p.Address = addressView(base, site.Settings, values, errs)
	}
	lineErrors := map[string]string{}
	for _, lv := range p.Lines {
		lineErrors[lineInput(lv.Index, "product")] = lv.Error
	}
	for _, name := range sortedKeys(errs) {
		if msg, ok := lineErrors[name]; ok {
			p.Problems = append(p.Problems, msg)
			continue
		}
		p.Problems = append(p.Problems, tr(base, errs[name]))
	}
	return p
}

// lineProblem translates the message ID of a problem with one product's
// line; the limits it may name are the product's own.
func lineProblem(base themes.Page, prod storefront.Product, id string) string {
	switch id {
	case "":
		return ""
	case storefront.MsgOverAttendeeMax:
		return base.T(id, "Count", prod.MaxPerAttendee)
	case storefront.MsgOverOrderMax:
		return base.T(id, "Count", prod.MaxPerOrder)
	}
	return base.T(id)
}

func (h *Handler) lineView(site *storefront.Site, base themes.Page, i int, prod storefront.Product, values url.Values, errs form.Errors) LineView {
	l, def, cur := base.Lang, site.Tenant.DefaultLocale, site.Settings.Currency
	lv := LineView{Index: i, ProductID: prod.ID.String(), Name: prod.Name.In(l, def), Description: prod.Description.In(l, def),
		Free: prod.PriceMinor == 0, SoldOut: prod.SoldOut(), Error: lineProblem(base, prod, errs[lineInput(i, "product")])}
	lv.Price = storefront.FormatMoney(prod.PriceMinor, cur, l)
	lv.MaxQuantity = maxQuantity
	for _, limit := range []int{prod.MaxPerOrder, prod.MaxPerAttendee} {
		if limit > 0 && limit < lv.MaxQuantity {
			lv.MaxQuantity = limit
		}
	}
	chosen := values.Get(lineInput(i, "variant"))
	lv.Variant = FieldView{Name: lineInput(i, "variant"), Type: string(form.TypeSingleChoice), Label: base.T("order.variant"), Error: tr(base, errs[lineInput(i, "variant")])}
	for _, v := range prod.Variants {
		label := v.Label.In(l, def)
		if v.PriceMinor != nil && *v.PriceMinor != prod.PriceMinor {
			label += " · " + storefront.FormatMoney(*v.PriceMinor, cur, l)
		}
		if v.SoldOut() {
			label += " · " + base.T("catalogue.sold_out")
		}
		lv.Variant.Options = append(lv.Variant.Options, OptionView{Value: v.ID.String(), Label: label, Selected: v.ID.String() == chosen, Disabled: v.SoldOut()})
	}
	if len(prod.Variants) == 1 && !prod.Variants[0].SoldOut() {
		lv.SingleVariant = prod.Variants[0].ID.String()
	}
	lv.Quantity = FieldView{Name: lineInput(i, "quantity"), Type: string(form.TypeNumber), Label: base.T("order.quantity"), Value: values.Get(lineInput(i, "quantity")), Error: tr(base, errs[lineInput(i, "quantity")])}
	if lv.Quantity.Value == "" {
		lv.Quantity.Value = "0"
	}
	lv.Items = fieldViews(base, form.Sorted(site.Fields, form.ScopeItem), form.ItemPrefix(i), values, errs, def)
	return lv
}

// fieldViews draws an event's fields of one scope; prefix names item fields.
func fieldViews(base themes.Page, fields []form.Field, prefix string, values url.Values, errs form.Errors, def string) []FieldView {
	return formview.Fields(base, fields, prefix, values, errs, def)
}

func addressView(base themes.Page, s storefront.Settings, values url.Values, errs form.Errors) *AddressView {
	country := values.Get(inputCountry)
	if country == "" && len(s.CommonCountries) > 0 {
		country = s.CommonCountries[0]
	}
	av := &AddressView{Country: FieldView{Name: inputCountry, Type: string(form.TypeCountry), Required: true,
		Label: base.T("address.country"), Value: country, Error: tr(base, errs[inputCountry]),
		Options: countryOptions(base.Lang, s.CommonCountries, country)}}
	if country == "" {
		return av // the attendee picks a country first; its form follows
	}
	for _, in := range address.Form(country, base.Lang) {
		name := addressPrefix + in.Name
		fv := FieldView{Name: name, Type: string(form.TypeText), Label: base.T(in.LabelID), Required: in.Required,
			Value: values.Get(name), Error: tr(base, errs[name]), Pattern: in.Pattern, Row: in.Row}
		if len(in.Options) > 0 {
			fv.Type = string(form.TypeSingleChoice)
			for _, r := range in.Options {
				fv.Options = append(fv.Options, OptionView{Value: r.Code, Label: r.Name, Selected: r.Code == fv.Value})
			}
		}
		av.Inputs = append(av.Inputs, fv)
	}
	return av
}

func countryOptions(lang string, first []string, chosen string) []OptionView {
	return formview.Countries(lang, first, chosen)
}

// tr translates a message ID; "" stays "".
func tr(p themes.Page, id string) string { return formview.Translate(p, id) }

func sortedKeys(errs form.Errors) []string { return slices.Sorted(maps.Keys(errs)) }
