package storefront

import (
	"slices"
	"strconv"
	"time"

	"marquee/storefront/address"
	"marquee/storefront/form"
)

// The fixed columns of the orders' export: the order's first, the
// shipping address's last, the order form's fields between them.
var (
	exportOrderColumns = []string{"order", "placed_at", "status", "name", "email", "product", "variant", "quantity",
		"unit_price_minor", "currency", "payment_state"}
	exportAddressColumns = []string{"address_name", "address_line1", "address_line2", "address_line3", "address_sublocality",
		"address_locality", "address_region", "address_postal_code", "address_country_code"}
)

// ExportColumns are the columns of the orders' export (the console's CSV
// and the API's): the order's, one per field of the event's order form
// (headed by the field's key, as the form builder promises), then the
// shipping address in its parts. Customer and shipping answers come from
// the order, item answers from the line.
type ExportColumns struct{ order, item []form.Field }

// NewExportColumns are the export's columns for an event's form fields.
func NewExportColumns(fields []form.Field) ExportColumns {
	order := append(form.Sorted(fields, form.ScopeCustomer), form.Sorted(fields, form.ScopeShipping)...)
	return ExportColumns{order: order, item: form.Sorted(fields, form.ScopeItem)}
}

// Header is the export's first row.
func (e ExportColumns) Header() []string {
	h := slices.Clone(exportOrderColumns)
	for _, f := range append(slices.Clone(e.order), e.item...) {
		h = append(h, f.Key)
	}
	return append(h, exportAddressColumns...)
}

// Row is one line's cells in header order, names and choices in def (the
// event's default language). Checkboxes read TRUE and FALSE, as
// spreadsheets write them. The cells are as stored: a spreadsheet's
// export neutralises them (SafeCell).
func (e ExportColumns) Row(l ExportLine, def string) []string {
	row := []string{l.Number, l.CreatedAt.UTC().Format(time.RFC3339), l.Status, l.Name, l.Email,
		l.Product.In(def, def), l.Variant.In(def, def), strconv.Itoa(l.Quantity), strconv.FormatInt(l.UnitPriceMinor, 10), l.Currency,
		string(l.Payment)}
	for _, f := range e.order {
		row = append(row, f.DisplayAnswer(l.Answers[f.Key], def, def, "TRUE", "FALSE"))
	}
	for _, f := range e.item {
		row = append(row, f.DisplayAnswer(l.ItemAnswers[f.Key], def, def, "TRUE", "FALSE"))
	}
	a := address.Address{}
	if l.Address != nil {
		a = *l.Address
	}
	return append(row, a.Name, a.Line1, a.Line2, a.Line3, a.Sublocality, a.Locality, a.Region, a.PostalCode, a.CountryCode)
}
