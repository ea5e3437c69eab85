package web

import (
	"bytes"
	"context"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/branding"
	"marquee/storefront"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// LandingPage is the event's front page with what it offers.
type LandingPage struct {
	themes.Page
	Copy        branding.Copy
	Description template.HTML // Markdown, rendered and sanitised
	Preview     bool          // a draft shown through a preview link
	Closed      bool          // the closing time has passed: no call to order
	Facts       EventFacts
	Products    []ProductCard
	Code        *CodeView // the voucher code's form, or the active code
}

// ProductCard is a product in the catalogue list.
type ProductCard struct {
	ID, Name, Price, Image string
	Photo                  bool // Image is the product's photo, not the generated placeholder
	SoldOut                bool
}

// landing renders the event page. It depends only on the event and the
// language, so it is rendered once per language and kept with the Site.
func (h *Handler) landing(c *fiber.Ctx) error {
	if lane := h.laneOf(c); lane != nil {
		if lane.choice.Fits(c) {
			c.Response().Header.SetCanonical(varyName, acceptLanguage)
			return tenantweb.SendChoiceHTML(c, fiber.StatusOK, lane.lang, &lane.choice, "no-cache")
		}
		return sendKept(c, fiber.StatusOK, lane.lang, lane.page)
	}
	version := h.Sites.Version() // before the Site: a change after it leaves a lane of this view behind
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	if token := c.Query("preview"); token != "" {
		return h.previewLanding(c, site, token)
	}
	if site.Settings.IsSignup() {
		return h.signupLanding(c, site)
	}
	if code := c.Query(codeQuery); code != "" {
		return h.applyCode(c, site, code, "/", func(typed, errID string) error {
			return h.landingWithCode(c, site, site, codeView(h.basePage(site, siteLang(c, site)), site, nil, "/", typed, errID, ""))
		})
	}
	if len(activeCode(c)) > 0 {
		if unlocked, v := h.withCode(c, site); v != nil {
			return h.landingWithCode(c, site, unlocked, codeView(h.basePage(site, siteLang(c, site)), site, v, "/", "", "", h.csrfToken(c)))
		}
	}
	l := siteLang(c, site)
	now := h.nowOf(c)
	key := pageKey("landing", l, site.Settings.OrdersClosed(now))
	if site.Settings.ClosesAt != nil && key.State == "" {
		key.State, key.Count = countdownIn(site.Settings.ClosesAt.Sub(now)) // the countdown's text changes the page
	}
	page, err := h.keptPage(c, site, key, func() ([]byte, error) { return h.render(site, l, false, now) })
	if err != nil {
		return err
	}
	h.keepLane(c, site, version, l, key, now, page)
	return sendKept(c, fiber.StatusOK, l, page)
}

// landingLane is the landing page as last served for one Host header, with
// what it was served for: the next plain view with that header (no query,
// no code; the same Accept-Language and origin) gets it without reaching
// its event's Site. With thousands of events cached, each part of a Site a
// view reads (its settings, its cache of pages, the entry that keeps it)
// is memory no other request brought near the processor; the lane is one
// such read instead of about six. It holds while the host resolves to the
// same Tenant value (an event's change makes a new one), no cached Site
// changed (Sites.Version: any event's change, a sold-out flip, a reload),
// and until, when the Site would be read again or the page's state
// changes (the countdown to the closing time begins). It is dropped when
// the Site cache lets the Site go (Site.OnRelease): a host's lane never
// keeps an evicted event's page in memory, nor serves it. It also keeps
// what the page's Send chose for the Accept-Encoding of the view that made
// it, so that the next views with that header do not read the page's
// encodings either.
type landingLane struct {
	tenant  *tenant.Tenant
	version uint64
	until   time.Time
	accept  string // the Accept-Language header
	origin  string
	lang    string
	page    *tenantweb.Encoded
	choice  tenantweb.Choice
}

// laneOf returns the request host's lane when it holds for this request,
// else nil.
func (h *Handler) laneOf(c *fiber.Ctx) *landingLane {
	lane, _ := tenantweb.KeptWithHost(c).(*landingLane)
	if lane == nil || lane.tenant != tenantweb.FromCtx(c) || lane.version != h.Sites.Version() || !plainView(c) ||
		string(c.Request().Header.Peek(fiber.HeaderAcceptLanguage)) != lane.accept || h.origin(c) != lane.origin ||
		!h.nowOf(c).Before(lane.until) {
		return nil
	}
	return lane
}

// keepLane keeps page, the landing page of site in language l under key
// as served at now, as its host's lane, when the view was a plain one and
// the page's state holds for a while; version is Sites.Version from before
// the Site was read.
func (h *Handler) keepLane(c *fiber.Ctx, site *storefront.Site, version uint64, l string, key storefront.PageKey, now time.Time, page *tenantweb.Encoded) {
	t := tenantweb.FromCtx(c)
	if t == nil || !plainView(c) {
		return
	}
	until := now.Add(h.Sites.FreshFor(t))
	switch closes := site.Settings.ClosesAt; {
	case key.State == "closed" || closes == nil:
	case key.State == "": // the countdown has not begun
		until = minTime(until, closes.Add(-countdownFrom))
	default:
		return // counting down: the page changes by the minute
	}
	if !now.Before(until) {
		return
	}
	lane := &landingLane{tenant: t, version: version, until: until,
		accept: string(c.Request().Header.Peek(fiber.HeaderAcceptLanguage)), origin: h.origin(c), lang: l,
		page: page, choice: page.Choose(c)}
	if drop := tenantweb.KeepWithHost(c, lane); drop != nil && !site.OnRelease(drop) {
		drop() // the Site was let go meanwhile
	}
}

// plainView reports whether the request is a landing view that only its
// host, Accept-Language and origin name: no query (no preview, code or
// language chosen) and no voucher code in its cookies.
func plainView(c *fiber.Ctx) bool {
	return len(c.Request().URI().QueryString()) == 0 && len(activeCode(c)) == 0
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// landingWithCode renders the landing page for this request only: shown
// (site as unlocked by the visitor's code) with the code part cv.
func (h *Handler) landingWithCode(c *fiber.Ctx, site, shown *storefront.Site, cv *CodeView) error {
	l := siteLang(c, site)
	body, err := h.renderWith(shown, l, false, h.nowOf(c), cv)
	if err != nil {
		return err
	}
	status := c.Response().StatusCode()
	c.Set(fiber.HeaderVary, "Accept-Language, Cookie")
	return tenantweb.SendHTML(c, status, l, withOrigin(body, h.origin(c)), "no-store")
}

// previewLanding shows the event's current draft to the holder of a signed,
// unexpired preview link; anything else is a 404. Never cached, never indexed.
func (h *Handler) previewLanding(c *fiber.Ctx, site *storefront.Site, token string) error {
	if h.Drafts == nil || !h.Previews.Valid(site.Tenant.ID, token, time.Now()) {
		return marquee.New(marquee.ENOTFOUND, "branding.preview_invalid")
	}
	draft, err := h.Drafts(c.UserContext(), site.Tenant.ID)
	if err != nil {
		return err
	}
	content := site.SiteContent
	content.Branding = draft
	preview := storefront.NewSite(site.Tenant, content)
	l := siteLang(c, site)
	body, err := h.render(preview, l, true, h.now())
	if err != nil {
		return err
	}
	c.Set("X-Robots-Tag", "noindex")
	return h.send(c, fiber.StatusOK, l, body, "no-store")
}

// RenderPreview renders an event's landing page in language l, marked as a
// preview. The console uses it to show a draft branding in a Site built
// for that purpose.
func (h *Handler) RenderPreview(site *storefront.Site, l string) ([]byte, error) {
	body, err := h.render(site, l, true, h.now())
	return withOrigin(body, ""), err // shown on the console's host: URLs stay relative
}

// pageKey names a cached page: the closing time passing changes a page
// without any change to the event, so the state is part of the name.
func pageKey(page, l string, closed bool) storefront.PageKey {
	if closed {
		return storefront.PageKey{Page: page, Lang: l, State: "closed"}
	}
	return storefront.PageKey{Page: page, Lang: l}
}

// render renders the landing page of site in language l as it is at now:
// open or closed, and how long is left.
func (h *Handler) render(site *storefront.Site, l string, preview bool, now time.Time) ([]byte, error) {
	return h.renderWith(site, l, preview, now, &CodeView{Back: "/"})
}

// renderWith is render with the code part cv.
func (h *Handler) renderWith(site *storefront.Site, l string, preview bool, now time.Time, cv *CodeView) ([]byte, error) {
	base := h.basePage(site, l)
	p := LandingPage{Page: base, Copy: site.Branding.CopyFor(l, site.Tenant.DefaultLocale), Preview: preview,
		Closed: site.Settings.OrdersClosed(now), Facts: facts(base, site.Settings, now), Code: cv}
	if p.Copy.Title == "" {
		p.Copy.Title = site.Tenant.Name
	}
	p.Description = h.markdown().HTML(p.Copy.Description)
	for _, prod := range site.Catalogue.Visible() {
		p.Products = append(p.Products, h.productCard(base, site, prod))
	}
	var buf bytes.Buffer
	err := h.Themes.Render(&buf, "landing", p)
	return buf.Bytes(), err
}

func (h *Handler) productCard(base themes.Page, site *storefront.Site, p storefront.Product) ProductCard {
	card := ProductCard{ID: p.ID.String(), Name: p.Name.In(base.Lang, site.Tenant.DefaultLocale),
		Price: price(base, p.PriceMinor, site.Settings.Currency), SoldOut: site.ProductSoldOut(p)}
	card.Image, card.Photo = h.productImage(p)
	return card
}

// productImage is the address of the product's photo, or of its
// placeholder in the event's colours (photo false) when it has none (or
// its store cannot name it).
func (h *Handler) productImage(p storefront.Product) (url string, photo bool) {
	if p.ImageKey != "" && h.MediaURL != nil {
		if u := h.MediaURL(context.Background(), p.ImageKey); u != "" {
			return u, true
		}
	}
	return "/products/" + p.ID.String() + "/placeholder.svg", false
}
