package console

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/webhooks"
	"marquee/themes"
)

// An endpoint's delivery log: each message sent to it, newest first, a
// page at a time, with its last attempt (status, time taken, the start of
// the answer or the error) and a button that sends the message again.

const deliveriesPerPage = 50

// DeliveriesPage is a page of an endpoint's deliveries.
type DeliveriesPage struct {
	themes.Page
	CSRF, URL, Link, Next, Newest string
	Deliveries                    []DeliveryRow
}

// DeliveryRow is one delivery as the log shows it.
type DeliveryRow struct {
	ID, Type, At, State, Attempts, Status, Duration, Response, Error, Retry string
	Failed                                                                  bool
	Resend                                                                  string // the resend form's action
}

func (h *Console) webhookDeliveries(c *fiber.Ctx) error {
	sc, base, err := h.hookScopeOf(c)
	if err != nil {
		return err
	}
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return err
	}
	cursor, err := parseCursor(c.Query("before"))
	if err != nil {
		return err
	}
	list, err := h.Webhooks.WebhookDeliveries(c.UserContext(), sc.tenantID(), e.ID, cursor, deliveriesPerPage)
	if err != nil {
		return err
	}
	link := sc.endpointPath(e.ID)
	p := DeliveriesPage{Page: base, CSRF: h.sessionToken(current(c)), URL: e.URL, Link: link}
	if next, ok := webhooks.Next(list, deliveriesPerPage); ok {
		p.Next = link + "/deliveries?" + url.Values{"before": {formatCursor(next)}}.Encode()
	}
	if c.Query("before") != "" {
		p.Newest = link + "/deliveries"
	}
	for _, d := range list {
		p.Deliveries = append(p.Deliveries, deliveryRow(base, link, d))
	}
	return h.render(c, fiber.StatusOK, "console_webhook_deliveries", p, base.Lang)
}

// formatCursor writes a page's cursor for the "older" link: the last
// delivery's time (Unix microseconds, as Postgres keeps it) and id.
func formatCursor(cur webhooks.Cursor) string {
	return strconv.FormatInt(cur.At.UnixMicro(), 10) + "_" + cur.ID.String()
}

// parseCursor reads the "older" link's cursor; "" is the newest page,
// anything else unreadable a 400 naming it.
func parseCursor(s string) (webhooks.Cursor, error) {
	if s == "" {
		return webhooks.Cursor{}, nil
	}
	refused := marquee.Invalid("before", "console.webhooks.bad_before")
	at, id, ok := strings.Cut(s, "_")
	micros, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || micros <= 0 {
		return webhooks.Cursor{}, refused
	}
	parsed, err := uuid.Parse(id)
	if err != nil {
		return webhooks.Cursor{}, refused
	}
	return webhooks.Cursor{At: time.UnixMicro(micros), ID: parsed}, nil
}

// deliveryStates are the message IDs of a delivery's states.
var deliveryStates = map[string]string{
	webhooks.DeliveryPending:   "console.webhooks.state_pending",
	webhooks.DeliverySucceeded: "console.webhooks.state_succeeded",
	webhooks.DeliveryFailed:    "console.webhooks.state_failed",
}

// deliveryRow describes one delivery in the page's language.
func deliveryRow(p themes.Page, link string, d webhooks.Delivery) DeliveryRow {
	row := DeliveryRow{ID: d.ID.String(), Type: typeLabel(p, d.Type), At: consoleTime(p, d.CreatedAt),
		State: d.State, Attempts: strconv.Itoa(d.Attempts), Response: d.ResponseExcerpt, Error: d.Error,
		Failed: d.State == webhooks.DeliveryFailed, Resend: link + "/deliveries/" + d.ID.String() + "/resend"}
	if id, ok := deliveryStates[d.State]; ok {
		row.State = p.T(id)
	}
	if d.Attempts > 0 {
		row.Duration = p.T("console.webhooks.milliseconds", "Count", d.Duration.Round(time.Millisecond).Milliseconds())
		row.Status = p.T("console.webhooks.no_response")
		if d.StatusCode != 0 {
			row.Status = strconv.Itoa(d.StatusCode)
		}
	}
	if d.State == webhooks.DeliveryPending && d.NextAttemptAt != nil {
		row.Retry = p.T("console.webhooks.next_attempt", "At", consoleTime(p, *d.NextAttemptAt))
	}
	return row
}

// resendWebhook queues the route's delivery's message to the endpoint
// again, as a new delivery with attempts of its own.
func (h *Console) resendWebhook(c *fiber.Ctx, sc hookScope, _ themes.Page, _ url.Values) (string, error) {
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return "", err
	}
	id, err := uuid.Parse(c.Params("delivery"))
	if err != nil {
		return "", errPageNotFound
	}
	d, err := h.Webhooks.WebhookDelivery(c.UserContext(), sc.tenantID(), id)
	if err != nil {
		return "", notFoundAsPage(err)
	}
	if d.EndpointID != e.ID { // the scope's, but another endpoint's: its log is elsewhere
		return "", errPageNotFound
	}
	_, err = h.Webhooks.ResendWebhook(c.UserContext(), sc.tenantID(), d.ID)
	return flashed(sc.endpointPath(e.ID)+"/deliveries", "webhook_resent"), notFoundAsPage(err)
}
