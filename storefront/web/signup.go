package web

import (
	"bytes"
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/themes"
)

// SignupPage is a sign-up event's landing page: the sign-up form (Mode
// "form"), the thank-you page ("thanks") or the notice that sign-ups
// have closed ("closed").
type SignupPage struct {
	themes.Page
	Mode        string
	Copy        branding.Copy
	Description template.HTML
	Thanks      string // the event's thank-you text in the page's language
	Form        SignupFormView
}

// SignupFormView is the sign-up form as the "signup_form" template draws
// it: the storefront's page and the kiosk's (Action is where it posts).
type SignupFormView struct {
	Action, CSRF, ClientID string
	Name, Email, Consent   FieldView
	Fields                 []FieldView // the form builder's, scope customer
	Problems               []ProblemView
}

// SignupForm builds the sign-up form of site from the submitted values
// (a new client id when they have none) and the errors by input name.
func SignupForm(site *storefront.Site, base themes.Page, values url.Values, errs form.Errors) SignupFormView {
	def := site.Tenant.DefaultLocale
	v := SignupFormView{Action: "/signup", ClientID: values.Get(storefront.SignupInputClientID)}
	if id, err := uuid.Parse(v.ClientID); err != nil || id == uuid.Nil {
		v.ClientID = uuid.NewString()
	}
	v.Name = FieldView{Name: storefront.SignupInputName, Type: string(form.TypeText), Required: true, Label: base.T("signup.name"),
		Value: values.Get(storefront.SignupInputName), Error: tr(base, errs[storefront.SignupInputName]), Autocomplete: "name"}
	v.Email = FieldView{Name: storefront.SignupInputEmail, Type: string(form.TypeEmail), Required: true, Label: base.T("signup.email"),
		Value: values.Get(storefront.SignupInputEmail), Error: tr(base, errs[storefront.SignupInputEmail]), Autocomplete: "email"}
	v.Fields = fieldViews(base, form.Sorted(site.Fields, form.ScopeCustomer), "", values, errs, def)
	consent := site.Settings.SignupConsent.In(base.Lang, def)
	if consent == "" {
		consent = base.T("signup.consent_default")
	}
	v.Consent = FieldView{Name: storefront.SignupInputConsent, Type: string(form.TypeCheckbox), Required: true, Label: consent,
		Checked: values.Get(storefront.SignupInputConsent) != "", Error: tr(base, errs[storefront.SignupInputConsent])}
	add := func(f FieldView) {
		if f.Error != "" {
			v.Problems = append(v.Problems, ProblemView{Href: "#" + f.Name, Text: f.Error})
		}
	}
	if msg := tr(base, errs["form"]); msg != "" {
		v.Problems = append(v.Problems, ProblemView{Href: "#signup-submit", Text: msg})
	}
	if msg := tr(base, errs[storefront.SignupInputClientID]); msg != "" {
		v.Problems = append(v.Problems, ProblemView{Href: "#signup-submit", Text: msg})
	}
	add(v.Name)
	add(v.Email)
	for _, f := range v.Fields {
		add(f)
	}
	add(v.Consent)
	return v
}

func (h *Handler) signups() (storefront.SignupStore, error) {
	if h.Signups != nil {
		return h.Signups, nil
	}
	if s, ok := h.Orders.(storefront.SignupStore); ok {
		return s, nil
	}
	return nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

// signupForm is the sign-up form at /signup (404 for a shop), as the
// landing page shows it.
func (h *Handler) signupForm(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	if !site.Settings.IsSignup() {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return h.signupLanding(c, site)
}

// signupLanding is a sign-up event's landing page: its form (per request:
// it carries the visitor's form token and a new client id).
func (h *Handler) signupLanding(c *fiber.Ctx, site *storefront.Site) error {
	l := siteLang(c, site)
	return h.renderSignup(c, site, fiber.StatusOK, url.Values{}, form.Errors{}, l)
}

// submitSignup checks the sign-up form and stores the sign-up, then sends
// the visitor to the thank-you page; a mistake re-renders the form with
// every value kept and nothing written. The same client id posted again
// (a double click, a reload) stores nothing new and thanks again.
func (h *Handler) submitSignup(c *fiber.Ctx) error {
	site, values, ok, err := h.submission(c)
	if !ok {
		return err
	}
	store, err := h.signups()
	if err != nil || !site.Settings.IsSignup() {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	l := siteLang(c, site)
	if site.Settings.OrdersClosed(h.nowOf(c)) {
		return h.renderSignup(c, site, fiber.StatusConflict, values, form.Errors{"form": storefront.MsgSignupTimeClosed}, l)
	}
	_, _, errs, err := storefront.SubmitSignup(c.UserContext(), store, site, values, l, storefront.SourceWeb)
	if err != nil {
		return err
	}
	if !errs.Empty() {
		return h.renderSignup(c, site, fiber.StatusUnprocessableEntity, values, errs, l)
	}
	return c.Redirect("/signup/thanks?lang="+url.QueryEscape(l), fiber.StatusSeeOther)
}

// signupThanks is the thank-you page after a sign-up (404 for a shop).
func (h *Handler) signupThanks(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	if !site.Settings.IsSignup() {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	l := siteLang(c, site)
	p := h.signupPage(site, l, "thanks")
	p.Thanks = site.Settings.SignupThanks.In(l, site.Tenant.DefaultLocale)
	if p.Thanks == "" {
		p.Thanks = p.T("signup.thanks_default")
	}
	return h.sendSignup(c, fiber.StatusOK, l, p)
}

func (h *Handler) signupPage(site *storefront.Site, l, mode string) SignupPage {
	p := SignupPage{Page: h.basePage(site, l), Mode: mode, Copy: site.Branding.CopyFor(l, site.Tenant.DefaultLocale)}
	if p.Copy.Title == "" {
		p.Copy.Title = site.Tenant.Name
	}
	p.Description = h.markdown().HTML(p.Copy.Description)
	return p
}

// renderSignup draws the sign-up form with values and errs (or, after the
// closing time, the notice that sign-ups are closed).
func (h *Handler) renderSignup(c *fiber.Ctx, site *storefront.Site, status int, values url.Values, errs form.Errors, l string) error {
	mode := "form"
	if site.Settings.OrdersClosed(h.nowOf(c)) && status == fiber.StatusOK {
		mode = "closed"
	}
	p := h.signupPage(site, l, mode)
	p.Form = SignupForm(site, p.Page, values, errs)
	p.Form.CSRF = h.csrfToken(c)
	return h.sendSignup(c, status, l, p)
}

func (h *Handler) sendSignup(c *fiber.Ctx, status int, l string, p SignupPage) error {
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "signup", p); err != nil {
		return err
	}
	return h.send(c, status, l, buf.Bytes(), "no-store")
}
