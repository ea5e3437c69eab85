package console

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/webhooks"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// AuditTrail reads the audit log for its console page; db.StaffStore
// implements it.
type AuditTrail interface {
	// SearchAudit is a page of the log by filter, newest first.
	SearchAudit(ctx context.Context, f staff.AuditFilter) ([]staff.AuditLine, error)
	// RecordAuditExport writes that a staff member downloaded the log.
	RecordAuditExport(ctx context.Context, tenantID uuid.NullUUID, staffID uuid.UUID, what string) error
	// RecordPlatformAction writes what a staff member did on the
	// platform's pages (a backup asked for, downloaded, deleted).
	RecordPlatformAction(ctx context.Context, staffID uuid.UUID, action, subject string) error
}

// auditRoles may read an event's audit log: who did what in it is the
// owner's to know. Platform admins read every event's, and the platform's.
var auditRoles = []staff.Role{staff.RoleOwner}

const auditPerPage = 50

// auditActions are the actions the log's filter offers, with their names.
// An action written by newer code shows as written until it joins them.
var auditActions = []struct{ action, label string }{
	{staff.ActionLogin, "console.audit.action_login"},
	{staff.ActionLogout, "console.audit.action_logout"},
	{staff.ActionLoginLinkCreated, "console.audit.action_login_link_created"},
	{staff.ActionPasswordChanged, "console.audit.action_password_changed"},
	{staff.ActionPasswordReset, "console.audit.action_password_reset"},
	{staff.ActionStaffCreated, "console.audit.action_staff_created"},
	{staff.ActionInvited, "console.audit.action_invited"},
	{staff.ActionInviteAccepted, "console.audit.action_invite_accepted"},
	{staff.ActionRoleChanged, "console.audit.action_role_changed"},
	{"order_viewed", "console.audit.action_order_viewed"},
	{"orders_exported", "console.audit.action_orders_exported"},
	{"order_marked_paid", "console.audit.action_order_marked_paid"},
	{"waitlist_viewed", "console.audit.action_waitlist_viewed"},
	{"waitlist_entry_removed", "console.audit.action_waitlist_entry_removed"},
	{"supplier_batch_download", "console.audit.action_supplier_batch_download"},
	{staff.ActionAuditExported, "console.audit.action_audit_exported"},
	{staff.ActionPersonErased, "console.audit.action_person_erased"},
	{staff.ActionRetentionErased, "console.audit.action_retention_erased"},
	{"message_sent", "console.audit.action_message_sent"},
	{"signups_viewed", "console.audit.action_signups_viewed"},
	{"signups_exported", "console.audit.action_signups_exported"},
	{"kiosk_issued", "console.audit.action_kiosk_issued"},
	{"kiosk_revoked", "console.audit.action_kiosk_revoked"},
	{staff.ActionBackupRequested, "console.audit.action_backup_requested"},
	{staff.ActionBackupDownloaded, "console.audit.action_backup_downloaded"},
	{staff.ActionBackupDeleted, "console.audit.action_backup_deleted"},
	{webhooks.ActionCreated, "console.audit.action_webhook_created"},
	{webhooks.ActionUpdated, "console.audit.action_webhook_updated"},
	{webhooks.ActionDeleted, "console.audit.action_webhook_deleted"},
	{webhooks.ActionSecretRotated, "console.audit.action_webhook_secret_rotated"},
}

// auditScope is whose log a page shows: one event's (on the event's page,
// its days in its time zone) or, with no event, the platform's, in UTC.
type auditScope struct {
	t    *tenant.Tenant
	path string // the page's address
}

// AuditPage is a page of the audit log with its filter.
type AuditPage struct {
	themes.Page
	Platform                   bool // every event's log: the event filter and column
	Path, Export, Next, Newest string
	Problem, ProblemField      string
	Event, Actor, From, Until  string // the filter as typed
	Actions                    []OptionRow
	Filtered, Refused          bool
	Lines                      []AuditRow
	ZoneName                   string
}

// AuditRow is one entry as the page shows it.
type AuditRow struct {
	ID                                    int64
	At, Event, Actor, Action, Subject, IP string
	Detail                                string
}

func (h *Console) eventAudit(c *fiber.Ctx) error {
	t, err := h.event(c, auditRoles)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	return h.auditPage(c, base, auditScope{t: t, path: "/events/" + t.Slug + "/audit"})
}

func (h *Console) platformAudit(c *fiber.Ctx) error {
	return h.auditPage(c, h.page(c), auditScope{path: "/platform/audit"})
}

// auditPage shows a page of scope's log by the query's filter; a filter
// value it cannot use is refused with 400 and the form shown again,
// naming the field, with nothing listed.
func (h *Console) auditPage(c *fiber.Ctx, base themes.Page, scope auditScope) error {
	p := AuditPage{Page: base, Platform: scope.t == nil, Path: scope.path, Event: c.Query("event"), Actor: c.Query("actor"),
		From: c.Query("from"), Until: c.Query("until")}
	p.ZoneName = zoneName(base)
	f, err := h.auditFilter(c, scope, base)
	p.Actions = actionOptions(base, c.Query("action"))
	if err != nil {
		if marquee.ErrorCode(err) != marquee.EINVALID {
			return err
		}
		p.Refused = true
		p.Problem, p.ProblemField = formRefusal(base, err)
		return h.render(c, fiber.StatusBadRequest, "console_audit", p, base.Lang)
	}
	p.Filtered = f.ActorEmail != "" || f.Action != "" || !f.From.IsZero() || !f.Until.IsZero() || (p.Platform && f.TenantID.Valid)
	lines, err := h.Audit.SearchAudit(c.UserContext(), f)
	if err != nil {
		return err
	}
	for _, l := range lines {
		p.Lines = append(p.Lines, auditRow(base, l))
	}
	keep := auditKeep(c, p.Platform)
	p.Export = scope.path + "/export.csv?" + keep.Encode()
	if f.BeforeID > 0 {
		p.Newest = scope.path + "?" + keep.Encode()
	}
	if len(lines) == auditPerPage {
		keep.Set("before", strconv.FormatInt(lines[len(lines)-1].ID, 10))
		p.Next = scope.path + "?" + keep.Encode()
	}
	return h.render(c, fiber.StatusOK, "console_audit", p, base.Lang)
}

// auditKeep is the page's filter as a query, for its links.
func auditKeep(c *fiber.Ctx, platform bool) url.Values {
	keep := url.Values{}
	for _, k := range []string{"event", "actor", "action", "from", "until"} {
		if v := c.Query(k); v != "" && (k != "event" || platform) {
			keep.Set(k, v)
		}
	}
	return keep
}

// auditFilter reads the filter from the query: the days in the page's
// zone, the until day whole. Each value it cannot use is refused naming
// its field.
func (h *Console) auditFilter(c *fiber.Ctx, scope auditScope, p themes.Page) (staff.AuditFilter, error) {
	f := staff.AuditFilter{Limit: auditPerPage, Action: strings.Clone(c.Query("action"))}
	if scope.t != nil {
		f.TenantID = uuid.NullUUID{UUID: scope.t.ID, Valid: true}
	} else if slug := c.Query("event"); slug != "" {
		t, err := h.Brandings.TenantBySlug(c.UserContext(), slug)
		if marquee.ErrorCode(err) == marquee.ENOTFOUND || marquee.ErrorCode(err) == marquee.EINVALID {
			return f, marquee.Invalid("event", "console.audit.bad_event")
		}
		if err != nil {
			return f, err
		}
		f.TenantID = uuid.NullUUID{UUID: t.ID, Valid: true}
	}
	if actor := c.Query("actor"); actor != "" {
		email, err := staff.NormaliseEmail(actor)
		if err != nil {
			return f, marquee.Invalid("actor", "console.audit.bad_actor")
		}
		f.ActorEmail = email
	}
	if f.Action != "" && !knownAction(f.Action) {
		return f, marquee.Invalid("action", "console.audit.bad_action")
	}
	zone := p.Zone
	if zone == nil {
		zone = time.UTC
	}
	var err error
	if f.From, err = auditDay(c.Query("from"), zone, "from"); err != nil {
		return f, err
	}
	if f.Until, err = auditDay(c.Query("until"), zone, "until"); err != nil {
		return f, err
	}
	if !f.Until.IsZero() {
		if f.Until.Before(f.From) {
			return f, marquee.Invalid("until", "console.audit.bad_range")
		}
		f.Until = f.Until.AddDate(0, 0, 1) // the whole last day
	}
	if before := c.Query("before"); before != "" {
		n, err := strconv.ParseInt(before, 10, 64)
		if err != nil || n <= 0 {
			return f, marquee.Invalid("before", "console.audit.bad_before")
		}
		f.BeforeID = n
	}
	return f, nil
}

// auditDay is a day of the filter ("" for none) as the midnight it
// starts in zone.
func auditDay(value string, zone *time.Location, field string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, value, zone)
	if err != nil || d.Year() < 2000 || d.Year() > 9999 {
		return time.Time{}, marquee.Invalid(field, "console.audit.bad_"+field)
	}
	return d, nil
}

func knownAction(action string) bool {
	for _, a := range auditActions {
		if a.action == action {
			return true
		}
	}
	return false
}

// actionOptions is the action filter's choices, chosen selected.
func actionOptions(p themes.Page, chosen string) []OptionRow {
	out := []OptionRow{{Value: "", Label: p.T("console.audit.any_action"), Selected: chosen == ""}}
	for _, a := range auditActions {
		out = append(out, OptionRow{Value: a.action, Label: p.T(a.label), Selected: a.action == chosen})
	}
	return out
}

// actionLabel is an action's name in the page's language, or the action
// as written when the page does not know it.
func actionLabel(p themes.Page, action string) string {
	for _, a := range auditActions {
		if a.action == action {
			return p.T(a.label)
		}
	}
	return action
}

// auditRow is one line as the page shows it: an account by its email (or
// its id, once deleted), the system when no one acted.
func auditRow(p themes.Page, l staff.AuditLine) AuditRow {
	r := AuditRow{ID: l.ID, At: consoleTime(p, l.At), Event: l.EventSlug, Action: actionLabel(p, l.Action), Subject: l.Subject,
		IP: l.IP, Detail: auditDetail(l.Detail)}
	switch {
	case l.ActorEmail != "":
		r.Actor = l.ActorEmail
	case l.ActorID.Valid:
		r.Actor = l.ActorID.UUID.String()
	default:
		r.Actor = p.T("console.audit.system")
	}
	if l.SubjectEmail != "" {
		r.Subject = l.SubjectEmail
	}
	if l.TenantID.Valid && r.Event == "" {
		r.Event = l.TenantID.UUID.String()
	}
	return r
}

// auditDetail is an entry's detail as "key: value" pairs, by key.
func auditDetail(detail map[string]any) string {
	keys := make([]string, 0, len(detail))
	for k := range detail {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+detailValue(detail[k]))
	}
	return strings.Join(parts, ", ")
}

// detailValue is a detail's value: text as it is, anything else as JSON.
func detailValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// zoneName is the zone the page's days and times are in.
func zoneName(p themes.Page) string {
	if p.Zone == nil {
		return "UTC"
	}
	return p.Zone.String()
}
