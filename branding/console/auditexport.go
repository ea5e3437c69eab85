package console

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant/staff"
)

// auditExportBatch is how many entries the export reads at a time.
const auditExportBatch = 1000

// auditColumns head the audit export's columns.
var auditColumns = []string{"id", "at", "event", "actor", "action", "subject", "detail", "ip"}

func (h *Console) exportEventAudit(c *fiber.Ctx) error {
	t, err := h.event(c, auditRoles)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	return h.exportAudit(c, auditScope{t: t, path: "/events/" + t.Slug + "/audit"}, base.Zone, t.Slug+"-audit.csv")
}

func (h *Console) exportPlatformAudit(c *fiber.Ctx) error {
	return h.exportAudit(c, auditScope{path: "/platform/audit"}, nil, "marquee-audit.csv")
}

// exportAudit streams every entry of scope's log the filter picks as CSV,
// newest first, a batch at a time: times in UTC, actions and details as
// written, every cell a spreadsheet could take for a formula neutralised.
// The download itself is written to the log first. A filter it cannot use
// shows the page with the refusal instead.
func (h *Console) exportAudit(c *fiber.Ctx, scope auditScope, zone *time.Location, filename string) error {
	p := h.page(c)
	p.Zone = zone
	f, err := h.auditFilter(c, scope, p)
	if marquee.ErrorCode(err) == marquee.EINVALID {
		return h.auditPage(c, p, scope)
	}
	if err != nil {
		return err
	}
	what := auditKeep(c, scope.t == nil).Encode()
	if err := h.Audit.RecordAuditExport(c.UserContext(), f.TenantID, current(c).staff.ID, what); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	audit, log := h.Audit, h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The stream outlives the request handler: its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := writeAuditCSV(ctx, w, audit, f); err != nil && log != nil {
			log.Error("audit export failed", "path", scope.path, "err", err)
		}
	})
	return nil
}

// writeAuditCSV writes the header, then the entries f picks, a batch at a
// time, each batch older than the last.
func writeAuditCSV(ctx context.Context, w *bufio.Writer, audit AuditTrail, f staff.AuditFilter) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(auditColumns); err != nil {
		return err
	}
	f.Limit = auditExportBatch
	for {
		lines, err := audit.SearchAudit(ctx, f)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if err := cw.Write(safeCells(auditRecord(l))); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil || len(lines) < auditExportBatch {
			return err
		}
		f.BeforeID = lines[len(lines)-1].ID
	}
}

// auditRecord is one entry's cells in auditColumns' order: the event by its
// short name and the actor by email, else by id.
func auditRecord(l staff.AuditLine) []string {
	event, actor := l.EventSlug, l.ActorEmail
	if event == "" && l.TenantID.Valid {
		event = l.TenantID.UUID.String()
	}
	if actor == "" && l.ActorID.Valid {
		actor = l.ActorID.UUID.String()
	}
	detail, _ := json.Marshal(l.Detail)
	if l.Detail == nil {
		detail = []byte("{}")
	}
	return []string{strconv.FormatInt(l.ID, 10), l.At.UTC().Format(time.RFC3339), event, actor, l.Action, l.Subject, string(detail), l.IP}
}
