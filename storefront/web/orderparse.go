package web

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
)

// parsedOrder is a submitted order form: the request to place, which form
// line each request line came from, and the errors by input name.
type parsedOrder struct {
	req    storefront.OrderRequest
	rowOf  []int // rowOf[i] is the form line of req.Lines[i]
	errors form.Errors
}

// parseOrder validates a submitted order form against the event's
// catalogue, fields and address rules. Prices and limits are not decided
// here: the order's transaction reads them again.
func parseOrder(site *storefront.Site, values url.Values, lang string) parsedOrder {
	po := parsedOrder{errors: form.Errors{}}
	po.req = storefront.OrderRequest{Locale: lang, Answers: map[string]any{}, VoucherCode: values.Get(inputVoucher)}
	po.parseLines(site, values)
	po.parseContact(values)
	for k, v := range form.ValidateAnswers(site.Fields, form.ScopeCustomer, values, "", po.errors) {
		po.req.Answers[k] = v
	}
	if site.Settings.Ships {
		for k, v := range form.ValidateAnswers(site.Fields, form.ScopeShipping, values, "", po.errors) {
			po.req.Answers[k] = v
		}
		po.parseAddress(values)
	}
	po.req.OfferToken = values.Get(inputOffer)
	if key, err := uuid.Parse(values.Get(inputIdempotencyKey)); err == nil {
		po.req.IdempotencyKey = key
	} else {
		po.errors.Add("form", "order.form_expired")
	}
	return po
}

func (po *parsedOrder) parseLines(site *storefront.Site, values url.Values) {
	for i := range site.Catalogue.Visible() {
		qty, ok := parseQuantity(values.Get(lineInput(i, "quantity")))
		if !ok {
			po.errors.Add(lineInput(i, "quantity"), "order.quantity_invalid")
			continue
		}
		if qty == 0 {
			continue
		}
		line, ok := po.parseLine(site, values, i, qty)
		if !ok || line.Quantity == 0 {
			continue
		}
		line.Answers = form.ValidateAnswers(site.Fields, form.ScopeItem, values, form.ItemPrefix(i), po.errors)
		po.req.Lines = append(po.req.Lines, line)
		po.rowOf = append(po.rowOf, i)
	}
	if len(po.req.Lines) == 0 && po.errors.Empty() {
		po.errors.Add(inputLines, "order.empty")
	}
}

// parseLine resolves a line's product and variant within this event's
// catalogue: an id of another event or a forged one is unknown here.
func (po *parsedOrder) parseLine(site *storefront.Site, values url.Values, i, qty int) (storefront.Line, bool) {
	pid, err := uuid.Parse(values.Get(lineInput(i, "product")))
	prod, found := site.Catalogue.Product(pid)
	if err != nil || !found || !prod.Shown() {
		po.errors.Add(lineInput(i, "product"), "order.unknown_product")
		return storefront.Line{}, false
	}
	chosen := values.Get(lineInput(i, "variant"))
	switch {
	case chosen == "" && len(prod.Variants) == 1:
		chosen = prod.Variants[0].ID.String() // one variant needs no choice
	case chosen == "":
		// No size chosen: the product is not ordered, whatever its
		// quantity box says (it shows 1, for the size once chosen).
		return storefront.Line{ProductID: pid}, true
	}
	vid, err := uuid.Parse(chosen)
	if err != nil {
		po.errors.Add(lineInput(i, "variant"), "order.unknown_variant")
		return storefront.Line{}, false
	}
	if v, ok := prod.Variant(vid); !ok || v.CodeOnly {
		po.errors.Add(lineInput(i, "variant"), "order.unknown_variant")
		return storefront.Line{}, false
	}
	return storefront.Line{ProductID: pid, VariantID: vid, Quantity: qty}, true
}

func parseQuantity(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= maxQuantity
}

// contactField checks the attendee's email like any email field.
var contactEmail = form.Field{Key: inputEmail, Scope: form.ScopeCustomer, Type: form.TypeEmail, Required: true}

func (po *parsedOrder) parseContact(values url.Values) {
	name := strings.Join(strings.Fields(values.Get(inputName)), " ")
	switch {
	case name == "":
		po.errors.Add(inputName, "form.required")
	case utf8.RuneCountInString(name) > 200:
		po.errors.Add(inputName, "form.too_long")
	}
	po.req.Name = name
	email, _, errID := contactEmail.Parse(values[inputEmail])
	if errID != "" {
		po.errors.Add(inputEmail, errID)
		return
	}
	po.req.Email = storefront.NormalizeEmail(email.(string))
}

func (po *parsedOrder) parseAddress(values url.Values) {
	v := func(name string) string { return values.Get(addressPrefix + name) }
	a := address.Address{
		Name: v(address.InputName), Line1: v(address.InputLine1), Line2: v(address.InputLine2), Line3: v(address.InputLine3),
		Sublocality: v(address.InputSublocality), Locality: v(address.InputLocality), Region: v(address.InputRegion),
		PostalCode: v(address.InputPostalCode), CountryCode: v(address.InputCountry),
	}
	for name, id := range address.Validate(a) {
		po.errors.Add(addressPrefix+name, id)
	}
	normalized := address.Normalize(a)
	po.req.Address = &normalized
}
