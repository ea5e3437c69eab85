package suppliers

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"marquee/storefront/address"
	"marquee/storefront/form"
)

// Column headers of the fixed columns. They stay in English and in the
// console export's snake_case whatever the language of the lines: a
// supplier who imports the list into its own system needs names that do
// not change from one event to the next. Item-field columns are the
// event's own words and come in the chosen language.
const (
	colOrder     = "order"
	colPlacedAt  = "placed_at"
	colProduct   = "product"
	colVariant   = "variant"
	colQuantity  = "quantity"
	colRecipient = "recipient"
	colAddress   = "address"
	colCountry   = "country_code"
	colTotal     = "total"
)

// Sheet names of the XLSX workbook.
const (
	SheetLines   = "Lines"
	SheetMatrix  = "Size matrix"
	SheetPacking = "Packing"
)

// header returns the column headers shared by the CSV and the Lines sheet.
func header(itemFields []form.Field, lang, fallback string) []string {
	h := []string{colOrder, colPlacedAt, colProduct, colVariant, colQuantity}
	for _, f := range itemFields {
		h = append(h, f.LabelFor(lang, fallback))
	}
	return append(h, colRecipient, colAddress, colCountry)
}

// row returns l's cells in header order, typed as a spreadsheet holds
// them: string, int64, float64, bool, time.Time, or nil for empty. The CSV
// and the XLSX both write rows from it, so their columns cannot drift.
func row(l Line, itemFields []form.Field, lang, fallback string) []any {
	cells := []any{l.OrderNumber, l.PlacedAt.UTC(), l.Product, l.Variant, int64(l.Quantity)}
	for _, f := range itemFields {
		cells = append(cells, answerCell(f, l.ItemAnswers[f.Key], lang, fallback))
	}
	return append(cells, l.Recipient, strings.Join(addressLines(l.ShipTo, lang), ", "), countryCode(l.ShipTo))
}

// addressLines returns a as written on a parcel, without the recipient
// (its own column) but with the country's name, which an international
// parcel needs. Nil (no shipping) gives no lines.
func addressLines(a *address.Address, lang string) []string {
	if a == nil {
		return nil
	}
	noName := *a
	noName.Name = ""
	return address.Lines(noName, lang)
}

// countryCode returns the ISO code a supplier sorts parcels by, or "".
func countryCode(a *address.Address) string {
	if a == nil {
		return ""
	}
	return strings.ToUpper(strings.TrimSpace(a.CountryCode))
}

// answerCell turns a stored item answer into a cell value. Answers may
// come straight from form.Field.Parse (int64, []string) or back from JSONB
// (float64, json.Number, []any); both read the same. Choices show their
// option labels in the language, not the stored values.
func answerCell(f form.Field, v any, lang, fallback string) any {
	switch v := v.(type) {
	case nil:
		return nil
	case bool:
		return v
	case int:
		return int64(v)
	case int64:
		return v
	case float64:
		return numberCell(v)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		if x, err := v.Float64(); err == nil {
			return numberCell(x)
		}
		return v.String()
	case string:
		return optionLabel(f, v, lang, fallback)
	case []string:
		return choiceLabels(f, v, lang, fallback)
	case []any:
		values := make([]string, len(v))
		for i, x := range v {
			values[i] = fmt.Sprint(x)
		}
		return choiceLabels(f, values, lang, fallback)
	}
	return fmt.Sprint(v)
}

// numberCell keeps whole numbers whole (JSON turns 3 into 3.0) and drops
// what no spreadsheet can hold (NaN, ±Inf: never valid answers anyway).
func numberCell(x float64) any {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return nil
	case x == math.Trunc(x) && math.Abs(x) < 1<<53:
		return int64(x)
	}
	return x
}

// optionLabel returns the label of the option with value v, or v itself
// for fields without options (text, date, country) or a value the form
// no longer offers.
func optionLabel(f form.Field, v, lang, fallback string) string {
	for _, o := range f.Options {
		if o.Value == v {
			return o.LabelFor(lang, fallback)
		}
	}
	return v
}

// choiceLabels returns the labels of a multiple-choice answer, joined.
func choiceLabels(f form.Field, values []string, lang, fallback string) string {
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = optionLabel(f, v, lang, fallback)
	}
	return strings.Join(labels, ", ")
}
