package console

import (
	"bufio"
	"context"
	"encoding/csv"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
)

// exportOrders streams the filtered orders as CSV, one row per ordered
// item, without holding them in memory: the order's columns, one column
// per field of the event's order form (headed by the field's key, as the
// form builder promises), then the shipping address in its parts. Names
// and choices are in the event's default language; every cell a
// spreadsheet could take for a formula is neutralised.
func (h *Console) exportOrders(c *fiber.Ctx) error {
	t, err := h.event(c, orderRoles)
	if err != nil {
		return err
	}
	settings, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	f := orderFilter(c, settings.Location())
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	if err := h.Orders.AuditOrderAccess(c.UserContext(), t.ID, current(c).staff.ID, "orders_exported", url.Values{"q": {f.Query}, "status": {string(f.Status)}, "payment": {string(f.Payment)}}.Encode()); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+t.Slug+`-orders.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	columns := exportColumns(fields)
	log := h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		cw := csv.NewWriter(w)
		_ = cw.Write(safeCells(columns.header()))
		// The stream outlives the request handler: its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		err := h.Orders.ExportOrders(ctx, t.ID, f, func(l storefront.ExportLine) error {
			if err := cw.Write(safeCells(columns.row(l, t.DefaultLocale))); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		})
		cw.Flush()
		if err != nil && log != nil {
			log.Error("order export failed", "event", t.Slug, "err", err)
		}
	})
	return nil
}

// orderColumns and addressColumns head the export's fixed columns.
var (
	orderColumns   = []string{"order", "placed_at", "status", "name", "email", "product", "variant", "quantity", "unit_price_minor", "currency", "payment_state"}
	addressColumns = []string{"address_name", "address_line1", "address_line2", "address_line3", "address_sublocality",
		"address_locality", "address_region", "address_postal_code", "address_country_code"}
)

// exportFields are the order form's fields as export columns: customer
// and shipping answers come from the order, item answers from the line.
type exportFields struct{ order, item []form.Field }

func exportColumns(fields []form.Field) exportFields {
	order := append(form.Sorted(fields, form.ScopeCustomer), form.Sorted(fields, form.ScopeShipping)...)
	return exportFields{order: order, item: form.Sorted(fields, form.ScopeItem)}
}

func (e exportFields) header() []string {
	h := slices.Clone(orderColumns)
	for _, f := range append(slices.Clone(e.order), e.item...) {
		h = append(h, f.Key)
	}
	return append(h, addressColumns...)
}

// row is one line's cells in header order. Checkboxes read TRUE and FALSE,
// as spreadsheets write them.
func (e exportFields) row(l storefront.ExportLine, def string) []string {
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

// safeCells neutralises every cell of row, in place.
func safeCells(row []string) []string {
	for i := range row {
		row[i] = storefront.SafeCell(row[i])
	}
	return row
}
