package console

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/themes"
)

// CatalogueDesk is what marketing staff do with an event's products;
// db.DB implements it.
type CatalogueDesk interface {
	Catalogue(ctx context.Context, tenantID uuid.UUID) (storefront.Catalogue, error)
	Settings(ctx context.Context, tenantID uuid.UUID) (storefront.Settings, error)
	SaveSettings(ctx context.Context, tenantID uuid.UUID, s storefront.Settings) error
	AddProduct(ctx context.Context, tenantID uuid.UUID, p storefront.Product) (storefront.Product, error)
	SetProductVisible(ctx context.Context, tenantID, productID uuid.UUID, visible bool) error
	AdjustStock(ctx context.Context, tenantID, variantID uuid.UUID, delta int, reason, actor string) (int, error)
	DeleteProduct(ctx context.Context, tenantID, productID uuid.UUID) error
	MoveProduct(ctx context.Context, tenantID, productID uuid.UUID, up bool) error
	UpdateProduct(ctx context.Context, tenantID uuid.UUID, p storefront.Product) error
	AddVariants(ctx context.Context, tenantID, productID uuid.UUID, variants []storefront.Variant) error
	UpdateVariant(ctx context.Context, tenantID, variantID uuid.UUID, label storefront.Text, priceMinor *int64) error
	DeleteVariant(ctx context.Context, tenantID, variantID uuid.UUID) error
	SetProductImage(ctx context.Context, tenantID, productID uuid.UUID, key string) error
	FormFields(ctx context.Context, tenantID uuid.UUID) ([]form.Field, error)
	AddFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error
}

// duplicate copies the products (with their options and stock) and the
// order-form fields of another event the member may edit into this one:
// the fastest way to set up the next event. Fields whose key this event
// already has are left out.
func (h *Console) duplicate(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	source, err := h.sourceEvent(c, form.Get("from"))
	if err != nil || source.ID == t.ID {
		return "", h.renderCatalogue(c, t, fiber.StatusUnprocessableEntity, h.page(c).T("catalogue.duplicate_source"), url.Values{})
	}
	ctx := c.UserContext()
	cat, err := h.Products.Catalogue(ctx, source.ID)
	if err != nil {
		return "", err
	}
	for _, p := range cat.Products {
		// Texts in languages this event does not offer must not show here.
		p = p.ForLocales(t.Locales, t.DefaultLocale, source.DefaultLocale)
		for i := range p.Variants {
			p.Variants[i].ID = uuid.Nil
		}
		if _, err := h.Products.AddProduct(ctx, t.ID, p); err != nil {
			return "", err
		}
	}
	if err := h.copyFields(ctx, source, t); err != nil {
		return "", err
	}
	return catalogueLink(t), nil
}

// sourceEvent is the event named slug, if the member may edit it too.
func (h *Console) sourceEvent(c *fiber.Ctx, slug string) (*tenant.Tenant, error) {
	return h.eventNamed(c, slug, editorRoles)
}

func (h *Console) copyFields(ctx context.Context, source, t *tenant.Tenant) error {
	fields, err := h.Products.FormFields(ctx, source.ID)
	if err != nil {
		return err
	}
	have, err := h.Products.FormFields(ctx, t.ID)
	if err != nil {
		return err
	}
	taken := map[string]bool{}
	for _, f := range have {
		taken[f.Key] = true
	}
	for _, f := range fields {
		if taken[f.Key] {
			continue
		}
		if err := h.Products.AddFormField(ctx, t.ID, f.ForLocales(t.Locales, t.DefaultLocale, source.DefaultLocale)); err != nil {
			return err
		}
	}
	return nil
}

// updateProduct saves a product's names, price and limits; its options
// and stock have their own forms.
func (h *Console) updateProduct(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	return h.editPriced(c, t, "product", func(id uuid.UUID, currency string) error {
		prod, err := productDetailsFromForm(t, form, currency)
		if err != nil {
			return err
		}
		prod.ID = id
		return h.Products.UpdateProduct(c.UserContext(), t.ID, prod)
	})
}

// editPriced is the shape of the forms that edit one product or option:
// the route's id named param, the form read and saved by save in the
// event's currency (prices are typed in it), then the catalogue again
// (catalogueOutcome).
func (h *Console) editPriced(c *fiber.Ctx, t *tenant.Tenant, param string, save func(id uuid.UUID, currency string) error) (string, error) {
	id, err := idParam(c, param)
	if err != nil {
		return "", err
	}
	settings, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	return h.catalogueOutcome(c, t, save(id, settings.Currency), fiber.StatusConflict)
}

// addVariants adds options (one per line, "L = 10") to a product.
func (h *Console) addVariants(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	id, err := productParam(c)
	if err != nil {
		return "", err
	}
	variants, err := variantsFromLines(form.Get("variants"), t.DefaultLocale)
	if err == nil {
		err = h.Products.AddVariants(c.UserContext(), t.ID, id, variants)
	}
	return h.catalogueOutcome(c, t, err, fiber.StatusConflict)
}

// catalogueOutcome answers a catalogue form: back to the catalogue with a
// notice on success; the catalogue again with the message on a refusal
// (422 for a bad form, conflictStatus for a conflict); any other error as
// an error page.
func (h *Console) catalogueOutcome(c *fiber.Ctx, t *tenant.Tenant, err error, conflictStatus int) (string, error) {
	status := 0
	switch marquee.ErrorCode(err) {
	case "":
		return catalogueLink(t), nil
	case marquee.EINVALID:
		status = fiber.StatusUnprocessableEntity
	case marquee.ECONFLICT:
		status = conflictStatus
	default:
		return "", err
	}
	return "", h.renderCatalogue(c, t, status, h.page(c).T(marquee.ErrorMessage(err)), url.Values{})
}

// catalogueLink is the event's catalogue after a change.
func catalogueLink(t *tenant.Tenant) string {
	return flashed("/events/"+t.Slug+"/catalogue", "catalogue")
}

// productParam is the route's product id; a malformed one is not found.
func productParam(c *fiber.Ctx) (uuid.UUID, error) { return idParam(c, "product") }

// idParam is the route's id named name; a malformed one is not found.
func idParam(c *fiber.Ctx, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Params(name))
	if err != nil {
		return uuid.Nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return id, nil
}

// deleteProduct removes a product that was never ordered; an ordered one
// re-renders the catalogue saying to hide it instead.
func (h *Console) deleteProduct(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	id, err := productParam(c)
	if err != nil {
		return "", err
	}
	return h.catalogueOutcome(c, t, h.Products.DeleteProduct(c.UserContext(), t.ID, id), fiber.StatusConflict)
}

// moveProduct moves a product one place up or down in the shop's order.
func (h *Console) moveProduct(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	id, err := productParam(c)
	if err != nil {
		return "", err
	}
	if err := h.Products.MoveProduct(c.UserContext(), t.ID, id, form.Get("direction") == "up"); err != nil {
		return "", err
	}
	return catalogueLink(t), nil
}

// CataloguePage lists an event's products with their stock and the forms
// that change them.
type CataloguePage struct {
	themes.Page
	CSRF, Event, Slug, Problem string
	Products                   []ProductRow
	Locales                    []CopyFields
	Form                       map[string]string // the new-product form's values, kept on errors
	Library                    []LibraryImage    // the event's images, to reuse as a product's picture
}

// LibraryImage is one image the event already uses.
type LibraryImage struct{ Key, Src string }

// ProductRow is one product in the editor, with its edit form's values.
type ProductRow struct {
	ID, Name, Price                   string
	Visible                           bool
	Variants                          []VariantRow
	Names                             []CopyFields // Title holds the name, Description the description, in each language
	PriceInput, MaxOrder, MaxAttendee string
	SalesOpen, SalesClose             string // datetime-local values, UTC
	ImageSrc                          string // "" when the product has no picture
	SoldOut                           int    // options with no stock left
	CodeOnly                          bool   // shown only to attendees with a code that unlocks it
}

// VariantRow is one variant with its stock form and its edit form's
// values: a label per language (in Title) and its own price, if any.
type VariantRow struct {
	ID, Label, Stock, Price, PriceInput string
	Limited, SoldOut, Low               bool
	Labels                              []CopyFields
	CodeOnly                            bool
	// Waitlist is the page of a limited option's waiting list ("": its
	// stock is unlimited), Waiting the people waiting on it.
	Waitlist string
	Waiting  int
}

func (h *Console) catalogue(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	return h.renderCatalogue(c, t, fiber.StatusOK, "", url.Values{})
}

func (h *Console) renderCatalogue(c *fiber.Ctx, t *tenant.Tenant, status int, problem string, form url.Values) error {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	settings, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	demand, err := h.Waitlists.WaitlistDemand(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	waiting := map[uuid.UUID]int{}
	for _, d := range demand {
		waiting[d.VariantID] = d.People
	}
	base := h.page(c)
	def := t.DefaultLocale
	p := CataloguePage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Problem: problem, Form: map[string]string{}}
	for k := range form {
		p.Form[k] = form.Get(k)
	}
	for _, l := range t.Locales {
		p.Locales = append(p.Locales, CopyFields{Locale: l, Language: base.LanguageName(l)})
	}
	for _, prod := range cat.Products {
		row := ProductRow{ID: prod.ID.String(), Name: prod.Name.In(base.Lang, def), Visible: prod.Visible,
			Price:      storefront.FormatMoney(prod.PriceMinor, settings.Currency, base.Lang),
			PriceInput: storefront.PriceInput(prod.PriceMinor, settings.Currency), CodeOnly: prod.CodeOnly}
		for _, l := range t.Locales {
			row.Names = append(row.Names, CopyFields{Locale: l, Language: base.LanguageName(l), Title: prod.Name[l], Description: prod.Description[l]})
		}
		if prod.MaxPerOrder > 0 {
			row.MaxOrder = strconv.Itoa(prod.MaxPerOrder)
		}
		if prod.SalesOpenAt != nil {
			row.SalesOpen = prod.SalesOpenAt.UTC().Format("2006-01-02T15:04")
		}
		if prod.SalesCloseAt != nil {
			row.SalesClose = prod.SalesCloseAt.UTC().Format("2006-01-02T15:04")
		}
		if prod.MaxPerAttendee > 0 {
			row.MaxAttendee = strconv.Itoa(prod.MaxPerAttendee)
		}
		row.ImageSrc = h.mediaSrc(c, prod.ImageKey)
		for _, v := range prod.Variants {
			vr := VariantRow{ID: v.ID.String(), Label: v.Label.In(base.Lang, def), Stock: "∞",
				Price: storefront.FormatMoney(prod.Price(v), settings.Currency, base.Lang), CodeOnly: v.CodeOnly}
			if v.PriceMinor != nil {
				vr.PriceInput = storefront.PriceInput(*v.PriceMinor, settings.Currency)
			}
			for _, l := range t.Locales {
				vr.Labels = append(vr.Labels, CopyFields{Locale: l, Language: base.LanguageName(l), Title: v.Label[l]})
			}
			if v.Stock != nil {
				vr.Stock, vr.Limited = strconv.Itoa(*v.Stock), true
				vr.SoldOut, vr.Low = *v.Stock <= 0, *v.Stock > 0 && *v.Stock <= lowStock
				vr.Waitlist, vr.Waiting = waitlistLink(t, v.ID), waiting[v.ID]
			}
			if vr.SoldOut {
				row.SoldOut++
			}
			row.Variants = append(row.Variants, vr)
		}
		p.Products = append(p.Products, row)
	}
	library, err := h.mediaLibrary(c, t)
	if err != nil {
		return err
	}
	for _, k := range library {
		p.Library = append(p.Library, LibraryImage{Key: k, Src: h.mediaSrc(c, k)})
	}
	return h.render(c, status, "console_catalogue", p, base.Lang)
}

// addProduct creates a product from the form: a name per language, a
// price, limits, and one variant per line ("M" or "M = 20" for 20 in
// stock).
func (h *Console) addProduct(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	settings, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	prod, err := productFromForm(t, form, settings.Currency)
	if err == nil {
		// A new product goes last in the shop's order.
		cat, cerr := h.Products.Catalogue(c.UserContext(), t.ID)
		if cerr != nil {
			return "", cerr
		}
		for _, p := range cat.Products {
			prod.Position = max(prod.Position, p.Position+1)
		}
		_, err = h.Products.AddProduct(c.UserContext(), t.ID, prod)
	}
	if code := marquee.ErrorCode(err); code == marquee.EINVALID {
		return "", h.renderCatalogue(c, t, fiber.StatusUnprocessableEntity, h.page(c).T(marquee.ErrorMessage(err)), form)
	}
	if err != nil {
		return "", err
	}
	return catalogueLink(t), nil
}

func productFromForm(t *tenant.Tenant, form url.Values, currencyCode string) (storefront.Product, error) {
	p, err := productDetailsFromForm(t, form, currencyCode)
	if err != nil {
		return p, err
	}
	p.Variants, err = variantsFromLines(form.Get("variants"), t.DefaultLocale)
	return p, err
}

// productDetailsFromForm reads what the new-product and edit forms share:
// names, price and limits.
func productDetailsFromForm(t *tenant.Tenant, form url.Values, currencyCode string) (storefront.Product, error) {
	p := storefront.Product{Name: storefront.Text{}, Visible: form.Get("visible") != ""}
	p.Description = storefront.Text{}
	for _, l := range t.Locales {
		if name := strings.TrimSpace(form.Get("name." + l)); name != "" {
			p.Name[l] = name
		}
		if d := strings.TrimSpace(form.Get("description." + l)); d != "" {
			p.Description[l] = d
		}
	}
	for _, w := range []struct {
		name string
		dst  **time.Time
	}{{"sales_open", &p.SalesOpenAt}, {"sales_close", &p.SalesCloseAt}} {
		if v := strings.TrimSpace(form.Get(w.name)); v != "" {
			at, err := time.Parse("2006-01-02T15:04", v)
			if err != nil {
				return p, marquee.Invalid(w.name, "catalogue.window_invalid")
			}
			*w.dst = &at // UTC, as the editor says
		}
	}
	if p.SalesOpenAt != nil && p.SalesCloseAt != nil && !p.SalesCloseAt.After(*p.SalesOpenAt) {
		return p, marquee.Invalid("sales_close", "catalogue.window_invalid")
	}
	if p.Name[t.DefaultLocale] == "" {
		return p, marquee.Invalid("name."+t.DefaultLocale, "catalogue.name_required")
	}
	var err error
	if p.PriceMinor, err = storefront.ParsePrice("price", form.Get("price"), currencyCode); err != nil {
		return p, err
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"max_per_order", &p.MaxPerOrder}, {"max_per_attendee", &p.MaxPerAttendee}} {
		if v := strings.TrimSpace(form.Get(f.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return p, marquee.Invalid(f.name, "catalogue.limit_invalid")
			}
			*f.dst = n
		}
	}
	return p, nil
}

// variantsFromLines reads one variant per line: a label, optionally
// "= stock".
func variantsFromLines(text, locale string) ([]storefront.Variant, error) {
	var out []storefront.Variant
	for i, line := range strings.Split(text, "\n") {
		label, stockText, hasStock := strings.Cut(line, "=")
		label = strings.TrimSpace(label)
		if label == "" {
			continue
		}
		v := storefront.Variant{Label: storefront.Text{locale: label}, Position: i}
		if hasStock {
			n, err := strconv.Atoi(strings.TrimSpace(stockText))
			if err != nil || n < 0 {
				return nil, marquee.Invalid("variants", "catalogue.variant_line_invalid")
			}
			v.Stock = &n
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, marquee.Invalid("variants", "catalogue.variants_required")
	}
	return out, nil
}

func (h *Console) setVisibility(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	id, err := productParam(c)
	if err != nil {
		return "", err
	}
	if err := h.Products.SetProductVisible(c.UserContext(), t.ID, id, form.Get("visible") == "true"); err != nil {
		return "", err
	}
	return catalogueLink(t), nil
}

func (h *Console) adjustStock(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	id, err := idParam(c, "variant")
	if err != nil {
		return "", err
	}
	delta, err := strconv.Atoi(strings.TrimSpace(form.Get("delta")))
	if err != nil {
		return "", h.renderCatalogue(c, t, fiber.StatusUnprocessableEntity, h.page(c).T("catalogue.delta_zero"), url.Values{})
	}
	_, err = h.Products.AdjustStock(c.UserContext(), t.ID, id, delta, form.Get("reason"), "staff:"+current(c).staff.ID.String())
	// Stock that cannot go that low is a mistake in the form, like a bad number.
	return h.catalogueOutcome(c, t, err, fiber.StatusUnprocessableEntity)
}
