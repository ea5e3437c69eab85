package console

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/tenant"
)

// productImageWidth is the rendition a product's picture shows: the
// product page draws it at 320 CSS pixels, so 640 serves sharp screens.
const productImageWidth = 640

// updateVariant renames an option in each language and sets its own
// price; an empty price falls back to the product's.
func (h *Console) updateVariant(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	return h.editPriced(c, t, "variant", func(id uuid.UUID, currency string) error {
		label, price, err := variantFromForm(t, form, currency)
		if err != nil {
			return err
		}
		return h.Products.UpdateVariant(c.UserContext(), t.ID, id, label, price)
	})
}

// variantFromForm reads an option's edit form: a label per language (the
// default language's required) and its own price, nil when left empty.
func variantFromForm(t *tenant.Tenant, form url.Values, currency string) (storefront.Text, *int64, error) {
	label := storefront.Text{}
	for _, l := range t.Locales {
		if s := strings.TrimSpace(form.Get("label." + l)); s != "" {
			label[l] = s
		}
	}
	if label[t.DefaultLocale] == "" {
		return nil, nil, marquee.Invalid("label."+t.DefaultLocale, "catalogue.variant_label_required")
	}
	p := strings.TrimSpace(form.Get("price"))
	if p == "" {
		return label, nil, nil
	}
	minor, err := storefront.ParsePrice("price", p, currency)
	if err != nil {
		return nil, nil, err
	}
	return label, &minor, nil
}

// deleteVariant removes an option nobody ordered; an ordered one, or a
// product's last, re-renders the catalogue with the reason (409).
func (h *Console) deleteVariant(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	id, err := idParam(c, "variant")
	if err != nil {
		return "", err
	}
	return h.catalogueOutcome(c, t, h.Products.DeleteVariant(c.UserContext(), t.ID, id), fiber.StatusConflict)
}

// productImage sets a product's picture: an uploaded file (checked and
// cleaned by the media pipeline before anything is stored), an image the
// event already uses (its library: other products' pictures and its
// branding images), or none.
func (h *Console) productImage(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	if err := checkToken(urlValues(c.FormValue("csrf")), h.sessionToken(current(c))); err != nil {
		return err
	}
	id, err := productParam(c)
	if err != nil {
		return err
	}
	var key string
	switch {
	case c.FormValue("library") != "":
		library, lerr := h.mediaLibrary(c, t)
		if lerr != nil {
			return lerr
		}
		key = c.FormValue("library")
		if !slices.Contains(library, key) {
			err = marquee.Invalid("library", "catalogue.image_unknown")
		}
	default:
		key, err = h.storeUpload(c, t, productImageWidth)
	}
	if err == nil {
		err = h.Products.SetProductImage(c.UserContext(), t.ID, id, key)
	}
	next, err := h.catalogueOutcome(c, t, err, fiber.StatusConflict)
	return seeOther(c, next, err)
}

// removeProductImage takes a product's picture off (asked first:
// askRemoveProductImage); the shop shows its placeholder again.
func (h *Console) removeProductImage(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	id, err := productParam(c)
	if err != nil {
		return "", err
	}
	return h.catalogueOutcome(c, t, h.Products.SetProductImage(c.UserContext(), t.ID, id, ""), fiber.StatusConflict)
}

// mediaLibrary is every image the event already uses, so a picture can be
// reused without uploading it again. Keys are listed from the event's own
// rows, so a key of another event can never be picked.
func (h *Console) mediaLibrary(c *fiber.Ctx, t *tenant.Tenant) ([]string, error) {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, p := range cat.Products {
		keys = append(keys, p.ImageKey)
	}
	if h.Brandings != nil {
		if b, _, err := h.Brandings.BrandingDraft(c.UserContext(), t.ID); err == nil {
			keys = append(keys, b.LogoKey, b.HeroKey, b.SocialImageKey)
		} else {
			return nil, err
		}
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return k == "" })
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// mediaSrc is where the console's browser fetches a stored image; "" when
// the store cannot say.
func (h *Console) mediaSrc(c *fiber.Ctx, key string) string {
	if key == "" || h.Media == nil {
		return ""
	}
	u, err := h.Media.URL(c.UserContext(), key)
	if err != nil {
		return ""
	}
	return u
}
