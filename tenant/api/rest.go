package api

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/storefront/suppliers"
)

// Desk is what the API does with an event's orders, suppliers, codes and
// waiting lists: the console's methods (the same rules, the same errors);
// db.DB implements it.
type Desk interface {
	Settings(ctx context.Context, tenantID uuid.UUID) (storefront.Settings, error)
	Catalogue(ctx context.Context, tenantID uuid.UUID) (storefront.Catalogue, error)
	FormFields(ctx context.Context, tenantID uuid.UUID) ([]form.Field, error)

	ListOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter) ([]storefront.OrderSummary, error)
	OrderByNumber(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error)
	ChangeOrderStatus(ctx context.Context, tenantID uuid.UUID, number string, to storefront.Status, note string, staffID uuid.UUID) (*storefront.Order, error)
	MarkPaidAtPickup(ctx context.Context, tenantID uuid.UUID, number string, staffID uuid.UUID) (*storefront.Order, error)
	ExportOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter, fn func(storefront.ExportLine) error) error
	AuditOrderAccess(ctx context.Context, tenantID, staffID uuid.UUID, action, subject string) error

	Suppliers(ctx context.Context, tenantID uuid.UUID) ([]suppliers.Supplier, error)
	SaveSupplier(ctx context.Context, tenantID uuid.UUID, s suppliers.Supplier) (uuid.UUID, error)
	DeleteSupplier(ctx context.Context, tenantID, id uuid.UUID) error

	Vouchers(ctx context.Context, tenantID uuid.UUID, search string, limit, offset int) ([]storefront.Voucher, int, error)
	Voucher(ctx context.Context, tenantID, id uuid.UUID) (*storefront.Voucher, error)
	CreateVoucher(ctx context.Context, tenantID uuid.UUID, v storefront.Voucher) (*storefront.Voucher, error)
	CreateVouchers(ctx context.Context, tenantID uuid.UUID, like storefront.Voucher, prefix string, n int) ([]string, error)
	UpdateVoucher(ctx context.Context, tenantID uuid.UUID, v storefront.Voucher) error
	SetVoucherDisabled(ctx context.Context, tenantID, id uuid.UUID, disabled bool) error
	DeleteVoucher(ctx context.Context, tenantID, id uuid.UUID) error

	WaitlistOf(ctx context.Context, tenantID, variantID uuid.UUID, limit, offset int) ([]storefront.WaitlistEntry, int, error)
	WaitlistDemand(ctx context.Context, tenantID uuid.UUID) ([]storefront.WaitlistDemand, error)
	WaitlistEntry(ctx context.Context, tenantID, entryID uuid.UUID) (storefront.WaitlistEntry, error)
	RemoveWaitlistEntry(ctx context.Context, tenantID, entryID uuid.UUID) (storefront.WaitlistEntry, error)

	WebhookDesk
	SignupDesk
}

// mountDesk adds the routes of an event's orders, suppliers, codes,
// waiting lists and webhooks (and the platform's webhooks) to v1 (the authenticated /api/v1 group).
func (h *Handler) mountDesk(v1 fiber.Router) {
	ev := "/events/:slug"
	v1.Get(ev+"/orders", h.need(ScopeOrdersRead), h.listOrders)
	v1.Get(ev+"/orders/export", h.need(ScopeOrdersRead), h.exportOrders)
	v1.Get(ev+"/orders/:number", h.need(ScopeOrdersRead), h.showOrder)
	v1.Post(ev+"/orders/:number/status", h.need(ScopeOrdersWrite), h.changeOrderStatus)
	v1.Post(ev+"/orders/:number/cancel", h.need(ScopeOrdersWrite), h.cancelOrder)
	v1.Post(ev+"/orders/:number/mark-paid", h.need(ScopeOrdersWrite), h.markOrderPaid)

	v1.Get(ev+"/suppliers", h.need(ScopeSuppliersRead), h.listSuppliers)
	v1.Post(ev+"/suppliers", h.need(ScopeSuppliersWrite), h.createSupplier)
	v1.Get(ev+"/suppliers/:id", h.need(ScopeSuppliersRead), h.showSupplier)
	v1.Put(ev+"/suppliers/:id", h.need(ScopeSuppliersWrite), h.updateSupplier)
	v1.Delete(ev+"/suppliers/:id", h.need(ScopeSuppliersWrite), h.deleteSupplier)

	v1.Get(ev+"/vouchers", h.need(ScopeVouchersRead), h.listVouchers)
	v1.Post(ev+"/vouchers", h.need(ScopeVouchersWrite), h.createVoucher)
	v1.Post(ev+"/vouchers/bulk", h.need(ScopeVouchersWrite), h.createVouchers)
	v1.Get(ev+"/vouchers/:id", h.need(ScopeVouchersRead), h.showVoucher)
	v1.Patch(ev+"/vouchers/:id", h.need(ScopeVouchersWrite), h.updateVoucher)
	v1.Delete(ev+"/vouchers/:id", h.need(ScopeVouchersWrite), h.deleteVoucher)

	v1.Get(ev+"/waitlists", h.need(ScopeWaitlistsRead), h.listWaitlists)
	v1.Get(ev+"/waitlists/:variant", h.need(ScopeWaitlistsRead), h.listWaitlist)
	v1.Delete(ev+"/waitlists/:variant/entries/:entry", h.need(ScopeWaitlistsWrite), h.removeWaitlistEntry)

	v1.Get(ev+"/signups", h.need(ScopeSignupsRead), h.listSignups)
	v1.Get(ev+"/signups/export", h.need(ScopeSignupsRead), h.exportSignups)

	h.mountWebhooks(v1, ev)
	h.mountWebhooks(v1, "")
}

// idParam is the route's parameter name as an id; anything else is not
// found, like an id of another event.
func idParam(c *fiber.Ctx, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Params(name))
	if err != nil {
		return uuid.Nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return id, nil
}

// mapPage is page p with each item shown by show.
func mapPage[T, U any](p Page[T], show func(T) U) Page[U] {
	out := Page[U]{Data: make([]U, 0, len(p.Data)), NextCursor: p.NextCursor}
	for _, item := range p.Data {
		out.Data = append(out.Data, show(item))
	}
	return out
}

// timeKey is where a page of a list newest first ends: the last item's
// time and id.
type timeKey struct {
	At time.Time `json:"at"`
	ID uuid.UUID `json:"id"`
}

// timePage reads the page a request asks of a list newest first: its
// limit and the key it continues after (zero: from the newest). A cursor
// that names no item is refused.
func timePage(c *fiber.Ctx) (PageRequest, timeKey, error) {
	req, err := pageRequest(c)
	var after timeKey
	if err == nil {
		var ok bool
		ok, err = req.After(&after)
		if ok && err == nil && (after.ID == uuid.Nil || after.At.IsZero()) {
			err = marquee.Invalid("cursor", "api.cursor_invalid")
		}
	}
	return req, after, err
}

// offsetPage reads the page a request asks of a list paginated by
// position: its limit and the position it starts at.
func offsetPage(c *fiber.Ctx) (PageRequest, int, error) {
	req, err := pageRequest(c)
	offset := 0
	if err == nil {
		_, err = req.After(&offset)
	}
	if err == nil && offset < 0 {
		err = marquee.Invalid("cursor", "api.cursor_invalid")
	}
	return req, offset, err
}

// refuse answers err, a query parameter's refusal, with 400 (the request
// could not be read), and any other error with its code's status.
func (h *Handler) refuse(c *fiber.Ctx, err error) error {
	if marquee.ErrorCode(err) == marquee.EINVALID {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	return h.fail(c, err, 0)
}

// optional is a field of a PATCH body that may be absent (Set false),
// null (Value nil: remove it) or a value.
type optional[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON reads null or a T.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// created answers 201 with v at location.
func created(c *fiber.Ctx, location string, v any) error {
	c.Location(location)
	return c.Status(fiber.StatusCreated).JSON(v)
}
