package api

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/webhooks"
)

// WebhookDesk is what the API does with webhook endpoints: the store the
// console uses too. A token is no staff member: staffID is uuid.Nil (the
// audit log's "System").
type WebhookDesk = webhooks.Store

// mountWebhooks adds the routes of webhook endpoints under prefix: an
// event's ("/events/:slug") or the platform's ("", platform tokens only).
func (h *Handler) mountWebhooks(v1 fiber.Router, prefix string) {
	p := prefix + "/webhooks"
	v1.Get(p, h.need(ScopeWebhooksRead), h.listWebhooks)
	v1.Post(p, h.need(ScopeWebhooksWrite), h.createWebhook)
	v1.Get(p+"/:id", h.need(ScopeWebhooksRead), h.showWebhook)
	v1.Patch(p+"/:id", h.need(ScopeWebhooksWrite), h.updateWebhook)
	v1.Delete(p+"/:id", h.need(ScopeWebhooksWrite), h.deleteWebhook)
	v1.Post(p+"/:id/rotate-secret", h.need(ScopeWebhooksWrite), h.rotateWebhookSecret)
	v1.Post(p+"/:id/test", h.need(ScopeWebhooksWrite), h.testWebhook)
	v1.Get(p+"/:id/deliveries", h.need(ScopeWebhooksRead), h.listDeliveries)
	v1.Post(p+"/:id/deliveries/:delivery/resend", h.need(ScopeWebhooksWrite), h.resendDelivery)
}

// Webhook is an endpoint as the API shows it (never its secret: that is
// answered once, when made or rotated).
type Webhook struct {
	ID                  string   `json:"id"`
	EventID             *string  `json:"event_id"`
	URL                 string   `json:"url"`
	Description         string   `json:"description"`
	Types               []string `json:"types"`
	Enabled             bool     `json:"enabled"`
	DisabledAt          *string  `json:"disabled_at"`
	DisabledReason      string   `json:"disabled_reason"`
	PreviousSecretUntil *string  `json:"previous_secret_until"`
	FailingSince        *string  `json:"failing_since"`
	CreatedAt           string   `json:"created_at"`
	UpdatedAt           string   `json:"updated_at"`
}

// WebhookOf is endpoint e as the API shows it.
func WebhookOf(e webhooks.Endpoint) Webhook {
	w := Webhook{ID: e.ID.String(), URL: e.URL, Description: e.Description, Types: append([]string{}, e.Types...),
		Enabled: e.Enabled, DisabledAt: instantOrNil(e.DisabledAt), DisabledReason: e.DisabledReason,
		PreviousSecretUntil: instantOrNil(e.PreviousSecretUntil), FailingSince: instantOrNil(e.FailingSince),
		CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: e.UpdatedAt.UTC().Format(time.RFC3339)}
	if e.TenantID != nil {
		id := e.TenantID.String()
		w.EventID = &id
	}
	return w
}

// Delivery is one message to one endpoint, with its last attempt.
type Delivery struct {
	ID              string  `json:"id"`
	MessageID       string  `json:"message_id"`
	EndpointID      string  `json:"endpoint_id"`
	Type            string  `json:"type"`
	State           string  `json:"state"`
	Attempts        int     `json:"attempts"`
	StatusCode      int     `json:"status_code"`
	ResponseExcerpt string  `json:"response_excerpt"`
	Error           string  `json:"error"`
	DurationMS      int64   `json:"duration_ms"`
	CreatedAt       string  `json:"created_at"`
	LastAttemptAt   *string `json:"last_attempt_at"`
	NextAttemptAt   *string `json:"next_attempt_at"`
}

// DeliveryOf is delivery d as the API shows it; its message id is the
// webhook-id header the receiver got.
func DeliveryOf(d webhooks.Delivery) Delivery {
	return Delivery{ID: d.ID.String(), MessageID: webhooks.MessageID(d.MessageID), EndpointID: d.EndpointID.String(), Type: d.Type,
		State: d.State, Attempts: d.Attempts, StatusCode: d.StatusCode, ResponseExcerpt: d.ResponseExcerpt, Error: d.Error,
		DurationMS: d.Duration.Milliseconds(), CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339),
		LastAttemptAt: instantOrNil(d.LastAttemptAt), NextAttemptAt: instantOrNil(d.NextAttemptAt)}
}

// hookScope is the endpoints' scope of the route: its event's id, or
// uuid.Nil for the platform's.
func hookScope(c *fiber.Ctx) uuid.UUID {
	if t := eventOf(c); t != nil {
		return t.ID
	}
	return uuid.Nil
}

// hooksPath is the route's list of endpoints, for a Location.
func hooksPath(c *fiber.Ctx) string {
	if t := eventOf(c); t != nil {
		return "/api/v1/events/" + t.Slug + "/webhooks"
	}
	return "/api/v1/webhooks"
}

func (h *Handler) listWebhooks(c *fiber.Ctx) error {
	list, err := h.Desk.WebhookEndpoints(c.UserContext(), hookScope(c))
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(mapPage(Page[webhooks.Endpoint]{Data: list}, WebhookOf))
}

// webhook is the route's endpoint of the route's scope.
func (h *Handler) webhook(c *fiber.Ctx) (webhooks.Endpoint, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return webhooks.Endpoint{}, err
	}
	return h.Desk.WebhookEndpoint(c.UserContext(), hookScope(c), id)
}

func (h *Handler) showWebhook(c *fiber.Ctx) error {
	e, err := h.webhook(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"webhook": WebhookOf(e)})
}

// WebhookRequest is the body of POST (enabled when left out) and PATCH
// (only the fields sent change) of an endpoint.
type WebhookRequest struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	Types       *[]string `json:"types"`
	Enabled     *bool     `json:"enabled"`
}

// apply sets the fields req sends on in.
func (req WebhookRequest) apply(in *webhooks.EndpointInput) {
	if req.URL != nil {
		in.URL = *req.URL
	}
	if req.Description != nil {
		in.Description = *req.Description
	}
	if req.Types != nil {
		in.Types = *req.Types
	}
	if req.Enabled != nil {
		in.Enabled = *req.Enabled
	}
}

// createWebhook registers an endpoint; the answer holds its secret, the
// only time it is shown.
func (h *Handler) createWebhook(c *fiber.Ctx) error {
	var req WebhookRequest
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	in := webhooks.EndpointInput{Enabled: true}
	req.apply(&in)
	e, secret, err := h.Desk.CreateWebhookEndpoint(c.UserContext(), hookScope(c), uuid.Nil, in)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return created(c, hooksPath(c)+"/"+e.ID.String(), fiber.Map{"webhook": WebhookOf(e), "secret": secret})
}

// updateWebhook changes the fields sent; "enabled": true enables an
// endpoint disabled for failing again.
func (h *Handler) updateWebhook(c *fiber.Ctx) error {
	var req WebhookRequest
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	e, err := h.webhook(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	in := webhooks.EndpointInput{URL: e.URL, Description: e.Description, Types: e.Types, Enabled: e.Enabled}
	req.apply(&in)
	if e, err = h.Desk.UpdateWebhookEndpoint(c.UserContext(), hookScope(c), uuid.Nil, e.ID, in); err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"webhook": WebhookOf(e)})
}

func (h *Handler) deleteWebhook(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err == nil {
		err = h.Desk.DeleteWebhookEndpoint(c.UserContext(), hookScope(c), uuid.Nil, id)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// rotateWebhookSecret gives the endpoint a new secret, answered once; the
// previous one signs beside it until previous_secret_until.
func (h *Handler) rotateWebhookSecret(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return h.fail(c, err, 0)
	}
	secret, e, err := h.Desk.RotateWebhookSecret(c.UserContext(), hookScope(c), uuid.Nil, id)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"webhook": WebhookOf(e), "secret": secret})
}

// testWebhook sends the endpoint a test message, whatever its types.
func (h *Handler) testWebhook(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return h.fail(c, err, 0)
	}
	d, err := h.Desk.SendTestWebhook(c.UserContext(), hookScope(c), id)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"delivery": DeliveryOf(d)})
}

// listDeliveries is one page of the endpoint's deliveries, newest first.
func (h *Handler) listDeliveries(c *fiber.Ctx) error {
	req, after, err := timePage(c)
	if err != nil {
		return h.refuse(c, err)
	}
	e, err := h.webhook(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	list, err := h.Desk.WebhookDeliveries(c.UserContext(), hookScope(c), e.ID, webhooks.Cursor(after), req.Limit+1)
	if err != nil {
		return h.fail(c, err, 0)
	}
	page := NewPage(list, req.Limit, func(d webhooks.Delivery) any { return timeKey{d.CreatedAt, d.ID} })
	return c.JSON(mapPage(page, DeliveryOf))
}

// resendDelivery sends a delivery's message to its endpoint again, as a
// new delivery.
func (h *Handler) resendDelivery(c *fiber.Ctx) error {
	e, err := h.webhook(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	id, err := idParam(c, "delivery")
	if err != nil {
		return h.fail(c, err, 0)
	}
	ctx, scope := c.UserContext(), hookScope(c)
	d, err := h.Desk.WebhookDelivery(ctx, scope, id)
	if err == nil && d.EndpointID != e.ID {
		err = marquee.New(marquee.ENOTFOUND, "webhook.error.not_found")
	}
	if err == nil {
		d, err = h.Desk.ResendWebhook(ctx, scope, id)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"delivery": DeliveryOf(d)})
}
