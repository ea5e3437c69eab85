package console

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront/webhooks"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Webhooks are the endpoints that receive what happens in an event (or,
// on the platform's page, in every event), and their deliveries.
type Webhooks = webhooks.Store

// webhookRoles may see and change an event's webhooks: its owners (and
// platform admins), since an endpoint receives the attendees' personal
// data and decides where it goes, as a domain decides where they land.
var webhookRoles = []staff.Role{staff.RoleOwner}

// hookScope is whose endpoints a page shows: one event's, or with no
// event the platform's, which receive what happens in every event.
type hookScope struct {
	t    *tenant.Tenant
	path string // the list's address: /events/SLUG/webhooks or /platform/webhooks
}

// tenantID is the scope's event for the store, uuid.Nil for the platform.
func (sc hookScope) tenantID() uuid.UUID {
	if sc.t == nil {
		return uuid.Nil
	}
	return sc.t.ID
}

// endpointPath is the page of one endpoint of the scope.
func (sc hookScope) endpointPath(id uuid.UUID) string { return sc.path + "/" + id.String() }

// hookScopeOf is the scope of the route with its page base: the route's
// event if the member is one of its owners (else 404), the platform's
// for /platform/webhooks, whose group has checked the admin already.
func (h *Console) hookScopeOf(c *fiber.Ctx) (hookScope, themes.Page, error) {
	if c.Params("slug") == "" {
		return hookScope{path: "/platform/webhooks"}, h.page(c), nil
	}
	t, err := h.event(c, webhookRoles)
	if err != nil {
		return hookScope{}, themes.Page{}, err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return hookScope{}, themes.Page{}, err
	}
	return hookScope{t: t, path: "/events/" + t.Slug + "/webhooks"}, base, nil
}

// hookAct is what a webhook form does once checked: as eventAct, for
// either scope.
type hookAct func(c *fiber.Ctx, sc hookScope, base themes.Page, form url.Values) (next string, err error)

// hookAction is the handler of a webhook form: the scope (role) and the
// session's token are checked, then act runs, then the browser goes on.
func (h *Console) hookAction(act hookAct) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sc, base, err := h.hookScopeOf(c)
		if err != nil {
			return err
		}
		form, err := h.sessionForm(c)
		if err != nil {
			return err
		}
		next, err := act(c, sc, base, form)
		return seeOther(c, next, err)
	}
}

// WebhooksPage lists the scope's endpoints with the form that adds one.
type WebhooksPage struct {
	themes.Page
	CSRF, Title, Intro, Path string
	Platform                 bool
	Problem, ProblemField    string
	Endpoints                []EndpointRow
	Form                     WebhookForm
}

// EndpointRow is one endpoint in the list.
type EndpointRow struct {
	ID, URL, Description, Link, Types, State string
	Disabled                                 bool
}

// WebhookForm is the endpoint form with its values: the address, a note
// saying what it is, and a checkbox per message type.
type WebhookForm struct {
	Action, Submit, URL, Description string
	Types                            []OptionRow
}

func (h *Console) webhooksList(c *fiber.Ctx) error {
	sc, base, err := h.hookScopeOf(c)
	if err != nil {
		return err
	}
	return h.renderWebhooks(c, sc, base, fiber.StatusOK, nil, url.Values{})
}

func (h *Console) renderWebhooks(c *fiber.Ctx, sc hookScope, base themes.Page, status int, refused error, form url.Values) error {
	list, err := h.Webhooks.WebhookEndpoints(c.UserContext(), sc.tenantID())
	if err != nil {
		return err
	}
	p := WebhooksPage{Page: base, CSRF: h.sessionToken(current(c)), Path: sc.path, Platform: sc.t == nil,
		Form: webhookForm(base, form, sc.path, base.T("console.webhooks.create"))}
	p.Title, p.Intro = base.T("console.webhooks.platform_title"), base.T("console.webhooks.platform_intro")
	if sc.t != nil {
		p.Title, p.Intro = base.T("console.webhooks.title", "Event", sc.t.Name), base.T("console.webhooks.intro")
	}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	for _, e := range list {
		p.Endpoints = append(p.Endpoints, EndpointRow{ID: e.ID.String(), URL: e.URL, Description: e.Description,
			Link: sc.endpointPath(e.ID), Types: typeLabels(base, e.Types), State: endpointState(base, e), Disabled: !e.Enabled})
	}
	return h.render(c, status, "console_webhooks", p, base.Lang)
}

// webhookTypes are the message IDs of the message types, the test's too.
var webhookTypes = map[string]string{
	webhooks.OrderPlaced:    "console.webhooks.type_order_placed",
	webhooks.OrderPaid:      "console.webhooks.type_order_paid",
	webhooks.OrderChanged:   "console.webhooks.type_order_changed",
	webhooks.OrderCancelled: "console.webhooks.type_order_cancelled",
	webhooks.OrderCollected: "console.webhooks.type_order_collected",
	webhooks.SignupReceived: "console.webhooks.type_signup_received",
	webhooks.StockSoldOut:   "console.webhooks.type_stock_sold_out",
	webhooks.EventPublished: "console.webhooks.type_event_published",
	webhooks.EventClosed:    "console.webhooks.type_event_closed",
	webhooks.EventArchived:  "console.webhooks.type_event_archived",
	webhooks.TestType:       "console.webhooks.type_test",
}

// typeLabel is a message type in the page's language; a type the console
// does not name (one newer than it) shows as sent.
func typeLabel(p themes.Page, typ string) string {
	if id, ok := webhookTypes[typ]; ok {
		return p.T(id)
	}
	return typ
}

// typeLabels lists types in the page's language, in webhooks.Types' order.
func typeLabels(p themes.Page, types []string) string {
	var out []string
	for _, typ := range webhooks.Types {
		if slices.Contains(types, typ) {
			out = append(out, typeLabel(p, typ))
		}
	}
	return strings.Join(out, ", ")
}

// disabledReasons are the message IDs of why an endpoint was disabled.
var disabledReasons = map[string]string{
	webhooks.DisabledFailing: "console.webhooks.reason_failing",
	webhooks.DisabledByStaff: "console.webhooks.reason_by_staff",
}

// endpointState says whether an endpoint receives messages (and since
// when its deliveries fail, if they do), and if not since when and why.
func endpointState(p themes.Page, e webhooks.Endpoint) string {
	if e.Enabled && e.FailingSince != nil {
		return p.T("console.webhooks.failing_since", "At", consoleTime(p, *e.FailingSince))
	}
	if e.Enabled {
		return p.T("console.webhooks.active")
	}
	reason := e.DisabledReason
	if id, ok := disabledReasons[reason]; ok {
		reason = p.T(id)
	}
	if e.DisabledAt == nil {
		return p.T("console.webhooks.disabled", "Reason", reason)
	}
	return p.T("console.webhooks.disabled_since", "At", consoleTime(p, *e.DisabledAt), "Reason", reason)
}

// webhookForm fills the endpoint form from form's values.
func webhookForm(p themes.Page, form url.Values, action, submit string) WebhookForm {
	f := WebhookForm{Action: action, Submit: submit, URL: form.Get("url"), Description: form.Get("description")}
	for _, typ := range webhooks.Types {
		f.Types = append(f.Types, OptionRow{Value: typ, Label: typeLabel(p, typ), Selected: slices.Contains(form["types"], typ)})
	}
	return f
}

// endpointValues are a saved endpoint as the form's values.
func endpointValues(e webhooks.Endpoint) url.Values {
	return url.Values{"url": {e.URL}, "description": {e.Description}, "types": e.Types}
}

// endpointInput reads the endpoint form; the store checks it (an https
// address that is not a private one, at least one known type).
func endpointInput(form url.Values, enabled bool) webhooks.EndpointInput {
	return webhooks.EndpointInput{URL: form.Get("url"), Description: form.Get("description"), Types: form["types"], Enabled: enabled}
}

// createWebhook adds an endpoint from the form; a refused form comes
// back with what was typed. The new secret is shown once: the endpoint's
// page is rendered at once (201) rather than carried in a redirect.
func (h *Console) createWebhook(c *fiber.Ctx, sc hookScope, base themes.Page, form url.Values) (string, error) {
	e, secret, err := h.Webhooks.CreateWebhookEndpoint(c.UserContext(), sc.tenantID(), current(c).staff.ID, endpointInput(form, true))
	if status := refusalStatus(err); status != 0 {
		return "", h.renderWebhooks(c, sc, base, status, err, form)
	}
	if err != nil {
		return "", err
	}
	return "", h.renderEndpoint(c, sc, base, e, endpointShown{status: fiber.StatusCreated, secret: secret, flash: "console.webhooks.created"})
}
