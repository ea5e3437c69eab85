package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
)

// exportOrders streams the filtered orders' lines, oldest first, without
// holding them in memory: format=csv (the default) is the console's CSV
// export (every cell a spreadsheet could take for a formula neutralised);
// format=json an array of objects keyed by the same columns, the values
// as stored. The export is in the audit log, as the console's is.
func (h *Handler) exportOrders(c *fiber.Ctx) error {
	t := eventOf(c)
	format := c.Query("format", "csv")
	if format != "csv" && format != "json" {
		return h.fail(c, marquee.Invalid("format", "api.format_unknown"), fiber.StatusBadRequest)
	}
	f, err := h.orderFilter(c, t)
	if err != nil {
		return h.refuse(c, err)
	}
	ctx := c.UserContext()
	fields, err := h.Desk.FormFields(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	subject := url.Values{"q": {f.Query}, "status": {string(f.Status)}, "payment": {string(f.Payment)}, "api_token": {tokenOf(c).Name}}.Encode()
	if err := h.Desk.AuditOrderAccess(ctx, t.ID, uuid.Nil, "orders_exported", subject); err != nil {
		return h.fail(c, err, 0)
	}
	columns := storefront.NewExportColumns(fields)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+t.Slug+`-orders.`+format+`"`)
	write := csvLines(columns, t.DefaultLocale)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	if format == "json" {
		write = jsonLines(columns, t.DefaultLocale)
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	}
	tenantID, log := t.ID, h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The stream outlives the request handler: its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		line, done := write(w)
		err := h.Desk.ExportOrders(ctx, tenantID, f, line)
		done()
		if err != nil && log != nil {
			log.Error("order export failed", "event", t.Slug, "err", err)
		}
	})
	return nil
}

// csvLines writes the header at once, then one row per line.
func csvLines(columns storefront.ExportColumns, def string) func(*bufio.Writer) (func(storefront.ExportLine) error, func()) {
	return func(w *bufio.Writer) (func(storefront.ExportLine) error, func()) {
		cw := csv.NewWriter(w)
		_ = cw.Write(safeCells(columns.Header()))
		return func(l storefront.ExportLine) error {
			if err := cw.Write(safeCells(columns.Row(l, def))); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		}, cw.Flush
	}
}

// jsonLines writes a JSON array, one object per line.
func jsonLines(columns storefront.ExportColumns, def string) func(*bufio.Writer) (func(storefront.ExportLine) error, func()) {
	return func(w *bufio.Writer) (func(storefront.ExportLine) error, func()) {
		header := columns.Header()
		_, _ = w.WriteString("[")
		first := true
		return func(l storefront.ExportLine) error {
				obj := make(map[string]string, len(header))
				for i, cell := range columns.Row(l, def) {
					obj[header[i]] = cell
				}
				b, err := json.Marshal(obj)
				if err != nil {
					return err
				}
				if !first {
					_, _ = w.WriteString(",")
				}
				first = false
				_, err = w.Write(b)
				return err
			}, func() {
				_, _ = w.WriteString("]\n")
				_ = w.Flush()
			}
	}
}

// safeCells neutralises every cell of row, in place.
func safeCells(row []string) []string {
	for i := range row {
		row[i] = storefront.SafeCell(row[i])
	}
	return row
}
