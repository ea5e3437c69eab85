package console

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/branding/media"
	"marquee/tenant"
)

// imageSlots are the images of a branding and the rendition width each
// page shows (the widest rendition not above it).
var imageSlots = map[string]int{"logo": 320, "hero": 1280, "favicon": 320, "social": 1280}

// uploadImage takes a logo or hero image into the draft: the file is
// checked and cleaned by media.Process before anything is stored; a bad
// file re-renders the editor with the reason and stores nothing.
func (h *Console) uploadImage(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	if err := checkToken(urlValues(c.FormValue("csrf")), h.sessionToken(current(c))); err != nil {
		return err
	}
	slot := c.FormValue("slot")
	width, ok := imageSlots[slot]
	if !ok {
		return marquee.Invalid("slot", "error.bad_request")
	}
	key, err := h.storeUpload(c, t, width)
	if marquee.ErrorCode(err) == marquee.EINVALID {
		return h.uploadRefused(c, t, err)
	}
	if err != nil {
		return err
	}
	return h.setImage(c, t, slot, key)
}

func urlValues(csrf string) map[string][]string { return map[string][]string{"csrf": {csrf}} }

// storeUpload processes the uploaded file and returns the key of the
// rendition the page will show.
func (h *Console) storeUpload(c *fiber.Ctx, t *tenant.Tenant, width int) (string, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", marquee.Invalid("file", "media.empty")
	}
	f, err := fh.Open()
	if err != nil {
		return "", marquee.Internal(err)
	}
	defer f.Close()
	img, err := media.Process(f, media.DefaultLimits())
	if err != nil {
		return "", err
	}
	keys, err := media.Save(c.UserContext(), h.Media, t.ID, img)
	if err != nil {
		return "", err
	}
	return pickRendition(keys, width), nil
}

// pickRendition is the widest rendition not wider than width, else the
// narrowest one.
func pickRendition(keys map[int]string, width int) string {
	widths := make([]int, 0, len(keys))
	for w := range keys {
		widths = append(widths, w)
	}
	slices.Sort(widths)
	best := widths[0]
	for _, w := range widths {
		if w <= width {
			best = w
		}
	}
	return keys[best]
}

func (h *Console) setImage(c *fiber.Ctx, t *tenant.Tenant, slot, key string) error {
	b, _, err := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	switch slot {
	case "logo":
		b.LogoKey = key
	case "hero":
		b.HeroKey = key
	case "favicon":
		b.FaviconKey = key
	case "social":
		b.SocialImageKey = key
	}
	if _, err := h.Brandings.SaveBrandingDraft(c.UserContext(), t.ID, b); err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/branding?saved=1", fiber.StatusSeeOther)
}

func (h *Console) uploadRefused(c *fiber.Ctx, t *tenant.Tenant, err error) error {
	b, hasDraft, derr := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if derr != nil {
		return derr
	}
	p := h.editorPage(c, t, b, hasDraft)
	p.Problems = []string{p.T(marquee.ErrorMessage(err))}
	return h.render(c, fiber.StatusUnprocessableEntity, "console_branding", p, p.Lang)
}
