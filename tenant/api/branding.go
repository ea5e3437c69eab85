package api

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/storefront"
)

// BrandingDesk keeps an event's draft and published branding; db.DB
// implements it (the console's editor uses the same methods).
type BrandingDesk interface {
	BrandingDraft(ctx context.Context, tenantID uuid.UUID) (branding.Branding, bool, error)
	SaveBrandingDraft(ctx context.Context, tenantID uuid.UUID, b branding.Branding) (branding.Branding, error)
	PublishBranding(ctx context.Context, tenantID, staffID uuid.UUID) (int, error)
	SiteContent(ctx context.Context, tenantID uuid.UUID) (storefront.SiteContent, error)
}

// Branding is an event's look as the API shows it and PATCH takes it.
// Images are uploaded in the console.
type Branding struct {
	Version int                      `json:"version"`
	Theme   string                   `json:"theme"`
	Font    string                   `json:"font"`
	Colours Colours                  `json:"colours"`
	Copy    map[string]branding.Copy `json:"copy"`
}

// Colours are a branding's four colours, #rrggbb.
type Colours struct {
	Primary    string `json:"primary"`
	Accent     string `json:"accent"`
	Background string `json:"background"`
	Text       string `json:"text"`
}

// BrandingOf is b as the API shows it.
func BrandingOf(b branding.Branding) Branding {
	out := Branding{Version: b.Version, Theme: b.Theme, Font: b.Font, Colours: Colours(b.Colours), Copy: b.Copy}
	if out.Font == "" {
		out.Font = "system"
	}
	if out.Copy == nil {
		out.Copy = map[string]branding.Copy{}
	}
	return out
}

func (h *Handler) brandingDraft(c *fiber.Ctx) error {
	b, hasDraft, err := h.Brandings.BrandingDraft(c.UserContext(), eventOf(c).ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"branding": BrandingOf(b), "unpublished_changes": hasDraft})
}

func (h *Handler) brandingPublished(c *fiber.Ctx) error {
	site, err := h.Brandings.SiteContent(c.UserContext(), eventOf(c).ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"branding": BrandingOf(site.Branding)})
}

// brandingColourFields are the API's names of the editor's colour inputs.
var brandingColourFields = map[string]string{"color_primary": "colours.primary", "color_accent": "colours.accent",
	"color_background": "colours.background", "color_text": "colours.text"}

// updateBrandingDraft changes the draft: only the fields sent (a colour,
// a language's copy as a whole); the editor's rules apply.
func (h *Handler) updateBrandingDraft(c *fiber.Ctx) error {
	var in struct {
		Theme   *string                  `json:"theme"`
		Font    *string                  `json:"font"`
		Colours *map[string]string       `json:"colours"`
		Copy    map[string]branding.Copy `json:"copy"`
	}
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	t, ctx := eventOf(c), c.UserContext()
	b, _, err := h.Brandings.BrandingDraft(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	if in.Theme != nil {
		b.Theme = *in.Theme
	}
	if in.Font != nil {
		b.Font = *in.Font
	}
	if in.Colours != nil {
		for name, v := range *in.Colours {
			dst := map[string]*string{"primary": &b.Colours.Primary, "accent": &b.Colours.Accent,
				"background": &b.Colours.Background, "text": &b.Colours.Text}[name]
			if dst == nil {
				return h.fail(c, &marquee.Error{Code: marquee.EINVALID, Field: "colours." + name, Message: "api.unknown_field"}, fiber.StatusBadRequest)
			}
			*dst = strings.ToLower(strings.TrimSpace(v))
		}
	}
	if b.Copy == nil {
		b.Copy = map[string]branding.Copy{}
	}
	for lang, cp := range in.Copy {
		if !containsLocale(t.Locales, lang) {
			return h.fail(c, marquee.Invalid("copy."+lang, "api.locale_not_offered"), 0)
		}
		b.Copy[lang] = cp
	}
	if b.Font == "system" {
		b.Font = ""
	}
	if _, err := h.Brandings.SaveBrandingDraft(ctx, t.ID, b); err != nil {
		if name, ok := brandingColourFields[marquee.ErrorField(err)]; ok {
			err = marquee.Invalid(name, marquee.ErrorMessage(err))
		}
		return h.fail(c, err, 0)
	}
	return h.brandingDraft(c)
}

func containsLocale(locales []string, l string) bool {
	for _, x := range locales {
		if x == l {
			return true
		}
	}
	return false
}

// publishBranding makes the draft live, as the editor's Publish does: a
// draft whose colours are not readable is a 422, nothing to publish a 409.
func (h *Handler) publishBranding(c *fiber.Ctx) error {
	version, err := h.Brandings.PublishBranding(c.UserContext(), eventOf(c).ID, uuid.Nil)
	if marquee.ErrorCode(err) == marquee.EINVALID && marquee.ErrorField(err) == "" {
		err = marquee.Invalid("colours", marquee.ErrorMessage(err))
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"version": version})
}
