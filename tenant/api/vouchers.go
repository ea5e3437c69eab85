package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
)

// Voucher is a code as the API shows it.
type Voucher struct {
	ID          string   `json:"id"`
	Code        string   `json:"code"`
	Kind        string   `json:"kind"`
	AmountMinor int64    `json:"amount_minor"`
	Percent     int      `json:"percent"`
	MaxUses     *int     `json:"max_uses"`
	Uses        int      `json:"uses"`
	ValidFrom   *string  `json:"valid_from"`
	ValidUntil  *string  `json:"valid_until"`
	Disabled    bool     `json:"disabled"`
	Note        string   `json:"note"`
	ProductIDs  []string `json:"product_ids"`
	VariantIDs  []string `json:"variant_ids"`
	CreatedAt   string   `json:"created_at"`
}

// VoucherOf is code v as the API shows it.
func VoucherOf(v storefront.Voucher) Voucher {
	return Voucher{ID: v.ID.String(), Code: v.Code, Kind: string(v.Kind), AmountMinor: v.AmountMinor, Percent: v.Percent,
		MaxUses: v.MaxUses, Uses: v.Uses, ValidFrom: instantOrNil(v.ValidFrom), ValidUntil: instantOrNil(v.ValidUntil),
		Disabled: v.Disabled, Note: v.Note, ProductIDs: idStrings(v.ProductIDs), VariantIDs: idStrings(v.VariantIDs),
		CreatedAt: v.CreatedAt.UTC().Format(time.RFC3339)}
}

// VoucherRequest is the body of POST /vouchers (code empty: a random
// one) and, with prefix and count, of POST /vouchers/bulk.
type VoucherRequest struct {
	Code        string   `json:"code"`
	Kind        string   `json:"kind"`
	AmountMinor int64    `json:"amount_minor"`
	Percent     int      `json:"percent"`
	MaxUses     *int     `json:"max_uses"`
	ValidFrom   string   `json:"valid_from"`
	ValidUntil  string   `json:"valid_until"`
	Note        string   `json:"note"`
	ProductIDs  []string `json:"product_ids"`
	VariantIDs  []string `json:"variant_ids"`
}

// voucherFrom reads a request as a code of the event (not yet validated).
func voucherFrom(req VoucherRequest, cat storefront.Catalogue) (storefront.Voucher, error) {
	v := storefront.Voucher{Code: storefront.NormalizeCode(req.Code), Kind: storefront.VoucherKind(req.Kind),
		AmountMinor: req.AmountMinor, Percent: req.Percent, MaxUses: req.MaxUses, Note: strings.TrimSpace(req.Note)}
	if v.Kind == "" {
		v.Kind = storefront.VoucherUnlock
	}
	var err error
	if v.ValidFrom, err = optionalInstant("valid_from", req.ValidFrom); err != nil {
		return v, err
	}
	if v.ValidUntil, err = optionalInstant("valid_until", req.ValidUntil); err != nil {
		return v, err
	}
	v.ProductIDs, v.VariantIDs, err = itemsOf(cat, "product_ids", req.ProductIDs, req.VariantIDs)
	return v, err
}

// optionalInstant reads an RFC 3339 time; "" is none.
func optionalInstant(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, marquee.Invalid(field, "api.instant_invalid")
	}
	return &t, nil
}

// voucherErr names the API's fields in a code's refusal: amounts are
// minor units, items are product_ids.
func voucherErr(err error) error {
	e, ok := err.(*marquee.Error)
	if !ok {
		return err
	}
	rename := map[string]string{"amount": "amount_minor", "items": "product_ids"}
	if to, ok := rename[e.Field]; ok {
		c := *e
		c.Field = to
		return &c
	}
	return err
}

func (h *Handler) listVouchers(c *fiber.Ctx) error {
	t := eventOf(c)
	req, offset, err := offsetPage(c)
	if err != nil {
		return h.refuse(c, err)
	}
	q := strings.TrimSpace(c.Query("q"))
	if len([]rune(q)) > 100 {
		return h.refuse(c, marquee.Invalid("q", "api.query_too_long"))
	}
	list, _, err := h.Desk.Vouchers(c.UserContext(), t.ID, q, req.Limit+1, offset)
	if err != nil {
		return h.fail(c, err, 0)
	}
	page := NewPage(list, req.Limit, func(storefront.Voucher) any { return offset + req.Limit })
	return c.JSON(mapPage(page, VoucherOf))
}

// voucher is the route's code of the route's event.
func (h *Handler) voucher(c *fiber.Ctx) (uuid.UUID, *storefront.Voucher, error) {
	t := eventOf(c)
	id, err := idParam(c, "id")
	if err != nil {
		return uuid.Nil, nil, err
	}
	v, err := h.Desk.Voucher(c.UserContext(), t.ID, id)
	return t.ID, v, err
}

func (h *Handler) showVoucher(c *fiber.Ctx) error {
	_, v, err := h.voucher(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"voucher": VoucherOf(*v)})
}

// createVoucher makes one code (a random one when code is empty).
func (h *Handler) createVoucher(c *fiber.Ctx) error {
	var req VoucherRequest
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	t := eventOf(c)
	ctx := c.UserContext()
	cat, err := h.Desk.Catalogue(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	v, err := voucherFrom(req, cat)
	if err == nil {
		if v.Code == "" {
			v.Code = storefront.GenerateCode("", 8)
		}
		err = v.Validate()
	}
	if err != nil {
		return h.fail(c, voucherErr(err), 0)
	}
	made, err := h.Desk.CreateVoucher(ctx, t.ID, v)
	if err != nil {
		return h.fail(c, voucherErr(err), 0)
	}
	return created(c, "/api/v1/events/"+t.Slug+"/vouchers/"+made.ID.String(), fiber.Map{"voucher": VoucherOf(*made)})
}

// maxBulkCodes is the most codes one request makes (the console's limit).
const maxBulkCodes = 1000

// createVouchers makes count codes alike, each prefix and random
// characters, and answers their codes.
func (h *Handler) createVouchers(c *fiber.Ctx) error {
	var req struct {
		VoucherRequest
		Prefix string `json:"prefix"`
		Count  int    `json:"count"`
	}
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	if req.Code != "" {
		return h.fail(c, &marquee.Error{Code: marquee.EINVALID, Message: "api.unknown_field", Field: "code"}, fiber.StatusBadRequest)
	}
	if req.Count < 1 || req.Count > maxBulkCodes {
		return h.fail(c, marquee.Invalid("count", "vouchers.count_invalid"), 0)
	}
	t := eventOf(c)
	ctx := c.UserContext()
	cat, err := h.Desk.Catalogue(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	prefix := storefront.NormalizeCode(req.Prefix)
	v, err := voucherFrom(req.VoucherRequest, cat)
	if err == nil {
		v.Code = storefront.GenerateCode(prefix, 8) // what the codes will look like, checked like any
		if err = v.Validate(); marquee.ErrorField(err) == "code" {
			err = marquee.Invalid("prefix", "vouchers.prefix_invalid")
		}
	}
	if err != nil {
		return h.fail(c, voucherErr(err), 0)
	}
	codes, err := h.Desk.CreateVouchers(ctx, t.ID, v, prefix, req.Count)
	if err != nil {
		return h.fail(c, voucherErr(err), 0)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"codes": codes})
}

// updateVoucher changes what the body sends of a code (all but its code
// and uses); "max_uses", "valid_from" and "valid_until" sent as null
// remove the limit.
func (h *Handler) updateVoucher(c *fiber.Ctx) error {
	var req struct {
		Kind        *string          `json:"kind"`
		AmountMinor *int64           `json:"amount_minor"`
		Percent     *int             `json:"percent"`
		MaxUses     optional[int]    `json:"max_uses"`
		ValidFrom   optional[string] `json:"valid_from"`
		ValidUntil  optional[string] `json:"valid_until"`
		Note        *string          `json:"note"`
		ProductIDs  *[]string        `json:"product_ids"`
		VariantIDs  *[]string        `json:"variant_ids"`
		Disabled    *bool            `json:"disabled"`
	}
	if err := h.decode(c, &req); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	tenantID, v, err := h.voucher(c)
	if err != nil {
		return h.fail(c, err, 0)
	}
	patchVoucher(v, req.Kind, req.AmountMinor, req.Percent, req.Note)
	ctx := c.UserContext()
	if req.MaxUses.Set {
		v.MaxUses = req.MaxUses.Value
	}
	for _, lim := range []struct {
		field string
		in    optional[string]
		dst   **time.Time
	}{{"valid_from", req.ValidFrom, &v.ValidFrom}, {"valid_until", req.ValidUntil, &v.ValidUntil}} {
		if !lim.in.Set {
			continue
		}
		*lim.dst = nil
		if lim.in.Value != nil {
			if *lim.dst, err = optionalInstant(lim.field, *lim.in.Value); err != nil {
				return h.fail(c, err, 0)
			}
		}
	}
	if req.ProductIDs != nil || req.VariantIDs != nil {
		cat, err := h.Desk.Catalogue(ctx, tenantID)
		if err != nil {
			return h.fail(c, err, 0)
		}
		products, variants := idStrings(v.ProductIDs), idStrings(v.VariantIDs)
		if req.ProductIDs != nil {
			products = *req.ProductIDs
		}
		if req.VariantIDs != nil {
			variants = *req.VariantIDs
		}
		if v.ProductIDs, v.VariantIDs, err = itemsOf(cat, "product_ids", products, variants); err != nil {
			return h.fail(c, err, 0)
		}
	}
	if err := v.Validate(); err != nil {
		return h.fail(c, voucherErr(err), 0)
	}
	if err := h.Desk.UpdateVoucher(ctx, tenantID, *v); err != nil {
		return h.fail(c, voucherErr(err), 0)
	}
	if req.Disabled != nil && *req.Disabled != v.Disabled {
		if err := h.Desk.SetVoucherDisabled(ctx, tenantID, v.ID, *req.Disabled); err != nil {
			return h.fail(c, err, 0)
		}
	}
	if v, err = h.Desk.Voucher(ctx, tenantID, v.ID); err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(fiber.Map{"voucher": VoucherOf(*v)})
}

// patchVoucher sets the scalar fields sent.
func patchVoucher(v *storefront.Voucher, kind *string, amount *int64, percent *int, note *string) {
	if kind != nil {
		v.Kind = storefront.VoucherKind(*kind)
	}
	if amount != nil {
		v.AmountMinor = *amount
	}
	if percent != nil {
		v.Percent = *percent
	}
	if note != nil {
		v.Note = strings.TrimSpace(*note)
	}
}

// deleteVoucher deletes a code no order used; a used one is a conflict
// (disable it instead).
func (h *Handler) deleteVoucher(c *fiber.Ctx) error {
	t := eventOf(c)
	id, err := idParam(c, "id")
	if err != nil {
		return h.fail(c, err, 0)
	}
	if err := h.Desk.DeleteVoucher(c.UserContext(), t.ID, id); err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
