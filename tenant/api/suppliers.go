package api

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/suppliers"
)

// Supplier is a supplier as the API shows it: who gets which products and
// options, per order or in one list (at send_at, else when the event
// closes).
type Supplier struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Emails     []string `json:"emails"`
	Mode       string   `json:"mode"`
	SendAt     string   `json:"send_at,omitempty"`
	ProductIDs []string `json:"product_ids"`
	VariantIDs []string `json:"variant_ids"`
}

// SupplierOf is supplier s as the API shows it.
func SupplierOf(s suppliers.Supplier) Supplier {
	return Supplier{ID: s.ID.String(), Name: s.Name, Emails: append([]string{}, s.Emails...), Mode: string(s.Mode),
		SendAt: instant(s.SendAt), ProductIDs: idStrings(s.ProductIDs), VariantIDs: idStrings(s.VariantIDs)}
}

// SupplierRequest is the body of POST and PUT of a supplier (PUT replaces
// it whole).
type SupplierRequest struct {
	Name       string   `json:"name"`
	Emails     []string `json:"emails"`
	Mode       string   `json:"mode"`
	SendAt     string   `json:"send_at"`
	ProductIDs []string `json:"product_ids"`
	VariantIDs []string `json:"variant_ids"`
}

func idStrings(ids []uuid.UUID) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, id.String())
	}
	return out
}

// itemsOf reads products and options of the event's catalogue; an id that
// is not one (another event's included) is refused on field. An option of
// a product named whole is covered already.
func itemsOf(cat storefront.Catalogue, field string, products, variants []string) ([]uuid.UUID, []uuid.UUID, error) {
	var ps, vs []uuid.UUID
	for _, s := range products {
		id, err := uuid.Parse(s)
		if _, ok := cat.Product(id); err != nil || !ok {
			return nil, nil, marquee.Invalid(field, "api.item_unknown")
		}
		if !slices.Contains(ps, id) {
			ps = append(ps, id)
		}
	}
	for _, s := range variants {
		id, err := uuid.Parse(s)
		p := productOf(cat, id)
		if err != nil || p == uuid.Nil {
			return nil, nil, marquee.Invalid(field, "api.item_unknown")
		}
		if !slices.Contains(ps, p) && !slices.Contains(vs, id) {
			vs = append(vs, id)
		}
	}
	return ps, vs, nil
}

// productOf is the product of option id, uuid.Nil when none has it.
func productOf(cat storefront.Catalogue, id uuid.UUID) uuid.UUID {
	for _, p := range cat.Products {
		for _, v := range p.Variants {
			if v.ID == id {
				return p.ID
			}
		}
	}
	return uuid.Nil
}

// supplierFrom reads a supplier request against the event's catalogue.
func supplierFrom(req SupplierRequest, cat storefront.Catalogue) (suppliers.Supplier, error) {
	s := suppliers.Supplier{Name: req.Name, Emails: req.Emails, Mode: suppliers.Mode(req.Mode)}
	if err := s.Validate(); err != nil && marquee.ErrorField(err) != suppliers.FieldItems {
		return s, err
	}
	if req.SendAt != "" {
		at, err := time.Parse(time.RFC3339, req.SendAt)
		if err != nil {
			return s, marquee.Invalid("send_at", "api.instant_invalid")
		}
		s.SendAt = &at
	}
	var err error
	if s.ProductIDs, s.VariantIDs, err = itemsOf(cat, suppliers.FieldItems, req.ProductIDs, req.VariantIDs); err != nil {
		return s, err
	}
	return s, s.Validate()
}

// fieldNamesOf renames the errors of items to what the API takes.
func onItems(err error) error {
	if marquee.ErrorField(err) == suppliers.FieldItems {
		e := *err.(*marquee.Error)
		e.Field = "product_ids"
		return &e
	}
	return err
}

func (h *Handler) listSuppliers(c *fiber.Ctx) error {
	t := eventOf(c)
	list, err := h.Desk.Suppliers(c.UserContext(), t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	out := Page[Supplier]{Data: []Supplier{}}
	for _, s := range list {
		out.Data = append(out.Data, SupplierOf(s))
	}
	return c.JSON(out)
}

// supplier is the route's supplier of the route's event.
func (h *Handler) supplier(c *fiber.Ctx) (suppliers.Supplier, error) {
	t := eventOf(c)
	id, err := idParam(c, "id")
	if err != nil {
		return suppliers.Supplier{}, err
	}
	list, err := h.Desk.Suppliers(c.UserContext(), t.ID)
	if err != nil {
		return suppliers.Supplier{}, err
	}
	for _, s := range list {
		if s.ID == id {
			return s, nil
		}
	}
	return suppliers.Supplier{}, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

func (h *Handler) showSupplier(c *fiber.Ctx) error {
	s, err := h.supplier(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"supplier": SupplierOf(s)})
}

func (h *Handler) createSupplier(c *fiber.Ctx) error {
	return h.saveSupplier(c, uuid.Nil)
}

func (h *Handler) updateSupplier(c *fiber.Ctx) error {
	s, err := h.supplier(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return h.saveSupplier(c, s.ID)
}

// saveSupplier creates (id nil) or replaces a supplier from the body.
func (h *Handler) saveSupplier(c *fiber.Ctx, id uuid.UUID) error {
	var req SupplierRequest
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	t := eventOf(c)
	ctx := c.UserContext()
	cat, err := h.Desk.Catalogue(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	s, err := supplierFrom(req, cat)
	if err != nil {
		return h.fail(c, onItems(err), 0)
	}
	s.ID = id
	if s.ID, err = h.Desk.SaveSupplier(ctx, t.ID, s); err != nil {
		return h.fail(c, onItems(err), 0)
	}
	if id != uuid.Nil {
		return c.JSON(fiber.Map{"supplier": SupplierOf(s)})
	}
	return created(c, "/api/v1/events/"+t.Slug+"/suppliers/"+s.ID.String(), fiber.Map{"supplier": SupplierOf(s)})
}

func (h *Handler) deleteSupplier(c *fiber.Ctx) error {
	t := eventOf(c)
	id, err := idParam(c, "id")
	if err != nil {
		return h.fail(c, err, 0)
	}
	if err := h.Desk.DeleteSupplier(c.UserContext(), t.ID, id); err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
