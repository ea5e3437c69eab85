package web

import (
	"net/url"
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
	LinesError     string // nothing was chosen: said on the products' fieldset
	Name, Email    FieldView
	Customer       []FieldView
	Shipping       []FieldView
	Address        *AddressView
	Payment        *PaymentView  // nil: nothing is said about paying
	Problems       []ProblemView // the error summary on top, in the form's order
	Summary        SummaryView   // what is chosen so far, with its total
	Currency       string        // for order.js's running total
	// Offer and OfferVariant are a waiting-list offer's secret and option
	// (waitlist.go), kept in hidden inputs: that option is the visitor's.
	Offer, OfferVariant string
	Code                *CodeView // the voucher code's form, or the active code (carried in a hidden field)
}

// FieldView and OptionView are what the "field" template draws; the
// console's form preview draws the same.
type (
	FieldView  = formview.FieldView
	OptionView = formview.OptionView
)

// LineView is one product on the order form: its sizes as buttons (or its
// only variant, hidden), its quantity and its item fields.
type LineView struct {
	Index                                      int
	ProductID, Name, Description, Price, Image string
	Free, SoldOut                              bool
	SingleVariant                              string // the only variant's id: no choice to offer
	SinglePrice                                int64  // its unit price in minor units
	SizeName, SizeError                        string // the sizes' input name and its problem
	Sizes                                      []SizeView
	Chosen                                     bool // a size is chosen (or the only variant has a quantity)
	Quantity                                   FieldView
	MaxQuantity                                int
	Items                                      []FieldView
	Error                                      string
}

// SizeView is one size (variant) of a product, drawn as a radio button.
type SizeView struct {
	ID, Value, Label, Price string // Price: only when it differs from the product's
	PriceMinor              int64
	Checked, SoldOut        bool
}

// FirstInput is the id of the line's first input a person can use: where
// a problem with the line sends the focus.
func (lv LineView) FirstInput() string {
	for _, s := range lv.Sizes {
		if !s.SoldOut {
			return s.ID
		}
	}
	return lv.Quantity.Name
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
	p := OrderPage{Page: base, IdempotencyKey: values.Get(inputIdempotencyKey), Currency: site.Settings.Currency,
		Offer: values.Get(inputOffer), OfferVariant: values.Get(inputOfferVariant)}
	if _, err := uuid.Parse(p.IdempotencyKey); err != nil {
		p.IdempotencyKey = uuid.NewString()
	}
	for i, prod := range site.Catalogue.Visible() {
		p.Lines = append(p.Lines, h.lineView(site, base, i, prod, values, errs))
	}
	p.LinesError = tr(base, errs[inputLines])
	p.Name = FieldView{Name: inputName, Type: string(form.TypeText), Required: true, Label: base.T("order.name"), Value: values.Get(inputName),
		Error: tr(base, errs[inputName]), Autocomplete: "name"}
	p.Email = FieldView{Name: inputEmail, Type: string(form.TypeEmail), Required: true, Label: base.T("order.email"), Help: base.T("order.email_help"),
		Value: values.Get(inputEmail), Error: tr(base, errs[inputEmail]), Autocomplete: "email"}
	p.Customer = fieldViews(base, form.Sorted(site.Fields, form.ScopeCustomer), "", values, errs, def)
	if site.Settings.Ships {
		p.Shipping = fieldViews(base, form.Sorted(site.Fields, form.ScopeShipping), "", values, errs, def)
		p.Address = addressView(base, site.Settings, values, errs)
	}
	p.Payment = h.paymentView(site, base, values, errs)
	p.Code = &CodeView{Back: "/order", Value: values.Get(codeQuery), Error: tr(base, errs[inputVoucher])}
	p.Problems = problems(base, p, errs)
	p.Summary = summaryOf(base, site, parseOrder(site, values, base.Lang).req.Lines)
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
		Free: prod.PriceMinor == 0, SoldOut: productSoldOut(site, prod, values), Error: lineProblem(base, prod, errs[lineInput(i, "product")]),
		SizeName: lineInput(i, "variant"), SizeError: tr(base, errs[lineInput(i, "variant")])}
	lv.Price = storefront.FormatMoney(prod.PriceMinor, cur, l)
	lv.Image, _ = h.productImage(prod)
	lv.MaxQuantity = maxQuantity
	for _, limit := range []int{prod.MaxPerOrder, prod.MaxPerAttendee} {
		if limit > 0 && limit < lv.MaxQuantity {
			lv.MaxQuantity = limit
		}
	}
	quantity := values.Get(lineInput(i, "quantity"))
	if len(prod.Variants) == 1 && !variantSoldOut(site, prod.Variants[0], values) {
		lv.SingleVariant, lv.SinglePrice = prod.Variants[0].ID.String(), prod.Price(prod.Variants[0])
		lv.Chosen = quantity != "" && quantity != "0"
	} else {
		lv.Sizes, lv.Chosen = sizeViews(base, site, prod, i, values, values.Get(lv.SizeName), def, cur)
	}
	if quantity == "" {
		// A chosen size orders one; a product without sizes is ordered by
		// setting its quantity.
		quantity = "1"
		if lv.SingleVariant != "" {
			quantity = "0"
		}
	}
	lv.Quantity = FieldView{Name: lineInput(i, "quantity"), Type: string(form.TypeNumber), Label: base.T("order.quantity"), Value: quantity,
		Error: tr(base, errs[lineInput(i, "quantity")])}
	lv.Items = fieldViews(base, form.Sorted(site.Fields, form.ScopeItem), form.ItemPrefix(i), values, errs, def)
	return lv
}

// sizeViews draws a product's variants as buttons; the first one a person
// can choose carries the group's id, where links to the line lead.
func sizeViews(base themes.Page, site *storefront.Site, prod storefront.Product, i int, values url.Values, chosen, def, cur string) ([]SizeView, bool) {
	var out []SizeView
	anyChosen, named := false, false
	for n, v := range prod.Variants {
		s := SizeView{ID: lineInput(i, "variant") + "-" + strconv.Itoa(n), Value: v.ID.String(), Label: v.Label.In(base.Lang, def),
			PriceMinor: prod.Price(v), SoldOut: variantSoldOut(site, v, values)}
		if v.PriceMinor != nil && *v.PriceMinor != prod.PriceMinor {
			s.Price = storefront.FormatMoney(*v.PriceMinor, cur, base.Lang)
		}
		s.Checked = !s.SoldOut && s.Value == chosen
		anyChosen = anyChosen || s.Checked
		if !s.SoldOut && !named {
			s.ID, named = lineInput(i, "variant"), true
		}
		out = append(out, s)
	}
	return out, anyChosen
}

// fieldViews draws an event's fields of one scope; prefix names item fields.
func fieldViews(base themes.Page, fields []form.Field, prefix string, values url.Values, errs form.Errors, def string) []FieldView {
	return formview.Fields(base, fields, prefix, values, errs, def)
}

// addressAutocomplete is what browsers may fill each address input with.
var addressAutocomplete = map[string]string{
	address.InputName: "shipping name", address.InputLine1: "shipping address-line1", address.InputLine2: "shipping address-line2",
	address.InputLine3: "shipping address-line3", address.InputSublocality: "shipping address-level3",
	address.InputLocality: "shipping address-level2", address.InputRegion: "shipping address-level1",
	address.InputPostalCode: "shipping postal-code",
}

func addressView(base themes.Page, s storefront.Settings, values url.Values, errs form.Errors) *AddressView {
	country := values.Get(inputCountry)
	if country == "" && len(s.CommonCountries) > 0 {
		country = s.CommonCountries[0]
	}
	av := &AddressView{Country: FieldView{Name: inputCountry, Type: string(form.TypeCountry), Required: true,
		Label: base.T("address.country"), Value: country, Error: tr(base, errs[inputCountry]),
		Options: countryOptions(base.Lang, s.CommonCountries, country), Autocomplete: "shipping country"}}
	if country == "" {
		return av // the attendee picks a country first; its form follows
	}
	for _, in := range address.Form(country, base.Lang) {
		name := addressPrefix + in.Name
		fv := FieldView{Name: name, Type: string(form.TypeText), Label: base.T(in.LabelID), Required: in.Required,
			Value: values.Get(name), Error: tr(base, errs[name]), Pattern: in.Pattern, Row: in.Row, Autocomplete: addressAutocomplete[in.Name]}
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
