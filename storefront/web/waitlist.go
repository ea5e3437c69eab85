package web

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/themes"
)

// Waitlists keeps the waiting lists of sold-out options; db.DB implements
// it (the Orders store, asked for it: an Orders without it has no lists).
type Waitlists interface {
	JoinWaitlist(ctx context.Context, tenantID, variantID uuid.UUID, email, locale string, quantity int) (storefront.WaitlistEntry, error)
	LeaveWaitlist(ctx context.Context, tenantID uuid.UUID, token string) (storefront.WaitlistEntry, error)
	WaitlistEntryByLeaveToken(ctx context.Context, tenantID uuid.UUID, token string) (storefront.WaitlistEntry, error)
	WaitlistOfferByToken(ctx context.Context, tenantID uuid.UUID, token string) (storefront.WaitlistOffer, error)
}

// The waiting list form's inputs.
const (
	inputWaitVariant  = "variant"
	inputWaitEmail    = "email"
	inputWaitLanguage = "language"
	inputWaitQuantity = "quantity"
	maxWaitQuantity   = 10
	// The order form's hidden inputs of a waiting-list offer.
	inputOffer        = "offer"
	inputOfferVariant = "offer_variant"
)

// WaitlistPage is the waiting list's form, its confirmation, and the pages
// that leave it (Mode: form, joined, leave, left).
type WaitlistPage struct {
	themes.Page
	Mode                      string
	Product, Variant          string
	VariantID, Token          string
	Email, Language, Quantity FieldView
	Problem                   string // a problem with the option itself
	Hours, Position           int
	Joined                    storefront.WaitlistEntry
	CSRF                      string
}

func (h *Handler) waitlists() (Waitlists, error) {
	if h.Waitlists != nil {
		return h.Waitlists, nil
	}
	w, ok := h.Orders.(Waitlists)
	if !ok {
		return nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return w, nil
}

// waitOption finds a visible product's option of site by its id as sent.
func waitOption(site *storefront.Site, id string) (storefront.Product, storefront.Variant, bool) {
	vid, err := uuid.Parse(id)
	if err != nil {
		return storefront.Product{}, storefront.Variant{}, false
	}
	for _, p := range site.Catalogue.Visible() {
		for _, v := range p.Variants {
			if v.ID == vid {
				return p, v, true
			}
		}
	}
	return storefront.Product{}, storefront.Variant{}, false
}

// waitlistForm shows the form for the option ?variant=ID (404 for an
// option this event's shop does not show).
func (h *Handler) waitlistForm(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	if _, err := h.waitlists(); err != nil {
		return err
	}
	l := siteLang(c, site)
	values := url.Values{inputWaitVariant: {c.Query("variant")}, inputWaitLanguage: {l}, inputWaitQuantity: {"1"}}
	if _, _, found := waitOption(site, c.Query("variant")); !found {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return h.renderWaitlist(c, site, fiber.StatusOK, values, form.Errors{})
}

// joinWaitlist checks the form and puts the visitor in the option's line,
// answering with the confirmation; a problem re-renders the form with the
// message by its input and nothing written.
func (h *Handler) joinWaitlist(c *fiber.Ctx) error {
	site, values, ok, err := h.submission(c)
	if !ok {
		return err
	}
	w, err := h.waitlists()
	if err != nil {
		return err
	}
	_, v, found := waitOption(site, values.Get(inputWaitVariant))
	if !found || len(values[inputWaitVariant]) != 1 {
		return marquee.Invalid(inputWaitVariant, "waitlist.option_unknown")
	}
	errs := form.Errors{}
	email, msg := form.ParseEmail(strings.TrimSpace(values.Get(inputWaitEmail)))
	if msg != "" || len(values[inputWaitEmail]) != 1 {
		errs.Add(inputWaitEmail, form.MsgEmailInvalid)
	}
	lang := values.Get(inputWaitLanguage)
	if !slices.Contains(site.Tenant.Locales, lang) || len(values[inputWaitLanguage]) != 1 {
		errs.Add(inputWaitLanguage, "waitlist.language_invalid")
	}
	qty, qerr := strconv.Atoi(strings.TrimSpace(values.Get(inputWaitQuantity)))
	if qerr != nil || qty < 1 || qty > maxWaitQuantity || len(values[inputWaitQuantity]) != 1 {
		errs.Add(inputWaitQuantity, "waitlist.quantity_invalid")
	}
	if !errs.Empty() {
		return h.renderWaitlist(c, site, fiber.StatusUnprocessableEntity, values, errs)
	}
	entry, err := w.JoinWaitlist(c.UserContext(), site.Tenant.ID, v.ID, storefront.NormalizeEmail(email), lang, qty)
	if err != nil {
		code := marquee.ErrorCode(err)
		if code == marquee.EINTERNAL || code == marquee.EUNAVAILABLE {
			return err
		}
		field := marquee.ErrorField(err)
		if field == inputWaitVariant || field == "" {
			field = "form"
		}
		return h.renderWaitlist(c, site, marquee.HTTPStatus(err), values, form.Errors{field: marquee.ErrorMessage(err)})
	}
	return h.renderWaitlistEntry(c, site, "joined", entry)
}

// renderWaitlist draws the form with values and errs.
func (h *Handler) renderWaitlist(c *fiber.Ctx, site *storefront.Site, status int, values url.Values, errs form.Errors) error {
	l := siteLang(c, site)
	base := h.basePage(site, l)
	p := WaitlistPage{Page: base, Mode: "form", VariantID: values.Get(inputWaitVariant), CSRF: h.csrfToken(c),
		Hours: max(site.Settings.WaitlistHoldHours, 1), Problem: tr(base, errs["form"])}
	prod, v, _ := waitOption(site, p.VariantID)
	def := site.Tenant.DefaultLocale
	p.Product, p.Variant = prod.Name.In(l, def), v.Label.In(l, def)
	p.Email = FieldView{Name: inputWaitEmail, Label: base.T("waitlist.email"), Type: string(form.TypeEmail), Required: true,
		Value: values.Get(inputWaitEmail), Error: tr(base, errs[inputWaitEmail]), Autocomplete: "email"}
	p.Language = FieldView{Name: inputWaitLanguage, Label: base.T("waitlist.language"), Type: string(form.TypeSingleChoice), Required: true,
		Error: tr(base, errs[inputWaitLanguage])}
	for _, loc := range site.Tenant.Locales {
		p.Language.Options = append(p.Language.Options, OptionView{Value: loc, Label: base.LanguageName(loc),
			Selected: loc == values.Get(inputWaitLanguage)})
	}
	p.Quantity = FieldView{Name: inputWaitQuantity, Label: base.T("waitlist.quantity"), Type: string(form.TypeNumber), Required: true,
		Value: values.Get(inputWaitQuantity), Error: tr(base, errs[inputWaitQuantity])}
	return h.sendWaitlist(c, status, l, p)
}

// renderWaitlistEntry draws the page of an entry in mode (joined, leave,
// left).
func (h *Handler) renderWaitlistEntry(c *fiber.Ctx, site *storefront.Site, mode string, e storefront.WaitlistEntry) error {
	l := siteLang(c, site)
	base := h.basePage(site, l)
	p := WaitlistPage{Page: base, Mode: mode, Joined: e, Token: e.LeaveToken, CSRF: h.csrfToken(c), Position: e.Position}
	for _, prod := range site.Catalogue.Products {
		for _, v := range prod.Variants {
			if v.ID == e.VariantID {
				def := site.Tenant.DefaultLocale
				p.Product, p.Variant = prod.Name.In(l, def), v.Label.In(l, def)
			}
		}
	}
	return h.sendWaitlist(c, fiber.StatusOK, l, p)
}

func (h *Handler) sendWaitlist(c *fiber.Ctx, status int, l string, p WaitlistPage) error {
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "waitlist", p); err != nil {
		return err
	}
	return h.send(c, status, l, buf.Bytes(), "no-store")
}

// confirmLeave asks before leaving (an email client's link checker
// follows GETs): the leave link's page with its button.
func (h *Handler) confirmLeave(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	w, err := h.waitlists()
	if err != nil {
		return err
	}
	e, err := w.WaitlistEntryByLeaveToken(c.UserContext(), site.Tenant.ID, c.Query("token"))
	if err != nil {
		return err
	}
	return h.renderWaitlistEntry(c, site, "leave", e)
}

// leaveWaitlist takes the leave link's entry out of its line.
func (h *Handler) leaveWaitlist(c *fiber.Ctx) error {
	site, values, ok, err := h.submission(c)
	if !ok {
		return err
	}
	w, err := h.waitlists()
	if err != nil {
		return err
	}
	e, err := w.LeaveWaitlist(c.UserContext(), site.Tenant.ID, values.Get("token"))
	if err != nil {
		return err
	}
	return h.renderWaitlistEntry(c, site, "left", e)
}

// offerOrderForm is the order form of an offer's link: its option and
// quantity chosen, its secret in a hidden input. An offer used, expired or
// unknown here (another event's) is a 409 saying so.
func (h *Handler) offerOrderForm(c *fiber.Ctx, site *storefront.Site, token string) error {
	w, err := h.waitlists()
	if err != nil {
		return err
	}
	o, err := w.WaitlistOfferByToken(c.UserContext(), site.Tenant.ID, token)
	if err != nil || o.State != storefront.OfferHeld || !o.ExpiresAt.After(h.now()) {
		return &marquee.Error{Code: marquee.ECONFLICT, Message: "waitlist.offer_invalid", Field: inputOffer}
	}
	values := url.Values{inputOffer: {o.Token}, inputOfferVariant: {o.VariantID.String()}}
	for i, p := range site.Catalogue.Visible() {
		for _, v := range p.Variants {
			if v.ID == o.VariantID {
				values.Set(lineInput(i, "variant"), v.ID.String())
				values.Set(lineInput(i, "quantity"), strconv.Itoa(o.Quantity))
			}
		}
	}
	return h.renderOrderForm(c, site, fiber.StatusOK, values, form.Errors{})
}

// variantSoldOut is Site.VariantSoldOut, but the option a waiting-list
// offer holds for the visitor (the form's hidden input) is theirs to
// choose: the order's transaction decides whether the offer holds.
func variantSoldOut(site *storefront.Site, v storefront.Variant, values url.Values) bool {
	held := values.Get(inputOffer) != "" && values.Get(inputOfferVariant) == v.ID.String()
	return !held && site.VariantSoldOut(v)
}

// productSoldOut is Site.ProductSoldOut with variantSoldOut.
func productSoldOut(site *storefront.Site, p storefront.Product, values url.Values) bool {
	for _, v := range p.Variants {
		if !variantSoldOut(site, v, values) {
			return false
		}
	}
	return true
}
