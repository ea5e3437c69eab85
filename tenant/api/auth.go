package api

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/tenant"
)

// Scopes an API token may carry: NOUN:read to read, NOUN:write to change.
const (
	ScopeEventsRead     = "events:read"
	ScopeEventsWrite    = "events:write"
	ScopeDomainsWrite   = "domains:write"
	ScopeBrandingRead   = "branding:read"
	ScopeBrandingWrite  = "branding:write"
	ScopeCatalogueRead  = "catalogue:read" // products, options, stock, form fields
	ScopeCatalogueWrite = "catalogue:write"
	ScopeOrdersRead     = "orders:read"
	ScopeOrdersWrite    = "orders:write"
	ScopeSuppliersRead  = "suppliers:read"
	ScopeSuppliersWrite = "suppliers:write"
	ScopeVouchersRead   = "vouchers:read"
	ScopeVouchersWrite  = "vouchers:write"
	ScopeWaitlistsRead  = "waitlists:read"
	ScopeWaitlistsWrite = "waitlists:write"
	ScopeWebhooksRead   = "webhooks:read"
	ScopeWebhooksWrite  = "webhooks:write"
	ScopeSignupsRead    = "signups:read"
)

// Scopes are every scope an API token may carry, in the order the CLI and
// the console list them (the database's check constraint names the same).
var Scopes = []string{ScopeEventsRead, ScopeEventsWrite, ScopeDomainsWrite, ScopeBrandingRead, ScopeBrandingWrite,
	ScopeCatalogueRead, ScopeCatalogueWrite, ScopeOrdersRead, ScopeOrdersWrite, ScopeSuppliersRead, ScopeSuppliersWrite,
	ScopeVouchersRead, ScopeVouchersWrite, ScopeWaitlistsRead, ScopeWaitlistsWrite, ScopeWebhooksRead, ScopeWebhooksWrite,
	ScopeSignupsRead}

// Token is what a bearer secret stands for: a platform token (Event nil)
// reaches every event, an event token only event *Event.
type Token struct {
	ID     uuid.UUID
	Name   string
	Scopes []string
	Event  *uuid.UUID
}

// TokenOf is the API's view of a stored token.
func TokenOf(t tenant.APIToken) Token {
	return Token{ID: t.ID, Name: t.Name, Scopes: t.Scopes, Event: t.TenantID}
}

type tokenKey struct{}

type eventKey struct{}

func (h *Handler) authenticate(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	auth := c.Get(fiber.HeaderAuthorization)
	secret, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(secret) == "" {
		return h.fail(c, marquee.New(marquee.EFORBIDDEN, "api.unauthorized"), fiber.StatusUnauthorized)
	}
	tok, err := h.Authenticate(c.UserContext(), strings.TrimSpace(secret))
	if marquee.ErrorCode(err) == marquee.ENOTFOUND {
		return h.fail(c, marquee.New(marquee.EFORBIDDEN, "api.unauthorized"), fiber.StatusUnauthorized)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	c.Locals(tokenKey{}, tok)
	return c.Next()
}

// tokenOf is the request's token (authenticate put it there).
func tokenOf(c *fiber.Ctx) Token {
	tok, _ := c.Locals(tokenKey{}).(Token)
	return tok
}

// need refuses a token without scope (403), then, on a route with an
// event (:slug), finds the event (eventOf gives it to the handler): an
// unknown event and, for an event token, any other event than its own are
// the same 404. A route without an event takes a platform token only.
func (h *Handler) need(scope string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tok := tokenOf(c)
		if !slices.Contains(tok.Scopes, scope) {
			return h.fail(c, marquee.New(marquee.EFORBIDDEN, "api.forbidden"), fiber.StatusForbidden)
		}
		slug := c.Params("slug")
		if slug == "" {
			if tok.Event != nil {
				return h.fail(c, marquee.New(marquee.EFORBIDDEN, "api.platform_only"), fiber.StatusForbidden)
			}
			return c.Next()
		}
		t, err := h.Service.Get(c.UserContext(), slug)
		if err == nil && tok.Event != nil && *tok.Event != t.ID {
			err = marquee.New(marquee.ENOTFOUND, "tenant.not_found")
		}
		if err != nil {
			return h.fail(c, err, 0)
		}
		c.Locals(eventKey{}, t)
		return c.Next()
	}
}

// needPlatform is need for what only a platform token may do to an event
// (suspend, archive, delete it): an event token is refused (403).
func (h *Handler) needPlatform(scope string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if tokenOf(c).Event != nil {
			return h.fail(c, marquee.New(marquee.EFORBIDDEN, "api.platform_only"), fiber.StatusForbidden)
		}
		return h.need(scope)(c)
	}
}

// eventOf is the event of the request's route, found by need.
func eventOf(c *fiber.Ctx) *tenant.Tenant {
	t, _ := c.Locals(eventKey{}).(*tenant.Tenant)
	return t
}
