package console

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/themes"
)

// Suppliers are an event's suppliers and the lists sent to them; db.DB
// implements it.
type Suppliers interface {
	// Suppliers of an event; SaveSupplier creates (ID nil) or updates one
	// and schedules its batch; SendBatchNow queues a batch at once;
	// SupplierBatches lists the latest lists sent.
	Suppliers(ctx context.Context, tenantID uuid.UUID) ([]suppliers.Supplier, error)
	SaveSupplier(ctx context.Context, tenantID uuid.UUID, s suppliers.Supplier) (uuid.UUID, error)
	DeleteSupplier(ctx context.Context, tenantID, id uuid.UUID) error
	SendBatchNow(ctx context.Context, tenantID, supplierID uuid.UUID) error
	SupplierBatches(ctx context.Context, tenantID uuid.UUID) ([]suppliers.Batch, error)
}

// SupplierLists builds a supplier's list as it stands, as the batch email
// would attach it; jobs.Deps implements it.
type SupplierLists interface {
	// BatchFile is the list as CSV ("csv") or XLSX ("xlsx").
	BatchFile(ctx context.Context, tenantID, supplierID uuid.UUID, format string) (notify.Attachment, error)
}

// supplierRoles may manage an event's suppliers: the people who get the
// orders made.
var supplierRoles = orderRoles

const batchesShown = 20

// SuppliersPage lists an event's suppliers, their latest lists, and the
// form that adds one.
type SuppliersPage struct {
	themes.Page
	CSRF, Event, Slug, Problem, ProblemField string
	Suppliers                                []SupplierRow
	Batches                                  []BatchRow
	Form                                     SupplierForm
}

// SupplierRow is one supplier in the list.
type SupplierRow struct {
	ID, Name, Emails, Mode, SendAt, Link string
	Makes                                []string
}

// BatchRow is one list sent to a supplier.
type BatchRow struct {
	Supplier, SentAt, MessageID string
	Lines                       int
}

func (h *Console) suppliers(c *fiber.Ctx) error {
	t, err := h.event(c, supplierRoles)
	if err != nil {
		return err
	}
	return h.renderSuppliers(c, t, fiber.StatusOK, nil, url.Values{"mode": {string(suppliers.ModePerOrder)}})
}

func (h *Console) renderSuppliers(c *fiber.Ctx, t *tenant.Tenant, status int, refused error, form url.Values) error {
	ctx := c.UserContext()
	list, err := h.Suppliers.Suppliers(ctx, t.ID)
	if err != nil {
		return err
	}
	batches, err := h.Suppliers.SupplierBatches(ctx, t.ID)
	if err != nil {
		return err
	}
	cat, err := h.Products.Catalogue(ctx, t.ID)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	p := SuppliersPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug,
		Form: supplierForm(base, t, cat, form, "/events/"+t.Slug+"/suppliers", base.T("console.suppliers.create"))}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	names := map[uuid.UUID]string{}
	for _, s := range list {
		names[s.ID] = s.Name
		p.Suppliers = append(p.Suppliers, supplierRow(base, t, cat, s))
	}
	for _, b := range batches[:min(len(batches), batchesShown)] {
		p.Batches = append(p.Batches, BatchRow{Supplier: names[b.SupplierID], SentAt: consoleTime(base, b.SentAt), MessageID: b.MessageID, Lines: b.Lines})
	}
	return h.render(c, status, "console_suppliers", p, base.Lang)
}

func supplierRow(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue, s suppliers.Supplier) SupplierRow {
	row := SupplierRow{ID: s.ID.String(), Name: s.Name, Emails: strings.Join(s.Emails, ", "), Mode: modeLabel(p, s.Mode),
		Link: "/events/" + t.Slug + "/suppliers/" + s.ID.String(), SendAt: p.T("console.suppliers.as_placed")}
	if s.Mode == suppliers.ModeBatch {
		row.SendAt = p.T("console.suppliers.when_closes")
		if s.SendAt != nil {
			// In UTC, as the form takes it (its label says so).
			utc := p
			utc.Zone = nil
			row.SendAt = consoleTime(utc, *s.SendAt)
		}
	}
	def := t.DefaultLocale
	for _, prod := range cat.Products {
		name := prod.Name.In(p.Lang, def)
		if slices.Contains(s.ProductIDs, prod.ID) {
			row.Makes = append(row.Makes, p.T("console.suppliers.all_options", "Product", name))
			continue
		}
		for _, v := range prod.Variants {
			if slices.Contains(s.VariantIDs, v.ID) {
				row.Makes = append(row.Makes, name+" · "+v.Label.In(p.Lang, def))
			}
		}
	}
	return row
}

func modeLabel(p themes.Page, m suppliers.Mode) string {
	if m == suppliers.ModeBatch {
		return p.T("console.suppliers.mode_batch")
	}
	return p.T("console.suppliers.mode_per_order")
}

// suppliersLink is the supplier list of the event, with the flash of
// what was saved.
func suppliersLink(t *tenant.Tenant, saved string) string {
	return flashed("/events/"+t.Slug+"/suppliers", saved)
}

// createSupplier adds a supplier; a refused form comes back with what was
// typed.
func (h *Console) createSupplier(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	s, err := supplierFromForm(form, cat)
	if err == nil {
		_, err = h.Suppliers.SaveSupplier(c.UserContext(), t.ID, s)
	}
	if status := refusalStatus(err); status != 0 {
		return "", h.renderSuppliers(c, t, status, err, form)
	}
	return suppliersLink(t, "supplier_created"), err
}

// supplierParam is the route's supplier, if it is one of the event's.
func (h *Console) supplierParam(c *fiber.Ctx, t *tenant.Tenant) (suppliers.Supplier, error) {
	id, err := uuid.Parse(c.Params("supplier"))
	if err != nil {
		return suppliers.Supplier{}, errPageNotFound
	}
	list, err := h.Suppliers.Suppliers(c.UserContext(), t.ID)
	if err != nil {
		return suppliers.Supplier{}, err
	}
	for _, s := range list {
		if s.ID == id {
			return s, nil
		}
	}
	return suppliers.Supplier{}, errPageNotFound
}

// SupplierPage is one supplier's edit form with its actions.
type SupplierPage struct {
	themes.Page
	CSRF, Event, Slug, Name, Problem, ProblemField string
	Link                                           string
	Form                                           SupplierForm
}

// eventSupplier is the route's event and supplier, if the member may
// manage the event's suppliers.
func (h *Console) eventSupplier(c *fiber.Ctx) (*tenant.Tenant, suppliers.Supplier, error) {
	t, err := h.event(c, supplierRoles)
	if err != nil {
		return nil, suppliers.Supplier{}, err
	}
	s, err := h.supplierParam(c, t)
	return t, s, err
}

func (h *Console) supplier(c *fiber.Ctx) error {
	t, s, err := h.eventSupplier(c)
	if err != nil {
		return err
	}
	return h.renderSupplier(c, t, s, fiber.StatusOK, nil, supplierValues(s))
}

func (h *Console) renderSupplier(c *fiber.Ctx, t *tenant.Tenant, s suppliers.Supplier, status int, refused error, form url.Values) error {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	link := "/events/" + t.Slug + "/suppliers/" + s.ID.String()
	p := SupplierPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Name: s.Name, Link: link,
		Form: supplierForm(base, t, cat, form, link, base.T("console.suppliers.save"))}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	return h.render(c, status, "console_supplier", p, base.Lang)
}

// updateSupplier saves the route's supplier; a refused form comes back
// with what was typed.
func (h *Console) updateSupplier(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	saved, err := h.supplierParam(c, t)
	if err != nil {
		return "", err
	}
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	s, err := supplierFromForm(form, cat)
	if err == nil {
		s.ID = saved.ID
		_, err = h.Suppliers.SaveSupplier(c.UserContext(), t.ID, s)
	}
	if status := refusalStatus(err); status != 0 {
		return "", h.renderSupplier(c, t, saved, status, err, form)
	}
	return suppliersLink(t, "supplier_saved"), err
}

func (h *Console) deleteSupplier(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	s, err := h.supplierParam(c, t)
	if err != nil {
		return "", err
	}
	return suppliersLink(t, "supplier_deleted"), h.Suppliers.DeleteSupplier(c.UserContext(), t.ID, s.ID)
}

// sendBatchNow queues the supplier's list at once, whatever its mode and
// send time: for a shop that needs it before the event closes.
func (h *Console) sendBatchNow(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	s, err := h.supplierParam(c, t)
	if err != nil {
		return "", err
	}
	return suppliersLink(t, "list_queued"), h.Suppliers.SendBatchNow(c.UserContext(), t.ID, s.ID)
}

// batchDownload downloads the supplier's list as it stands, in format.
// The list carries attendees' names and addresses: every download is
// audited, like the order export.
func (h *Console) batchDownload(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, s, err := h.eventSupplier(c)
		if err != nil {
			return err
		}
		file, err := h.SupplierLists.BatchFile(c.UserContext(), t.ID, s.ID, format)
		if err != nil {
			return err
		}
		if err := h.Orders.AuditOrderAccess(c.UserContext(), t.ID, current(c).staff.ID, "supplier_batch_download", s.Name); err != nil {
			return err
		}
		return sendDownload(c, file)
	}
}
