package api

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
)

// CatalogueDesk is what the API does with an event's products, options,
// stock and order form: the console's own methods, with their rules;
// db.DB implements it.
type CatalogueDesk interface {
	Catalogue(ctx context.Context, tenantID uuid.UUID) (storefront.Catalogue, error)
	AddProduct(ctx context.Context, tenantID uuid.UUID, p storefront.Product) (storefront.Product, error)
	UpdateProduct(ctx context.Context, tenantID uuid.UUID, p storefront.Product) error
	SetProductVisible(ctx context.Context, tenantID, productID uuid.UUID, visible bool) error
	DeleteProduct(ctx context.Context, tenantID, productID uuid.UUID) error
	AddVariants(ctx context.Context, tenantID, productID uuid.UUID, variants []storefront.Variant) error
	UpdateVariant(ctx context.Context, tenantID, variantID uuid.UUID, label storefront.Text, priceMinor *int64) error
	DeleteVariant(ctx context.Context, tenantID, variantID uuid.UUID) error
	AdjustStock(ctx context.Context, tenantID, variantID uuid.UUID, delta int, reason, actor string) (int, error)
	FormFields(ctx context.Context, tenantID uuid.UUID) ([]form.Field, error)
	AddFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error
	UpdateFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error
	RemoveFormField(ctx context.Context, tenantID uuid.UUID, key string) error
	MoveFormField(ctx context.Context, tenantID uuid.UUID, key string, up bool) error
}

// Product is a product as the API shows it, with its options.
type Product struct {
	ID             string            `json:"id"`
	Name           map[string]string `json:"name"`
	Description    map[string]string `json:"description"`
	Position       int               `json:"position"`
	Visible        bool              `json:"visible"`
	CodeOnly       bool              `json:"code_only"`
	PriceMinor     int64             `json:"price_minor"`
	MaxPerOrder    *int              `json:"max_per_order"`
	MaxPerAttendee *int              `json:"max_per_attendee"`
	SalesOpenAt    *string           `json:"sales_open_at"`
	SalesCloseAt   *string           `json:"sales_close_at"`
	Options        []Option          `json:"options"`
}

// Option is one option of a product (size M) with its stock.
type Option struct {
	ID         string            `json:"id"`
	ProductID  string            `json:"product_id"`
	Label      map[string]string `json:"label"`
	Position   int               `json:"position"`
	Stock      *int              `json:"stock"` // null: unlimited
	PriceMinor *int64            `json:"price_minor"`
	CodeOnly   bool              `json:"code_only"`
	SoldOut    bool              `json:"sold_out"`
}

// ProductOf is p as the API shows it.
func ProductOf(p storefront.Product) Product {
	out := Product{ID: p.ID.String(), Name: text(p.Name), Description: text(p.Description), Position: p.Position,
		Visible: p.Visible, CodeOnly: p.CodeOnly, PriceMinor: p.PriceMinor, MaxPerOrder: limit(p.MaxPerOrder),
		MaxPerAttendee: limit(p.MaxPerAttendee), SalesOpenAt: instantOrNil(p.SalesOpenAt), SalesCloseAt: instantOrNil(p.SalesCloseAt),
		Options: []Option{}}
	for _, v := range p.Variants {
		out.Options = append(out.Options, Option{ID: v.ID.String(), ProductID: p.ID.String(), Label: text(v.Label),
			Position: v.Position, Stock: v.Stock, PriceMinor: v.PriceMinor, CodeOnly: v.CodeOnly, SoldOut: v.SoldOut()})
	}
	return out
}

func text(t storefront.Text) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return t
}

func limit(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func instantOrNil(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// ProductInput is the body of POST …/products (options required) and
// PATCH …/products/ID (only the fields sent change; options have their
// own routes).
type ProductInput struct {
	Name           *map[string]string `json:"name"`
	Description    *map[string]string `json:"description"`
	PriceMinor     *int64             `json:"price_minor"`
	MaxPerOrder    *int               `json:"max_per_order"`
	MaxPerAttendee *int               `json:"max_per_attendee"`
	SalesOpenAt    *string            `json:"sales_open_at"`
	SalesCloseAt   *string            `json:"sales_close_at"`
	Visible        *bool              `json:"visible"`
	Options        []OptionInput      `json:"options"`
}

// OptionInput is an option of POST …/products, POST …/products/ID/options
// and PATCH …/options/ID.
type OptionInput struct {
	Label      map[string]string `json:"label"`
	Stock      *int              `json:"stock"`
	PriceMinor *int64            `json:"price_minor"`
}

func (h *Handler) products(c *fiber.Ctx) error {
	req, err := pageRequest(c)
	var after string
	if err == nil {
		_, err = req.After(&after)
	}
	if err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	cat, err := h.Catalogue.Catalogue(c.UserContext(), eventOf(c).ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	all := make([]Product, len(cat.Products))
	for i, p := range cat.Products {
		all[i] = ProductOf(p)
	}
	// The catalogue is the shop's order; a cursor names the last product seen.
	start := 0
	if after != "" {
		start = slices.IndexFunc(all, func(p Product) bool { return p.ID == after }) + 1
	}
	return c.JSON(NewPage(all[start:min(len(all), start+req.Limit+1)], req.Limit, func(p Product) any { return p.ID }))
}

func (h *Handler) product(c *fiber.Ctx) error {
	p, err := h.findProduct(c, c.Params("id"))
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"product": ProductOf(p)})
}

// findProduct is the event's product id; another event's, or an id that
// is not one, is not found.
func (h *Handler) findProduct(c *fiber.Ctx, id string) (storefront.Product, error) {
	pid, err := uuid.Parse(id)
	if err != nil {
		return storefront.Product{}, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	cat, err := h.Catalogue.Catalogue(c.UserContext(), eventOf(c).ID)
	if err != nil {
		return storefront.Product{}, err
	}
	p, ok := cat.Product(pid)
	if !ok {
		return p, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return p, nil
}

func (h *Handler) createProduct(c *fiber.Ctx) error {
	var in ProductInput
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	t := eventOf(c)
	p := storefront.Product{Visible: true}
	err := in.apply(t, &p)
	if err == nil {
		p.Variants, err = optionsOf(t, in.Options)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	ctx := c.UserContext()
	cat, err := h.Catalogue.Catalogue(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	for _, other := range cat.Products {
		p.Position = max(p.Position, other.Position+1) // a new product goes last, as in the console
	}
	if p, err = h.Catalogue.AddProduct(ctx, t.ID, p); err != nil {
		return h.fail(c, err, 0)
	}
	return h.answerProduct(c, fiber.StatusCreated, p.ID.String())
}

// answerProduct answers with the product as stored.
func (h *Handler) answerProduct(c *fiber.Ctx, status int, id string) error {
	p, err := h.findProduct(c, id)
	if err != nil {
		return h.fail(c, err, 0)
	}
	if status == fiber.StatusCreated {
		c.Location("/api/v1/events/" + eventOf(c).Slug + "/products/" + id)
	}
	return c.Status(status).JSON(fiber.Map{"product": ProductOf(p)})
}

func (h *Handler) updateProduct(c *fiber.Ctx) error {
	var in ProductInput
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	if in.Options != nil {
		return h.fail(c, &marquee.Error{Code: marquee.EINVALID, Field: "options", Message: "api.unknown_field"}, fiber.StatusBadRequest)
	}
	p, err := h.findProduct(c, c.Params("id"))
	if err != nil {
		return h.fail(c, err, 0)
	}
	t, ctx := eventOf(c), c.UserContext()
	if err := in.apply(t, &p); err != nil {
		return h.fail(c, err, 0)
	}
	if err := h.Catalogue.UpdateProduct(ctx, t.ID, p); err != nil {
		return h.fail(c, err, 0)
	}
	if in.Visible != nil {
		if err := h.Catalogue.SetProductVisible(ctx, t.ID, p.ID, p.Visible); err != nil {
			return h.fail(c, err, 0)
		}
	}
	return h.answerProduct(c, fiber.StatusOK, p.ID.String())
}

func (h *Handler) deleteProduct(c *fiber.Ctx) error {
	p, err := h.findProduct(c, c.Params("id"))
	if err == nil {
		err = h.Catalogue.DeleteProduct(c.UserContext(), eventOf(c).ID, p.ID)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apply checks in's fields by the console's rules and sets them on p;
// an error names the JSON field.
func (in ProductInput) apply(t *tenant.Tenant, p *storefront.Product) error {
	if in.Name != nil {
		name, err := localText(t, "name", *in.Name)
		if err != nil {
			return err
		}
		p.Name = name
	}
	if p.Name[t.DefaultLocale] == "" {
		return marquee.Invalid("name."+t.DefaultLocale, "catalogue.name_required")
	}
	if in.Description != nil {
		d, err := localText(t, "description", *in.Description)
		if err != nil {
			return err
		}
		p.Description = d
	}
	if in.PriceMinor != nil {
		if *in.PriceMinor < 0 {
			return marquee.Invalid("price_minor", "api.price_minor")
		}
		p.PriceMinor = *in.PriceMinor
	}
	for _, f := range []struct {
		name string
		in   *int
		dst  *int
	}{{"max_per_order", in.MaxPerOrder, &p.MaxPerOrder}, {"max_per_attendee", in.MaxPerAttendee, &p.MaxPerAttendee}} {
		if f.in != nil {
			if *f.in < 0 || *f.in > 1000 {
				return marquee.Invalid(f.name, "api.limit_0_1000")
			}
			*f.dst = *f.in
		}
	}
	for _, w := range []struct {
		name string
		in   *string
		dst  **time.Time
	}{{"sales_open_at", in.SalesOpenAt, &p.SalesOpenAt}, {"sales_close_at", in.SalesCloseAt, &p.SalesCloseAt}} {
		if w.in == nil {
			continue
		}
		*w.dst = nil
		if *w.in != "" {
			at, err := time.Parse(time.RFC3339, *w.in)
			if err != nil {
				return marquee.Invalid(w.name, "api.instant_invalid")
			}
			at = at.UTC()
			*w.dst = &at
		}
	}
	if p.SalesOpenAt != nil && p.SalesCloseAt != nil && !p.SalesCloseAt.After(*p.SalesOpenAt) {
		return marquee.Invalid("sales_close_at", "catalogue.window_invalid")
	}
	if in.Visible != nil {
		p.Visible = *in.Visible
	}
	return nil
}

// localText is a text per language of the event, blank ones left out; a
// language the event does not offer is refused naming it (field.xx).
func localText(t *tenant.Tenant, field string, in map[string]string) (storefront.Text, error) {
	out := storefront.Text{}
	for lang, s := range in {
		if !slices.Contains(t.Locales, lang) {
			return nil, marquee.Invalid(field+"."+lang, "api.locale_not_offered")
		}
		if s = strings.TrimSpace(s); s != "" {
			out[lang] = s
		}
	}
	return out, nil
}

// optionsOf checks the options of a new product (at least one) or of
// POST …/options; an error names options[i].field.
func optionsOf(t *tenant.Tenant, in []OptionInput) ([]storefront.Variant, error) {
	if len(in) == 0 {
		return nil, marquee.Invalid("options", "catalogue.variants_required")
	}
	out := make([]storefront.Variant, 0, len(in))
	for i, o := range in {
		field := "options[" + strconv.Itoa(i) + "]."
		label, err := optionLabel(t, field, o.Label)
		if err != nil {
			return nil, err
		}
		if o.Stock != nil && *o.Stock < 0 {
			return nil, marquee.Invalid(field+"stock", "api.stock_invalid")
		}
		if o.PriceMinor != nil && *o.PriceMinor < 0 {
			return nil, marquee.Invalid(field+"price_minor", "api.price_minor")
		}
		out = append(out, storefront.Variant{Label: label, Stock: o.Stock, PriceMinor: o.PriceMinor, Position: i})
	}
	return out, nil
}

// optionLabel is an option's label, required in the default language.
func optionLabel(t *tenant.Tenant, field string, in map[string]string) (storefront.Text, error) {
	label, err := localText(t, field+"label", in)
	if err == nil && label[t.DefaultLocale] == "" {
		err = marquee.Invalid(field+"label."+t.DefaultLocale, "catalogue.variant_label_required")
	}
	return label, err
}
