package console

import (
	"bufio"
	"context"
	"encoding/csv"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
)

// exportOrders streams the filtered orders as CSV, one row per ordered
// item, without holding them in memory, in storefront.ExportColumns.
// Names and choices are in the event's default language; every cell a
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
	columns := storefront.NewExportColumns(fields)
	log := h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		cw := csv.NewWriter(w)
		_ = cw.Write(safeCells(columns.Header()))
		// The stream outlives the request handler: its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		err := h.Orders.ExportOrders(ctx, t.ID, f, func(l storefront.ExportLine) error {
			if err := cw.Write(safeCells(columns.Row(l, t.DefaultLocale))); err != nil {
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

// safeCells neutralises every cell of row, in place.
func safeCells(row []string) []string {
	for i := range row {
		row[i] = storefront.SafeCell(row[i])
	}
	return row
}
