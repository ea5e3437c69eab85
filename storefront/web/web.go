// Package web serves the attendee's pages of an event with Fiber. Handlers
// return errors; ErrorHandler renders them as themed pages.
package web

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/branding"
	"marquee/storefront"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// Handler holds what the storefront's pages need.
type Handler struct {
	Themes *themes.Set
	Sites  *storefront.Sites
	Orders Orders
	// Changes are attendees' changes to their orders (the change pages).
	Changes OrderChanges
	Links   storefront.OrderLinks
	Secret  []byte // signs the storefront's CSRF tokens
	Log     *slog.Logger
	// Drafts and Previews show an event's draft to holders of a signed
	// preview link (?preview=TOKEN).
	Drafts   func(ctx context.Context, tenantID uuid.UUID) (branding.Branding, error)
	Previews branding.PreviewLinks
	// MediaURL turns a media key into the address browsers fetch it from.
	MediaURL func(ctx context.Context, key string) string
	// Origin is the scheme and host the visitor reached the event by
	// ("https://shop.devcon.org"), believing forwarded headers only from
	// trusted proxies; nil takes the connection's scheme and the Host header.
	Origin func(c *fiber.Ctx) string
	// CheckoutOrigin is where the online checkout lives
	// ("https://checkout.stripe.com"); "" while online payments are off.
	CheckoutOrigin string
	checkoutPolicy []byte // the Content-Security-Policy that allows it

	// Now is the clock that says whether the shop has closed; nil is
	// time.Now.
	Now func() time.Time
	// OnlinePayments: the platform takes payments online (Stripe's keys
	// are set), so the order form speaks of paying.
	OnlinePayments bool
	// Payments opens an order's online checkout (nil: online payments
	// are off).
	Payments Payments

	// Vouchers checks the codes attendees enter (nil: every code is
	// unknown).
	Vouchers Vouchers
	// Waitlists keeps the waiting lists of sold-out options (nil: Orders,
	// when it keeps them too; else their pages are 404).
	Waitlists Waitlists
	// Dispatches are the suppliers' lines, which they mark dispatched
	// behind the signed links of their emails (SupplierLinks; nil: those
	// pages are 404).
	Dispatches    Dispatches
	SupplierLinks storefront.SupplierLinks
	// Kiosks are the device links of sign-up kiosks (nil: their pages
	// are 404).
	Kiosks Kiosks
	// Signups stores sign-ups (nil: Orders, when it stores them too;
	// serve's Orders is wrapped for its metrics, and is not).
	Signups storefront.SignupStore

	md *branding.Markdown
}

// markdown is the renderer of event descriptions, made on first use.
func (h *Handler) markdown() *branding.Markdown {
	if h.md == nil {
		h.md = branding.NewMarkdown()
	}
	return h.md
}

// Mount adds the storefront's routes to r, which must sit behind the tenant
// middleware.
func (h *Handler) Mount(r fiber.Router) {
	h.prepareCheckoutPolicy()
	r.Get("/", h.landing)
	r.Get("/products/:id", h.product)
	r.Get("/products/:id/placeholder.svg", h.placeholder)
	// The order form and the status pages carry the visitor's form token:
	// rendered, and compressed, for each request.
	each := tenantweb.CompressEach
	r.Get("/order", each, h.orderPage)
	r.Post("/order", each, h.placeOrder)
	r.Post("/code/remove", each, h.removeCode)
	r.Get("/orders/:number", each, h.orderStatus)
	r.Get("/orders/:number/data.json", h.orderData)
	r.Get("/orders/:number/cancel", each, h.confirmCancel)
	r.Post("/orders/:number/cancel", each, h.cancelOrder)
	r.Get("/orders/:number/change", each, h.changeOrderPage)
	r.Post("/orders/:number/change/option", each, h.swapOption)
	r.Post("/orders/:number/change/cancel-line", each, h.cancelLine)
	r.Get("/orders/:number/change/address", each, h.orderAddressPage)
	r.Post("/orders/:number/change/address", each, h.changeAddress)
	r.Get("/waitlist", each, h.waitlistForm)
	r.Post("/waitlist", each, h.joinWaitlist)
	r.Get("/waitlist/leave", each, h.confirmLeave)
	r.Post("/waitlist/leave", each, h.leaveWaitlist)
	r.Get("/signup", each, h.signupForm)
	r.Post("/signup", each, h.submitSignup)
	r.Get("/signup/thanks", each, h.signupThanks)
	r.Post("/orders/:number/pay", each, h.payNow)
	// Kiosk mode: a tablet's sign-up form behind its device link.
	r.Get("/kiosk/:token", each, h.kiosk)
	r.Post("/kiosk/:token", each, h.kioskSubmit)
	r.Get("/kiosk/:token/thanks", each, h.kioskThanks)
	r.Post("/kiosk/:token/signups", h.kioskSignupJSON)
	r.Get("/supplier/:id", each, h.supplierPage)
	r.Post("/supplier/:id/dispatch", each, h.dispatchLines)
}

// site loads the request's event and answers for closed events: a
// suspended event shows a branded "temporarily closed" page (503), an
// archived one "this event has ended" (410). ok is false when the response
// is already written.
func (h *Handler) site(c *fiber.Ctx) (site *storefront.Site, ok bool, err error) {
	t := tenant.FromContext(c.UserContext())
	if t == nil {
		return nil, false, tenant.ErrUnknownHost
	}
	site, err = h.Sites.Get(c.UserContext(), t)
	if err != nil {
		return nil, false, err
	}
	switch t.Status {
	case tenant.StatusSuspended:
		return site, false, h.closed(c, site, fiber.StatusServiceUnavailable, "suspended")
	case tenant.StatusArchived:
		return site, false, h.closed(c, site, fiber.StatusGone, "archived")
	}
	return site, true, nil
}

// lang picks the response language among the event's languages.
func lang(c *fiber.Ctx, t *tenant.Tenant) string {
	return themes.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), t.Locales, t.DefaultLocale)
}

// siteLang is lang for a page of site: the answers to Accept-Language
// headers are kept with the Site (storefront.Site.Lang).
func siteLang(c *fiber.Ctx, site *storefront.Site) string {
	t := site.Tenant
	if choice := c.Query("lang"); choice != "" {
		if i := slices.Index(t.Locales, choice); i >= 0 {
			// Not choice itself: Fiber's strings point into the request's
			// buffer, which the next request on the connection overwrites,
			// and the answer goes into the keys of kept pages.
			return t.Locales[i]
		}
	}
	accept := c.Request().Header.Peek(fiber.HeaderAcceptLanguage)
	if len(accept) == 0 {
		return t.DefaultLocale // Negotiate's answer without a header, without the lookup (4 % of a view's CPU in a profile under wrk)
	}
	return site.Lang(accept, func(acceptLanguage string) string {
		return themes.Negotiate("", acceptLanguage, t.Locales, t.DefaultLocale)
	})
}

// basePage is the themed base of every page of site in language l.
func (h *Handler) basePage(site *storefront.Site, l string) themes.Page {
	t := site.Tenant
	copy := site.Branding.CopyFor(l, t.DefaultLocale)
	title := copy.Title
	if title == "" {
		title = t.Name
	}
	brand := &themes.Brand{Title: title, Theme: site.Branding.Theme, Colours: site.Branding.Colours,
		Font: site.Branding.FontStack(), SelfHostedFont: site.Branding.Font != "" && site.Branding.Font != "system",
		Description: copy.Tagline, SocialTitle: copy.Title}
	if copy.SocialTitle != "" {
		brand.SocialTitle = copy.SocialTitle
	}
	if copy.SocialDescription != "" {
		brand.Description = copy.SocialDescription
	}
	if h.MediaURL != nil {
		// Rendered pages are cached with the Site; the URLs must not depend
		// on a request, so no request context here.
		brand.LogoURL = h.MediaURL(context.Background(), site.Branding.LogoKey)
		brand.HeroURL = h.MediaURL(context.Background(), site.Branding.HeroKey)
		brand.FaviconURL = firstNonEmpty(h.MediaURL(context.Background(), site.Branding.FaviconKey), brand.LogoURL)
		brand.SocialImageURL = absolute(firstNonEmpty(h.MediaURL(context.Background(), site.Branding.SocialImageKey), brand.HeroURL))
	}
	p := h.Themes.NewPage(l, t.Locales, brand)
	p.Zone = site.Settings.Location()
	return p
}

// send writes a rendered HTML page with its language. cacheControl is
// "no-cache" for public pages (revalidate: they change on publish) and
// "no-store" for pages with personal data or a form token. The page's
// absolute URLs get the request's origin (see absolute).
func (h *Handler) send(c *fiber.Ctx, status int, l string, body []byte, cacheControl string) error {
	c.Set(fiber.HeaderVary, "Accept-Language")
	h.allowCheckout(c)
	return tenantweb.SendHTML(c, status, l, withOrigin(body, h.origin(c)), cacheControl)
}

// sendPage writes the cached page key of site, rendering it once with
// render: with the request's origin put in, and compressed once per origin
// and encoding the first time a visitor asks for that encoding, the
// encodings kept with the Site beside the page. Only public pages
// (Cache-Control no-cache) come this way.
func (h *Handler) sendPage(c *fiber.Ctx, site *storefront.Site, status int, l string, key storefront.PageKey, render func() ([]byte, error)) error {
	page, err := h.keptPage(c, site, key, render)
	if err != nil {
		return err
	}
	return sendKept(c, status, l, page)
}

// keptPage is the page of site under key as this request's origin serves
// it, kept with the site (rendered with render once).
func (h *Handler) keptPage(c *fiber.Ctx, site *storefront.Site, key storefront.PageKey, render func() ([]byte, error)) (*tenantweb.Encoded, error) {
	origin := h.origin(c)
	kept, err := site.Kept(key, origin, func() (any, error) {
		body, err := site.Page(key, render)
		if err != nil {
			return nil, err
		}
		return tenantweb.Lazy(withOrigin(body, origin)), nil
	})
	if err != nil {
		return nil, err
	}
	return kept.(*tenantweb.Encoded), nil
}

// sendKept sends a kept page in language l.
func sendKept(c *fiber.Ctx, status int, l string, page *tenantweb.Encoded) error {
	c.Response().Header.SetCanonical(varyName, acceptLanguage)
	return tenantweb.SendEncodedHTML(c, status, l, page, "no-cache")
}

var varyName, acceptLanguage = []byte(fiber.HeaderVary), []byte(fiber.HeaderAcceptLanguage)

// paragraphs splits plain copy into paragraphs at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// now is the handler's clock.
func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// nowOf is the handler's clock for request c: the time the server took
// the request (fasthttp reads the clock for every request anyway; reading
// it again costs about a tenth of a microsecond on a virtual machine's
// clock), else now.
func (h *Handler) nowOf(c *fiber.Ctx) time.Time {
	if h.Now == nil {
		if t := c.Context().Time(); !t.IsZero() {
			return t
		}
	}
	return h.now()
}
