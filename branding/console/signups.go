package console

import (
	"bufio"
	"context"
	"encoding/csv"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/db"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Signups are a sign-up event's sign-ups as staff see them; db.DB
// implements it.
type Signups interface {
	Signups(ctx context.Context, tenantID uuid.UUID, after db.SignupCursor, limit int) ([]storefront.Signup, db.SignupCursor, error)
	SignupCount(ctx context.Context, tenantID uuid.UUID) (int, error)
	SaveSignupForm(ctx context.Context, tenantID uuid.UUID, kind string, consent, thanks storefront.Text) error
}

// signupRoles may see and export an event's sign-ups: marketing hands
// them to the CRM, fulfilment answers the people, owners both. Editing the
// sign-up form is the editors' (editorRoles).
var signupRoles = []staff.Role{staff.RoleOwner, staff.RoleMarketing, staff.RoleFulfilment}

const signupsPerPage = 50

// Longest consent and thank-you texts, in characters.
const (
	maxConsentText = 1000
	maxThanksText  = 2000
)

// SignupsPage is an event's sign-ups, newest first, a page at a time, with
// the sign-up form's settings (the event's kind, its texts per language).
type SignupsPage struct {
	themes.Page
	CSRF, Event, Slug string
	Total             int
	Rows              []SignupRow
	First, Next       string
	IsSignup, CanEdit bool
	Texts             []SignupTexts
	Problem           string
	ProblemField      string
}

// SignupRow is one sign-up in the list.
type SignupRow struct{ When, Name, Email, Language, Source string }

// SignupTexts are the sign-up form's texts in one language, as the form
// shows them.
type SignupTexts struct{ Lang, Name, Consent, Thanks string }

func signupsLink(t *tenant.Tenant) string { return "/events/" + t.Slug + "/signups" }

// signups is the list: ?after= is the cursor of the page (the last
// sign-up of the page before).
func (h *Console) signups(c *fiber.Ctx) error {
	t, err := h.event(c, signupRoles)
	if err != nil {
		return err
	}
	after, err := parseSignupCursor(c.Query("after"))
	if err != nil {
		return err
	}
	return h.renderSignups(c, t, fiber.StatusOK, after, nil, nil)
}

func (h *Console) renderSignups(c *fiber.Ctx, t *tenant.Tenant, status int, after db.SignupCursor, typed url.Values, problem error) error {
	ctx := c.UserContext()
	list, next, err := h.Signups.Signups(ctx, t.ID, after, signupsPerPage)
	if err != nil {
		return err
	}
	total, err := h.Signups.SignupCount(ctx, t.ID)
	if err != nil {
		return err
	}
	settings, err := h.Products.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	p := SignupsPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Total: total,
		IsSignup: settings.IsSignup(), CanEdit: h.mayEdit(c)}
	if typed != nil {
		p.IsSignup = typed.Get("kind") == storefront.KindSignup
	}
	for _, l := range t.Locales {
		st := SignupTexts{Lang: l, Name: base.LanguageName(l), Consent: settings.SignupConsent[l], Thanks: settings.SignupThanks[l]}
		if typed != nil {
			st.Consent, st.Thanks = typed.Get("consent."+l), typed.Get("thanks."+l)
		}
		p.Texts = append(p.Texts, st)
	}
	if problem != nil {
		p.Problem, p.ProblemField = base.T(marquee.ErrorMessage(problem)), marquee.ErrorField(problem)
	}
	for _, s := range list {
		p.Rows = append(p.Rows, SignupRow{When: consoleTime(base, s.CreatedAt), Name: s.Name, Email: s.Email,
			Language: base.LanguageName(s.Locale), Source: signupSource(base, s.Source)})
	}
	link := signupsLink(t)
	if after != (db.SignupCursor{}) {
		p.First = link
	}
	if next != (db.SignupCursor{}) {
		p.Next = link + "?" + url.Values{"after": {formatSignupCursor(next)}}.Encode()
	}
	// The list shows people's names and addresses: who looked is on the
	// record, as for an order.
	if len(list) > 0 {
		if err := h.Orders.AuditOrderAccess(ctx, t.ID, current(c).staff.ID, "signups_viewed", t.Slug); err != nil {
			return err
		}
	}
	return h.render(c, status, "console_signups", p, base.Lang)
}

func signupSource(p themes.Page, source string) string {
	if source == storefront.SourceWeb {
		return p.T("console.signups.source_web")
	}
	return p.T("console.signups.source_kiosk")
}

// formatSignupCursor and parseSignupCursor carry a page's cursor in the
// URL: the time in Unix nanoseconds and the id.
func formatSignupCursor(c db.SignupCursor) string {
	return strconv.FormatInt(c.At.UnixNano(), 10) + "." + c.ID.String()
}

func parseSignupCursor(s string) (db.SignupCursor, error) {
	if s == "" {
		return db.SignupCursor{}, nil
	}
	at, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(at, 10, 64)
	uid, uerr := uuid.Parse(id)
	if !ok || err != nil || uerr != nil || n <= 0 {
		return db.SignupCursor{}, marquee.Invalid("after", "console.signups.cursor_invalid")
	}
	return db.SignupCursor{At: time.Unix(0, n), ID: uid}, nil
}

// saveSignupForm makes the event a shop or a sign-up form, with the
// form's consent and thank-you texts per language of the event; a text
// refused re-renders the page with it named and saves nothing.
func (h *Console) saveSignupForm(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	kind := form.Get("kind")
	consent, thanks := storefront.Text{}, storefront.Text{}
	var problem error
	if kind != storefront.KindShop && kind != storefront.KindSignup {
		problem = marquee.Invalid("kind", "console.signups.kind_invalid")
	}
	for _, l := range t.Locales {
		consent[l], thanks[l] = strings.TrimSpace(form.Get("consent."+l)), strings.TrimSpace(form.Get("thanks."+l))
		switch {
		case problem != nil:
		case utf8.RuneCountInString(consent[l]) > maxConsentText:
			problem = marquee.Invalid("consent."+l, "console.signups.consent_too_long")
		case utf8.RuneCountInString(thanks[l]) > maxThanksText:
			problem = marquee.Invalid("thanks."+l, "console.signups.thanks_too_long")
		}
	}
	if problem == nil {
		problem = h.Signups.SaveSignupForm(c.UserContext(), t.ID, kind, consent, thanks)
	}
	if marquee.ErrorCode(problem) == marquee.EINVALID {
		return "", h.renderSignups(c, t, fiber.StatusUnprocessableEntity, db.SignupCursor{}, form, problem)
	}
	if problem != nil {
		return "", problem
	}
	return flashed(signupsLink(t), "signup_form_saved"), nil
}

// exportSignups streams the event's sign-ups as CSV, newest first: the
// sign-up's columns, then one per field of the form, headed by its key
// (storefront.SignupColumns); every cell a spreadsheet could take for a
// formula is neutralised.
func (h *Console) exportSignups(c *fiber.Ctx) error {
	t, err := h.event(c, signupRoles)
	if err != nil {
		return err
	}
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	if err := h.Orders.AuditOrderAccess(c.UserContext(), t.ID, current(c).staff.ID, "signups_exported", t.Slug); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+t.Slug+`-signups.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	columns, store, log := storefront.NewSignupColumns(fields), h.Signups, h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		cw := csv.NewWriter(w)
		_ = cw.Write(safeCells(columns.Header()))
		// The stream outlives the request handler: its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var after db.SignupCursor
		for {
			list, next, err := store.Signups(ctx, t.ID, after, 500)
			for _, s := range list {
				_ = cw.Write(safeCells(columns.Row(s, t.DefaultLocale)))
			}
			cw.Flush()
			if err != nil && log != nil {
				log.Error("sign-up export failed", "event", t.Slug, "err", err)
			}
			if err != nil || cw.Error() != nil || next == (db.SignupCursor{}) {
				return
			}
			after = next
		}
	})
	return nil
}

// mayEdit reports whether the signed-in member may edit the route's event
// (editorRoles): the sign-up form's settings are shown to them only.
func (h *Console) mayEdit(c *fiber.Ctx) bool {
	ev := h.routeEvent(c)
	return ev != nil && (ev.admin || slices.Contains(editorRoles, ev.role))
}
