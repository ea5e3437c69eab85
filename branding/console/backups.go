package console

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/db/backup"
	"marquee/tenant/staff"
	"marquee/themes"
)

// The platform admins' backups page: the schedule and the retention, the
// last run of each ending (a failure or a missed schedule in an alert),
// every backup with its size and age, "create now", a download of each
// and a deletion that asks first. Each of those is written to the audit
// log: a backup holds every attendee's data.

// BackupsPage is the platform's backups.
type BackupsPage struct {
	themes.Page
	CSRF       string
	Configured bool // BACKUP_DIR or BACKUP_S3_BUCKET is set
	Problem    string
	// The schedule and the retention, as sentences.
	Schedule, Retention, Next string
	LastSuccess, LastFailure  string // "" for none
	FailureError              string
	FailedLast                bool   // the last run failed: the failure is an alert
	Missed, Running           string // "" unless missed or running
	Backups                   []BackupRow
}

// BackupRow is one backup in the list.
type BackupRow struct {
	ID, Created, Age, Kind, State, Size string
	Complete                            bool
	Download, Delete                    string
}

func (h *Console) backups(c *fiber.Ctx) error {
	return h.renderBackups(c, fiber.StatusOK, nil)
}

// renderBackups shows the page, with refused's message when it is not nil.
func (h *Console) renderBackups(c *fiber.Ctx, status int, refused error) error {
	base := h.page(c)
	p := BackupsPage{Page: base, CSRF: h.sessionToken(current(c)), Configured: h.Backups != nil}
	if refused != nil {
		p.Problem = base.T(marquee.ErrorMessage(refused))
	}
	if h.Backups == nil {
		return h.render(c, status, "console_backups", p, base.Lang)
	}
	now := h.now()
	st, err := h.Backups.Status(c.UserContext(), now)
	if err != nil {
		return err
	}
	p.describeStatus(st, now)
	list, err := h.Backups.List(c.UserContext())
	if err != nil {
		return err
	}
	for _, b := range list {
		p.Backups = append(p.Backups, backupRow(base, b, now))
	}
	return h.render(c, status, "console_backups", p, base.Lang)
}

// describeStatus puts the schedule and its last runs into sentences.
func (p *BackupsPage) describeStatus(st backup.Status, now time.Time) {
	cfg := st.Config
	p.Schedule = p.T("console.backups.schedule", "Interval", duration(p.Page, cfg.Interval))
	p.Retention = p.T("console.backups.retention", "All", duration(p.Page, cfg.KeepAll), "Weekly", duration(p.Page, cfg.KeepWeekly))
	p.Next = consoleTime(p.Page, st.Next)
	if r := st.LastSuccess; r != nil {
		p.LastSuccess = p.T("console.backups.run_at", "At", consoleTime(p.Page, r.StartedAt), "Age", duration(p.Page, now.Sub(r.StartedAt)))
	}
	if r := st.LastFailure; r != nil {
		p.LastFailure = p.T("console.backups.run_at", "At", consoleTime(p.Page, r.StartedAt), "Age", duration(p.Page, now.Sub(r.StartedAt)))
		p.FailureError = r.Error
		p.FailedLast = st.LastSuccess == nil || r.StartedAt.After(st.LastSuccess.StartedAt)
	}
	if st.Missed {
		p.Missed = p.T("console.backups.missed", "At", consoleTime(p.Page, st.Due))
	}
	if r := st.Running; r != nil {
		p.Running = p.T("console.backups.running", "At", consoleTime(p.Page, r.StartedAt))
	}
}

func backupRow(p themes.Page, b backup.Backup, now time.Time) BackupRow {
	r := BackupRow{ID: b.ID, Created: consoleTime(p, b.CreatedAt), Age: duration(p, b.Age(now)), Size: byteSize(p, b.Size),
		Kind: p.T("console.backups.kind_" + string(b.Kind)), State: p.T("console.backups.state_" + string(b.State)),
		Complete: b.State == backup.StateComplete, Delete: "/platform/backups/" + b.ID + "/delete"}
	if b.Kind != backup.KindManual && b.Kind != backup.KindScheduled {
		r.Kind = string(b.Kind)
	}
	if r.Complete {
		r.Download = "/platform/backups/" + b.ID + "/download"
	}
	return r
}

// duration is a span in the page's language, rounded to its largest
// unit: "45 min", "5 h", "30 days".
func duration(p themes.Page, d time.Duration) string {
	switch {
	case d < time.Hour:
		return p.T("console.backups.minutes", "N", max(int(d/time.Minute), 0))
	case d < 48*time.Hour:
		return p.T("console.backups.hours", "N", int(d/time.Hour))
	}
	return p.T("console.backups.days", "N", int(d/(24*time.Hour)))
}

// byteSize is a size in bytes as people read it: "812 KB", "1.4 GB", with
// the page's decimal separator.
func byteSize(p themes.Page, n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	v, i := float64(n), 0
	for v >= 1000 && i < len(units)-1 {
		v, i = v/1000, i+1
	}
	s := strconv.FormatFloat(v, 'f', 0, 64)
	if i > 0 && v < 10 {
		s = strconv.FormatFloat(v, 'f', 1, 64)
		if p.Lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
	}
	return s + "\u00a0" + units[i]
}

// requestBackup queues a backup now; the workers make it.
func (h *Console) requestBackup(c *fiber.Ctx, _ url.Values) (string, error) {
	if h.Backups == nil {
		return "", errPageNotFound
	}
	duplicate, err := h.Backups.Request(c.UserContext())
	if err != nil {
		return "", err
	}
	if err := h.Audit.RecordPlatformAction(c.UserContext(), current(c).staff.ID, staff.ActionBackupRequested, ""); err != nil {
		return "", err
	}
	if duplicate {
		return flashed("/platform/backups", "backup_waiting"), nil
	}
	return flashed("/platform/backups", "backup_requested"), nil
}

// backupParam is the route's backup, one the store lists; an ID of the
// wrong shape is 400 naming "id", an unknown one 404.
func (h *Console) backupParam(c *fiber.Ctx) (backup.Backup, error) {
	if h.Backups == nil {
		return backup.Backup{}, errPageNotFound
	}
	id := c.Params("id")
	if err := backup.CheckID(id); err != nil {
		return backup.Backup{}, err
	}
	list, err := h.Backups.List(c.UserContext())
	if err != nil {
		return backup.Backup{}, err
	}
	for _, b := range list {
		if b.ID == id {
			return b, nil
		}
	}
	return backup.Backup{}, errPageNotFound
}

// downloadBackup streams a complete backup as one tar file.
func (h *Console) downloadBackup(c *fiber.Ctx) error {
	b, err := h.backupParam(c)
	if err != nil {
		return err
	}
	// The tar streams after the handler returns: not on the request's deadline.
	d, err := h.Backups.Open(context.WithoutCancel(c.UserContext()), b.ID)
	if err != nil {
		return err
	}
	if err := h.Audit.RecordPlatformAction(c.UserContext(), current(c).staff.ID, staff.ActionBackupDownloaded, b.ID); err != nil {
		_ = d.Body.Close()
		return err
	}
	c.Set(fiber.HeaderContentType, "application/x-tar")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+d.Filename+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStream(d.Body, int(d.Size))
	return nil
}

// askDeleteBackup is the question before a backup is deleted.
func (h *Console) askDeleteBackup(c *fiber.Ctx) error {
	b, err := h.backupParam(c)
	if err != nil {
		return err
	}
	base := h.page(c)
	effects := []string{base.T("console.confirm.backup_effect")}
	if b.State == backup.StateComplete {
		effects = append(effects, base.T("console.confirm.backup_restore_effect"))
	}
	return h.renderConfirm(c, base, confirmation{heading: base.T("console.confirm.backup_heading", "Created", consoleTime(base, b.CreatedAt)),
		effects: effects, items: []string{b.ID}, button: base.T("console.backups.delete"), danger: true, cancel: "/platform/backups"})
}

// deleteBackup removes a backup; while another backup, prune or deletion
// runs, the page says so (409).
func (h *Console) deleteBackup(c *fiber.Ctx, _ url.Values) (string, error) {
	b, err := h.backupParam(c)
	if err != nil {
		return "", err
	}
	if err := h.Backups.Delete(c.UserContext(), b.ID); err != nil {
		if marquee.ErrorCode(err) == marquee.ECONFLICT {
			return "", h.renderBackups(c, fiber.StatusConflict, err)
		}
		return "", err
	}
	if err := h.Audit.RecordPlatformAction(c.UserContext(), current(c).staff.ID, staff.ActionBackupDeleted, b.ID); err != nil {
		return "", err
	}
	return flashed("/platform/backups", "backup_deleted"), nil
}
