// Package api is the JSON API of provisioning on the console host
// (/api/v1/…): the same operations as `marquee tenant` and `marquee
// domain`, for ops' scripts. Requests carry a bearer token made with
// `marquee token create`; only its SHA-256 is stored, its scopes limit
// what it may do, and a revoked token is refused like an unknown one.
//
// Errors are JSON: {"error": {"code": "invalid", "field": "slug",
// "message": "The subdomain must be at least 3 characters long."}} with
// the status of the code (400/422, 401, 403, 404, 409; 503 with
// Retry-After while the database is away), in English. Every route, field,
// scope and error is documented in docs/api.md.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant"
	"marquee/tenant/provision"
	tenantweb "marquee/tenant/web"
)

// Handler serves the API.
type Handler struct {
	Service *provision.Service
	// Authenticate finds the live token of a bearer secret; an unknown or
	// revoked one is a marquee ENOTFOUND error.
	Authenticate func(ctx context.Context, secret string) (Token, error)
	// Keys keeps idempotency keys; nil runs every POST as it comes.
	Keys IdempotencyKeys
	// Catalogue edits events' products, options, stock and order forms.
	Catalogue CatalogueDesk
	// Brandings keeps events' draft and published branding.
	Brandings BrandingDesk
	// Translate turns a message ID into English, with template data as
	// key, value pairs ("Field", "name").
	Translate func(id string, kv ...any) string
	// CertState says what the certificate storage holds for a name.
	CertState  func(ctx context.Context, name string) string
	BaseDomain string
	// Desk is an event's orders, suppliers, codes and waiting lists.
	Desk Desk
	// Log gets what fails after an answer started (a streamed export).
	Log *slog.Logger
}

// Mount adds the API's routes under /api/v1: the one list of them. need
// checks the token's scope and finds the route's event (:slug); the
// OpenAPI document (openapi/*.yaml) describes every route here.
func (h *Handler) Mount(app fiber.Router) {
	app.Get("/api/v1/openapi.json", h.serveOpenAPI)
	v1 := app.Group("/api/v1", h.authenticate, h.idempotent)
	v1.Get("/events", h.need(ScopeEventsRead), h.list)
	v1.Post("/events", h.need(ScopeEventsWrite), h.create)
	v1.Get("/events/:slug", h.need(ScopeEventsRead), h.show)
	v1.Patch("/events/:slug", h.need(ScopeEventsWrite), h.update)
	v1.Post("/events/:slug/suspend", h.needPlatform(ScopeEventsWrite), h.state("suspend"))
	v1.Post("/events/:slug/resume", h.needPlatform(ScopeEventsWrite), h.state("resume"))
	v1.Post("/events/:slug/archive", h.needPlatform(ScopeEventsWrite), h.state("archive"))
	v1.Delete("/events/:slug", h.needPlatform(ScopeEventsWrite), h.delete)
	v1.Get("/events/:slug/domains", h.need(ScopeEventsRead), h.domains)
	v1.Post("/events/:slug/domains", h.need(ScopeDomainsWrite), h.addDomain)
	v1.Post("/events/:slug/domains/:hostname/verify", h.need(ScopeDomainsWrite), h.verifyDomain)
	v1.Delete("/events/:slug/domains/:hostname", h.need(ScopeDomainsWrite), h.removeDomain)
	v1.Get("/events/:slug/branding/draft", h.need(ScopeBrandingRead), h.brandingDraft)
	v1.Patch("/events/:slug/branding/draft", h.need(ScopeBrandingWrite), h.updateBrandingDraft)
	v1.Get("/events/:slug/branding/published", h.need(ScopeBrandingRead), h.brandingPublished)
	v1.Post("/events/:slug/branding/publish", h.need(ScopeBrandingWrite), h.publishBranding)
	v1.Get("/events/:slug/products", h.need(ScopeCatalogueRead), h.products)
	v1.Post("/events/:slug/products", h.need(ScopeCatalogueWrite), h.createProduct)
	v1.Get("/events/:slug/products/:id", h.need(ScopeCatalogueRead), h.product)
	v1.Patch("/events/:slug/products/:id", h.need(ScopeCatalogueWrite), h.updateProduct)
	v1.Delete("/events/:slug/products/:id", h.need(ScopeCatalogueWrite), h.deleteProduct)
	v1.Post("/events/:slug/products/:id/options", h.need(ScopeCatalogueWrite), h.addOptions)
	v1.Patch("/events/:slug/options/:id", h.need(ScopeCatalogueWrite), h.updateOption)
	v1.Delete("/events/:slug/options/:id", h.need(ScopeCatalogueWrite), h.deleteOption)
	v1.Post("/events/:slug/options/:id/stock-adjustments", h.need(ScopeCatalogueWrite), h.adjustStock)
	v1.Get("/events/:slug/form-fields", h.need(ScopeCatalogueRead), h.formFields)
	v1.Post("/events/:slug/form-fields", h.need(ScopeCatalogueWrite), h.createFormField)
	v1.Get("/events/:slug/form-fields/:key", h.need(ScopeCatalogueRead), h.formField)
	v1.Put("/events/:slug/form-fields/:key", h.need(ScopeCatalogueWrite), h.replaceFormField)
	v1.Delete("/events/:slug/form-fields/:key", h.need(ScopeCatalogueWrite), h.deleteFormField)
	v1.Post("/events/:slug/form-fields/:key/move", h.need(ScopeCatalogueWrite), h.moveFormField)
	h.mountDesk(v1)
	v1.Use(func(c *fiber.Ctx) error { return h.fail(c, marquee.New(marquee.ENOTFOUND, "error.not_found"), 0) })
}

// ErrorsOr is the error handler of the app the API is mounted on (the
// console's): an error on the API's paths (/api/…) is answered as the
// API's JSON error (Error), any other with pages, the app's own error
// pages.
func (h *Handler) ErrorsOr(pages fiber.ErrorHandler) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		if strings.HasPrefix(c.Path(), "/api/") {
			return h.Error(c, err)
		}
		return pages(c, err)
	}
}

// Error answers err, an error that reached the app's error handler before
// any API handler took the request (text refused at the edge, a body too
// large), as the API's JSON error with the status of its code.
func (h *Handler) Error(c *fiber.Ctx, err error) error {
	return h.fail(c, err, marquee.HTTPStatus(err))
}

// fail answers err as the API's JSON error; status 0 takes the code's,
// with 422 for a rule that refused a body that was read. The cause of a 5xx
// goes on the request's log line: the client only sees a generic message.
func (h *Handler) fail(c *fiber.Ctx, err error, status int) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		// Fiber's own refusals (a body too large, a method not allowed).
		h.logFailure(c, fe.Code, err)
		return c.Status(fe.Code).JSON(fiber.Map{"error": fiber.Map{"code": "invalid", "message": fe.Message}})
	}
	code := marquee.ErrorCode(err)
	if status == 0 {
		status = marquee.HTTPStatus(err)
		if code == marquee.EINVALID {
			status = fiber.StatusUnprocessableEntity // the body was read; a rule refused it
		}
	}
	h.logFailure(c, status, err)
	if code == marquee.EUNAVAILABLE {
		c.Set(fiber.HeaderRetryAfter, "5") // the database is away: it usually is back within seconds
	}
	field := marquee.ErrorField(err)
	if name, ok := fieldNames[field]; ok {
		field = name
	}
	msg := "Something went wrong on our side."
	if code != marquee.EINTERNAL {
		msg = h.Translate(marquee.ErrorMessage(err), "Field", field)
	}
	body := fiber.Map{"code": code, "message": msg}
	if field != "" {
		body["field"] = field
	}
	return c.Status(status).JSON(fiber.Map{"error": body})
}

// fieldNames are the API's names of the fields provisioning names
// otherwise (the console's form inputs): an error names what was sent.
var fieldNames = map[string]string{"owner": "owner_email", "locale": "locales"}

// logFailure leaves the cause of a 5xx answer for the request log, which
// writes it on the request's one line, with the request id.
func (h *Handler) logFailure(c *fiber.Ctx, status int, err error) {
	if status >= 500 {
		tenantweb.NoteFailure(c, err)
	}
}

// list pages through every event by slug.
func (h *Handler) list(c *fiber.Ctx) error {
	req, err := pageRequest(c)
	var after string
	if err == nil {
		_, err = req.After(&after)
	}
	if err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	list, err := h.Service.List(c.UserContext(), after, req.Limit+1)
	events := make([]Event, len(list))
	for i := range list {
		events[i] = EventOf(&list[i], h.BaseDomain)
	}
	return sendPage(h, c, NewPage(events, req.Limit, func(e Event) any { return e.Slug }), err)
}

// CreateRequest is the body of POST /api/v1/events; `marquee tenant
// create` has a flag of each field's name (hyphens for underscores).
type CreateRequest struct {
	Slug          string   `json:"slug"`
	Name          string   `json:"name"`
	DefaultLocale string   `json:"default_locale"`
	Locales       []string `json:"locales"`
	Currency      string   `json:"currency"`
	StartsOn      string   `json:"starts_on"`
	EndsOn        string   `json:"ends_on"`
	ClosesAt      string   `json:"closes_at"`
	OwnerEmail    string   `json:"owner_email"`
	Template      string   `json:"template"`
}

func (h *Handler) decode(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return &marquee.Error{Code: marquee.EINVALID, Message: "api.bad_json"}
	}
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	return nil
}

// decodeError names the field a body got wrong: one the request does not
// take, or one of the wrong JSON type; anything else is not a JSON object.
func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		id := "api.wrong_type"
		switch typeErr.Type.Kind() {
		case reflect.String:
			id = "api.want_string"
		case reflect.Slice:
			id = "api.want_list"
		}
		return &marquee.Error{Code: marquee.EINVALID, Message: id, Field: typeErr.Field, Err: err}
	}
	// encoding/json has no type for this one, only its text.
	if quoted, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if field, uerr := strconv.Unquote(quoted); uerr == nil {
			return &marquee.Error{Code: marquee.EINVALID, Message: "api.unknown_field", Field: field, Err: err}
		}
	}
	return &marquee.Error{Code: marquee.EINVALID, Message: "api.bad_json", Err: err}
}

func (h *Handler) create(c *fiber.Ctx) error {
	var req CreateRequest
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	created, err := h.Service.Create(c.UserContext(), provision.Spec{Slug: req.Slug, Name: req.Name, DefaultLocale: req.DefaultLocale,
		Locales: req.Locales, Currency: req.Currency, StartsOn: req.StartsOn, EndsOn: req.EndsOn, ClosesAt: req.ClosesAt,
		OwnerEmail: req.OwnerEmail, Template: req.Template})
	if created.Tenant == nil {
		return h.fail(c, err, 0)
	}
	out := fiber.Map{"event": EventOf(created.Tenant, h.BaseDomain)}
	if created.InviteLink != "" {
		out["owner_invitation"] = created.InviteLink
	}
	if err != nil {
		out["owner_invitation_error"] = h.Translate(marquee.ErrorMessage(err))
	}
	c.Location("/api/v1/events/" + created.Tenant.Slug)
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handler) show(c *fiber.Ctx) error {
	t := eventOf(c)
	doms, err := h.Service.Domains(c.UserContext(), t.Slug)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"event": EventOf(t, h.BaseDomain), "domains": h.domainList(c, doms)})
}

// update changes an event's name and/or closing time (PATCH: only the
// fields sent; "closes_at": "none" removes the closing time).
func (h *Handler) update(c *fiber.Ctx) error {
	var req struct {
		Name     *string `json:"name"`
		ClosesAt *string `json:"closes_at"`
	}
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	if req.Name == nil && req.ClosesAt == nil {
		return h.fail(c, &marquee.Error{Code: marquee.EINVALID, Message: "api.bad_json"}, fiber.StatusBadRequest)
	}
	if req.ClosesAt != nil {
		// Checked before anything is written, so a bad time renames nothing.
		if _, err := provision.ParseClosesAt(*req.ClosesAt); err != nil {
			return h.fail(c, err, 0)
		}
	}
	var t *tenant.Tenant
	var err error
	if req.Name != nil {
		if t, err = h.Service.Rename(c.UserContext(), c.Params("slug"), *req.Name); err != nil {
			return h.fail(c, err, 0)
		}
	}
	if req.ClosesAt != nil {
		if t, err = h.Service.SetClosesAt(c.UserContext(), c.Params("slug"), *req.ClosesAt); err != nil {
			return h.fail(c, err, 0)
		}
	}
	return c.JSON(fiber.Map{"event": EventOf(t, h.BaseDomain)})
}

func (h *Handler) state(verb string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		do := map[string]func(context.Context, string) (*tenant.Tenant, error){
			"suspend": h.Service.Suspend, "resume": h.Service.Resume, "archive": h.Service.Archive}[verb]
		t, err := do(c.UserContext(), c.Params("slug"))
		if err != nil {
			return h.fail(c, err, 0)
		}
		return c.JSON(fiber.Map{"event": EventOf(t, h.BaseDomain)})
	}
}

func (h *Handler) delete(c *fiber.Ctx) error {
	if err := h.Service.Delete(c.UserContext(), c.Params("slug"), c.Query("confirm")); err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) domain(c *fiber.Ctx, d tenant.Domain) Domain {
	lastError, certificate := "", "none"
	if d.LastError != "" {
		lastError = h.Translate(d.LastError)
	}
	if h.CertState != nil {
		certificate = h.CertState(c.UserContext(), d.Hostname)
	}
	return DomainOf(d, h.Service.Records(d), lastError, certificate)
}

func (h *Handler) domainList(c *fiber.Ctx, doms []tenant.Domain) []Domain {
	out := []Domain{}
	for _, d := range doms {
		out = append(out, h.domain(c, d))
	}
	return out
}

func (h *Handler) domains(c *fiber.Ctx) error {
	doms, err := h.Service.Domains(c.UserContext(), c.Params("slug"))
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(Page[Domain]{Data: h.domainList(c, doms)})
}

func (h *Handler) addDomain(c *fiber.Ctx) error {
	var req struct {
		Hostname string `json:"hostname"`
	}
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	d, _, err := h.Service.AddDomain(c.UserContext(), c.Params("slug"), req.Hostname)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"domain": h.domain(c, d)})
}

func (h *Handler) verifyDomain(c *fiber.Ctx) error {
	d, err := h.Service.VerifyDomain(c.UserContext(), c.Params("slug"), strings.ToLower(c.Params("hostname")))
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"domain": h.domain(c, d)})
}

func (h *Handler) removeDomain(c *fiber.Ctx) error {
	if err := h.Service.RemoveDomain(c.UserContext(), c.Params("slug"), strings.ToLower(c.Params("hostname"))); err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
