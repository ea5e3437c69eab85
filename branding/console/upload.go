package console

import (
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/branding"
	"marquee/branding/media"
	"marquee/tenant"
	"marquee/themes"
)

// imageSlots are the images of a branding and the rendition width each
// page shows (the widest rendition not above it).
var imageSlots = map[string]int{"logo": 320, "hero": 1280, "favicon": 320, "social": 1280}

// imageSlotOrder is the order the editor shows the images in, with each
// one's name and what it is for.
var imageSlotOrder = []struct{ slot, label, help string }{
	{"logo", "console.branding.logo", "console.branding.logo_help"},
	{"hero", "console.branding.hero", "console.branding.hero_help"},
	{"favicon", "console.branding.favicon", "console.branding.favicon_help"},
	{"social", "console.branding.social_image", "console.branding.social_image_help"},
}

// ImageSlot is one image of the branding in the editor: a thumbnail of
// the draft's image (Src, "" for none) with the forms that replace and
// remove it.
type ImageSlot struct {
	Slot, Label, Help, Src string
	Invalid                bool // the upload a refusal is about
}

// imageSlots are the draft's images for the editor.
func (h *Console) imageSlots(c *fiber.Ctx, b branding.Branding, refused string) []ImageSlot {
	base := h.page(c)
	var out []ImageSlot
	for _, s := range imageSlotOrder {
		out = append(out, ImageSlot{Slot: s.slot, Label: base.T(s.label), Help: base.T(s.help), Src: h.mediaSrc(c, imageKey(b, s.slot)),
			Invalid: refused == s.slot})
	}
	return out
}

// imageKey is the media key of the branding's image in slot.
func imageKey(b branding.Branding, slot string) string {
	return *imageKeyOf(&b, slot)
}

// imageKeyOf points at the key of slot in b; slot is one of imageSlots.
func imageKeyOf(b *branding.Branding, slot string) *string {
	switch slot {
	case "logo":
		return &b.LogoKey
	case "hero":
		return &b.HeroKey
	case "favicon":
		return &b.FaviconKey
	}
	return &b.SocialImageKey
}

// slotParam is the route's image slot; anything else is not found.
func slotParam(c *fiber.Ctx) (string, error) {
	if _, ok := imageSlots[c.Params("slot")]; !ok {
		return "", errPageNotFound
	}
	return c.Params("slot"), nil
}

// removeImage takes an image out of the draft; the file stays stored
// (published versions may still show it).
func (h *Console) removeImage(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	slot, err := slotParam(c)
	if err != nil {
		return "", err
	}
	b, _, err := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	if key := imageKeyOf(&b, slot); *key != "" {
		*key = ""
		if _, err := h.Brandings.SaveBrandingDraft(c.UserContext(), t.ID, b); err != nil {
			return "", err
		}
	}
	return flashed("/events/"+t.Slug+"/branding#image-"+slot, "draft"), nil
}

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
		return h.uploadRefused(c, t, slot, err)
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
	*imageKeyOf(&b, slot) = key
	if _, err := h.Brandings.SaveBrandingDraft(c.UserContext(), t.ID, b); err != nil {
		return err
	}
	return c.Redirect(flashed("/events/"+t.Slug+"/branding#image-"+slot, "draft"), fiber.StatusSeeOther)
}

// uploadRefused shows the editor again (422) with why the file of slot
// was refused, next to that image's file input.
func (h *Console) uploadRefused(c *fiber.Ctx, t *tenant.Tenant, slot string, err error) error {
	b, hasDraft, derr := h.Brandings.BrandingDraft(c.UserContext(), t.ID)
	if derr != nil {
		return derr
	}
	p := h.editorPage(c, t, b, hasDraft)
	p.Problems, p.ProblemField = []string{p.T("console.problem", "Field", p.T(slotLabel(slot)), "Message", p.T(marquee.ErrorMessage(err)))}, "file-"+slot
	p.Images = h.imageSlots(c, b, slot)
	return h.render(c, fiber.StatusUnprocessableEntity, "console_branding", p, p.Lang)
}

// slotLabel is the message id of an image slot's name.
func slotLabel(slot string) string {
	for _, s := range imageSlotOrder {
		if s.slot == slot {
			return s.label
		}
	}
	return "console.branding.images"
}

// askRemoveImage is the question before an image leaves the draft.
func (h *Console) askRemoveImage(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	slot, err := slotParam(c)
	if err != nil {
		return confirmation{}, err
	}
	name := p.T(slotLabel(slot))
	return confirmation{heading: p.T("console.confirm.image_heading", "Image", name),
		effects: []string{p.T("console.confirm.image_effect")}, button: p.T("console.branding.remove"), danger: true,
		cancel: "/events/" + t.Slug + "/branding#image-" + slot}, nil
}
