package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/db"
	"marquee/storefront"
)

// exportSignups streams every sign-up of the event, newest first, in the
// console's columns (storefront.SignupColumns), as CSV
// (every cell a spreadsheet could run as a formula neutralised) or as a
// JSON array of objects keyed by the same columns; a page of the list at
// a time, never all in memory. The export is in the audit log.
func (h *Handler) exportSignups(c *fiber.Ctx) error {
	t := eventOf(c)
	format := c.Query("format", "csv")
	if format != "csv" && format != "json" {
		return h.fail(c, marquee.Invalid("format", "api.format_unknown"), fiber.StatusBadRequest)
	}
	ctx := c.UserContext()
	all, err := h.Desk.FormFields(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	if err := h.Desk.AuditOrderAccess(ctx, t.ID, uuid.Nil, "signups_exported", "api_token="+tokenOf(c).Name); err != nil {
		return h.fail(c, err, 0)
	}
	columns := storefront.NewSignupColumns(all)
	header := columns.Header()
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+t.Slug+`-signups.`+format+`"`)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	if format == "json" {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	}
	tenantID, def, log := t.ID, t.DefaultLocale, h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The stream outlives the request handler: its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		rows := rowWriter(w, format, header)
		var after db.SignupCursor
		for {
			list, next, err := h.Desk.Signups(ctx, tenantID, after, 500)
			for _, s := range list {
				if err == nil {
					err = rows.write(columns.Row(s, def))
				}
			}
			if err != nil && log != nil {
				log.Error("sign-up export failed", "event", t.Slug, "err", err)
			}
			if err != nil || next.At.IsZero() {
				break
			}
			after = next
		}
		rows.close()
	})
	return nil
}

// rows writes an export's rows as CSV or as a JSON array of objects.
type rows struct {
	w      *bufio.Writer
	cw     *csv.Writer // nil for JSON
	header []string
	n      int
}

func rowWriter(w *bufio.Writer, format string, header []string) *rows {
	r := &rows{w: w, header: header}
	if format == "csv" {
		r.cw = csv.NewWriter(w)
		_ = r.cw.Write(safeCells(append([]string{}, header...)))
		return r
	}
	_, _ = w.WriteString("[")
	return r
}

func (r *rows) write(cells []string) error {
	if r.cw != nil {
		return r.cw.Write(safeCells(cells))
	}
	obj := make(map[string]string, len(cells))
	for i, cell := range cells {
		obj[r.header[i]] = cell
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	if r.n > 0 {
		_, _ = r.w.WriteString(",")
	}
	r.n++
	_, err = r.w.Write(b)
	return err
}

func (r *rows) close() {
	if r.cw != nil {
		r.cw.Flush()
	} else {
		_, _ = r.w.WriteString("]\n")
	}
	_ = r.w.Flush()
}
