package console

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Brandings keeps drafts and versions of an event's look; db.DB
// implements it.
type Brandings interface {
	BrandingDraft(ctx context.Context, tenantID uuid.UUID) (branding.Branding, bool, error)
	SaveBrandingDraft(ctx context.Context, tenantID uuid.UUID, b branding.Branding) (branding.Branding, error)
	PublishBranding(ctx context.Context, tenantID, staffID uuid.UUID) (int, error)
	RestoreBranding(ctx context.Context, tenantID uuid.UUID, version int) (branding.Branding, error)
	TenantBySlug(ctx context.Context, slug string) (*tenant.Tenant, error)
}

// History lists published versions; HistoryOf builds it from db.DB.
type History func(ctx context.Context, tenantID uuid.UUID) ([]Version, error)

// Version is one published branding in the history.
type Version struct {
	Number      int
	PublishedAt time.Time
	By          string
}

// Preview renders the event's landing page with b instead of its live
// branding, in lang.
type Preview func(ctx context.Context, t *tenant.Tenant, b branding.Branding, lang string) ([]byte, error)

// editorRoles may edit an event's branding.
var editorRoles = []staff.Role{staff.RoleOwner, staff.RoleMarketing}

// EditorPage is the branding form of one event.
type EditorPage struct {
	themes.Page
	CSRF, Event, Slug string
	HasDraft          bool
	Version           int
	Theme             string
	Themes            []string
	Font              string
	Fonts             []string
	Colours           []ColourField
	Images            []ImageSlot
	Copies            []CopyFields
	Problems          []string
	// ProblemField is the id of the input the first problem is about.
	ProblemField string
	Contrast     []string
	ShareLink    string // the draft for people without an account, for a week
}

// shareLinkTTL is how long a shared preview link shows the draft.
const shareLinkTTL = 7 * 24 * time.Hour

// CopyFields are the texts in one language.
type CopyFields struct {
	Locale, Language               string
	Title, Tagline, Description    string
	SocialTitle, SocialDescription string
}

func (h *Console) editor(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	b, hasDraft, err := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	p := h.editorPage(c, t, b, hasDraft)
	return h.render(c, fiber.StatusOK, "console_branding", p, p.Lang)
}

func (h *Console) editorPage(c *fiber.Ctx, t *tenant.Tenant, b branding.Branding, hasDraft bool) EditorPage {
	return h.editorPageRefused(c, t, b, hasDraft, nil)
}

// editorPageRefused is the editor showing b with refusal's message, which
// names the input it is about.
func (h *Console) editorPageRefused(c *fiber.Ctx, t *tenant.Tenant, b branding.Branding, hasDraft bool, refusal error) EditorPage {
	base := h.page(c)
	p := EditorPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, HasDraft: hasDraft,
		Version: b.Version, Theme: b.Theme, Themes: branding.Themes, Font: b.Font, Fonts: branding.FontNames}
	if p.Font == "" {
		p.Font = "system"
	}
	if hasDraft && h.EventURL != nil {
		p.ShareLink = h.EventURL(t.Slug) + "/?preview=" + h.Previews.Token(t.ID, h.now().Add(shareLinkTTL))
	}
	if refusal != nil {
		p.Problems, p.ProblemField = []string{editorProblem(base, refusal)}, marquee.ErrorField(refusal)
	}
	p.Colours = colourFields(base, b.Colours, p.ProblemField)
	p.Images = h.imageSlots(c, b, "")
	for _, l := range t.Locales {
		cp := b.Copy[l]
		p.Copies = append(p.Copies, CopyFields{Locale: l, Language: base.LanguageName(l), Title: cp.Title, Tagline: cp.Tagline,
			Description: cp.Description, SocialTitle: cp.SocialTitle, SocialDescription: cp.SocialDescription})
	}
	for _, prob := range b.Colours.ContrastProblems() {
		p.Contrast = append(p.Contrast, base.T(prob.Message, "Ratio", fmt.Sprintf("%.2f", prob.Ratio), "Need", fmt.Sprintf("%.1f", prob.Need), "Suggestion", prob.Suggestion))
	}
	return p
}

// brandingFromForm reads the editor's form (colours: coloursFromForm).
func brandingFromForm(t *tenant.Tenant, form url.Values) (branding.Branding, error) {
	colours, err := coloursFromForm(form)
	b := branding.Branding{Theme: form.Get("theme"), Font: form.Get("font"), Copy: map[string]branding.Copy{}, Colours: colours}
	for _, l := range t.Locales {
		b.Copy[l] = branding.Copy{Title: form.Get("title." + l), Tagline: form.Get("tagline." + l), Description: form.Get("description." + l),
			SocialTitle: form.Get("social_title." + l), SocialDescription: form.Get("social_description." + l)}
	}
	return b, err
}

func (h *Console) saveDraft(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	if saved, err := h.saveForm(c, t, form); !saved {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/branding", "draft"), nil
}

// saveForm saves the editor's form as the draft and says whether it did;
// a refused form has been answered with the editor (422) naming the input.
func (h *Console) saveForm(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (bool, error) {
	// The images are uploaded by their own forms; the text form keeps them.
	cur, _, err := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if err != nil {
		return false, err
	}
	b, err := brandingFromForm(t, form)
	if err == nil {
		b.LogoKey, b.HeroKey, b.FaviconKey, b.SocialImageKey = cur.LogoKey, cur.HeroKey, cur.FaviconKey, cur.SocialImageKey
		_, err = h.Brandings.SaveBrandingDraft(c.UserContext(), t.ID, b)
	}
	if err == nil {
		return true, nil
	}
	if marquee.ErrorCode(err) != marquee.EINVALID {
		return false, err
	}
	if b.Colours == (branding.Colours{}) {
		b.Colours = cur.Colours // a typed colour was refused: show the form's others as they were
	}
	p := h.editorPageRefused(c, t, b, true, err)
	return false, h.render(c, fiber.StatusUnprocessableEntity, "console_branding", p, p.Lang)
}

// publish makes the draft live. From the editor's own Publish button the
// form comes along and is saved first, so what is published is what the
// editor shows.
func (h *Console) publish(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	if form.Has("theme") {
		if saved, err := h.saveForm(c, t, form); !saved {
			return "", err
		}
	}
	if _, err := h.Brandings.PublishBranding(c.UserContext(), t.ID, current(c).staff.ID); err != nil {
		if marquee.ErrorCode(err) != marquee.EINVALID {
			return "", err
		}
		return "", h.refusePublish(c, t)
	}
	return "/events/" + t.Slug + "/branding/history", nil
}

// refusePublish shows the editor again (422) with why the draft was not
// published: the contrast problems the editor lists under the colours.
func (h *Console) refusePublish(c *fiber.Ctx, t *tenant.Tenant) error {
	b, hasDraft, err := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	p := h.editorPage(c, t, b, hasDraft)
	p.Problems = append([]string{p.T("branding.publish_unreadable")}, p.Contrast...)
	return h.render(c, fiber.StatusUnprocessableEntity, "console_branding", p, p.Lang)
}

func (h *Console) preview(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	b, _, err := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	lang := themes.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), t.Locales, t.DefaultLocale)
	page, err := h.Preview(c.UserContext(), t, b, lang)
	if err != nil {
		return err
	}
	allowFramingBySelf(c)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(page)
}

// HistoryPage lists an event's published versions.
type HistoryPage struct {
	themes.Page
	CSRF, Event, Slug string
	Versions          []VersionRow
}

// VersionRow is one version with its restore action.
type VersionRow struct {
	Number  int
	At, By  string
	Live    bool
	Restore string
}

func (h *Console) history(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	versions, err := h.History(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	p := HistoryPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug}
	for i, v := range versions {
		p.Versions = append(p.Versions, VersionRow{Number: v.Number, At: consoleTime(base, v.PublishedAt),
			By: v.By, Live: i == 0, Restore: fmt.Sprintf("/events/%s/branding/restore/%d", t.Slug, v.Number)})
	}
	return h.render(c, fiber.StatusOK, "console_history", p, base.Lang)
}

func (h *Console) restore(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	version, err := strconv.Atoi(c.Params("version"))
	if err != nil || version < 1 {
		return "", marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	if _, err := h.Brandings.RestoreBranding(c.UserContext(), t.ID, version); err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/branding", "draft"), nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
