package console

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee/themes"
)

// Flash messages: a console action that saves sends the browser on with
// ?saved=KEY (flashed), and the page it lands on shows the key's message
// once, at the top, in the layout's role="status" notice (#flash). Only
// the keys below mean anything, so a link cannot make the console say
// something it never says; a key the page does not know shows nothing.

// flashes are the messages after a saved change, by key.
var flashes = map[string]string{
	"draft":             "console.branding.saved",
	"catalogue":         "console.catalogue.saved",
	"form":              "console.form.saved",
	"settings":          "console.settings.saved",
	"erased":            "console.privacy.erased",
	"supplier_created":  "console.suppliers.created",
	"supplier_saved":    "console.suppliers.saved",
	"supplier_deleted":  "console.suppliers.deleted",
	"list_queued":       "console.suppliers.queued",
	"voucher_created":   "console.vouchers.created",
	"vouchers_created":  "console.vouchers.created_many",
	"voucher_saved":     "console.vouchers.saved",
	"waitlist_removed":  "console.waitlist.removed",
	"voucher_disabled":  "console.vouchers.disabled_now",
	"voucher_enabled":   "console.vouchers.enabled_now",
	"voucher_deleted":   "console.vouchers.deleted",
	"domain_added":      "console.domains.added",
	"domain_checked":    "console.domains.checked",
	"domain_removed":    "console.domains.removed",
	"event_created":     "console.platform.created",
	"event_renamed":     "console.platform.renamed",
	"event_closes":      "console.platform.closes_saved",
	"event_suspended":   "console.platform.suspended",
	"event_resumed":     "console.platform.resumed",
	"event_archived":    "console.platform.archived",
	"event_deleted":     "console.platform.deleted",
	"job_retried":       "console.jobs.retried",
	"backup_requested":  "console.backups.requested",
	"backup_waiting":    "console.backups.waiting",
	"backup_deleted":    "console.backups.deleted",
	"status_changed":    "console.orders.status_changed",
	"marked_paid":       "console.orders.marked_paid",
	"collected":         "console.desk.collected",
	"message_saved":     "console.messages.saved",
	"message_sent":      "console.messages.sent_now",
	"signup_form_saved": "console.signups.saved",
	"kiosk_revoked":     "console.kiosks.revoked_now",
	"bulk":              "console.orders.bulk_done", // with the counts in ?changed= and ?skipped=

	// The webhook pages (webhook.go, webhookdeliveries.go).
	"webhook_saved":     "console.webhooks.saved",
	"webhook_enabled":   "console.webhooks.enabled",
	"webhook_disabled":  "console.webhooks.disabled_now",
	"webhook_deleted":   "console.webhooks.deleted",
	"webhook_test_sent": "console.webhooks.test_sent",
	"webhook_resent":    "console.webhooks.resent",
}

// flashed is path with the flash key added to its query (before its
// fragment, if it has one).
func flashed(path, key string) string {
	path, fragment, hasFragment := strings.Cut(path, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	path += sep + "saved=" + url.QueryEscape(key)
	if hasFragment {
		path += "#" + fragment
	}
	return path
}

// flashOf is the message of the request's ?saved= key in the page's
// language, "" for none or an unknown key.
func flashOf(c *fiber.Ctx, p themes.Page) string {
	key := c.Query("saved")
	id, ok := flashes[key]
	if !ok {
		return ""
	}
	if key == "bulk" {
		changed, err1 := strconv.Atoi(c.Query("changed"))
		skipped, err2 := strconv.Atoi(c.Query("skipped"))
		if err1 != nil || err2 != nil || changed < 0 || skipped < 0 {
			return ""
		}
		return p.T(id, "Changed", changed, "Skipped", skipped)
	}
	return p.T(id)
}
