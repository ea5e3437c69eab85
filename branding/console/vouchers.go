package console

import (
	"context"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/themes"
)

// Vouchers are an event's voucher codes; db.DB implements it.
type Vouchers interface {
	// Vouchers is one page of the codes matching search and how many
	// match; AllVouchers every code (the export).
	Vouchers(ctx context.Context, tenantID uuid.UUID, search string, limit, offset int) ([]storefront.Voucher, int, error)
	AllVouchers(ctx context.Context, tenantID uuid.UUID) ([]storefront.Voucher, error)
	Voucher(ctx context.Context, tenantID, id uuid.UUID) (*storefront.Voucher, error)
	CreateVoucher(ctx context.Context, tenantID uuid.UUID, v storefront.Voucher) (*storefront.Voucher, error)
	// CreateVouchers makes n codes like like, each prefix and random
	// characters, and returns them.
	CreateVouchers(ctx context.Context, tenantID uuid.UUID, like storefront.Voucher, prefix string, n int) ([]string, error)
	UpdateVoucher(ctx context.Context, tenantID uuid.UUID, v storefront.Voucher) error
	SetVoucherDisabled(ctx context.Context, tenantID, id uuid.UUID, disabled bool) error
	DeleteVoucher(ctx context.Context, tenantID, id uuid.UUID) error
	VoucherRedemptions(ctx context.Context, tenantID, id uuid.UUID, limit int) ([]storefront.VoucherRedemption, error)
	// SetProductCodeOnly and SetVariantCodeOnly make a product or option
	// "only with a code" (or not).
	SetProductCodeOnly(ctx context.Context, tenantID, productID uuid.UUID, codeOnly bool) error
	SetVariantCodeOnly(ctx context.Context, tenantID, variantID uuid.UUID, codeOnly bool) error
}

// voucherRoles may manage an event's codes: the people who run its
// marketing.
var voucherRoles = editorRoles

const (
	vouchersPerPage = 50
	maxBulkCodes    = 1000
)

// VouchersPage lists an event's codes (paginated, searchable) with the
// form that makes one or many.
type VouchersPage struct {
	themes.Page
	CSRF, Event, Slug, Query, Problem, ProblemField string
	Vouchers                                        []VoucherRow
	Total                                           int
	Prev, Next, Export                              string
	Form                                            VoucherForm
}

// VoucherRow is one code in the list.
type VoucherRow struct {
	Code, Gives, Uses, Valid, State, Note, Link string
}

func (h *Console) vouchers(c *fiber.Ctx) error {
	t, err := h.event(c, voucherRoles)
	if err != nil {
		return err
	}
	return h.renderVouchers(c, t, fiber.StatusOK, nil, url.Values{"kind": {string(storefront.VoucherUnlock)}, "count": {"1"}})
}

func (h *Console) renderVouchers(c *fiber.Ctx, t *tenant.Tenant, status int, refused error, form url.Values) error {
	ctx := c.UserContext()
	query := strings.Clone(strings.TrimSpace(c.Query("q")))
	if len(query) > 100 {
		query = query[:100]
	}
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	list, total, err := h.Vouchers.Vouchers(ctx, t.ID, query, vouchersPerPage, (page-1)*vouchersPerPage)
	if err != nil {
		return err
	}
	cat, err := h.Products.Catalogue(ctx, t.ID)
	if err != nil {
		return err
	}
	settings, err := h.Products.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	link := "/events/" + t.Slug + "/vouchers"
	p := VouchersPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Query: query, Total: total,
		Form:   voucherForm(base, t, cat, form, link, base.T("console.vouchers.create"), true),
		Export: link + "/export.csv?" + url.Values{"q": {query}}.Encode()}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	for _, v := range list {
		p.Vouchers = append(p.Vouchers, voucherRow(base, t, cat, settings.Currency, v))
	}
	if page > 1 {
		p.Prev = link + "?" + url.Values{"q": {query}, "page": {strconv.Itoa(page - 1)}}.Encode()
	}
	if page*vouchersPerPage < total {
		p.Next = link + "?" + url.Values{"q": {query}, "page": {strconv.Itoa(page + 1)}}.Encode()
	}
	return h.render(c, status, "console_vouchers", p, base.Lang)
}

func voucherRow(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue, currency string, v storefront.Voucher) VoucherRow {
	row := VoucherRow{Code: v.Code, Gives: voucherGives(p, t, cat, currency, v), Note: v.Note,
		Link: "/events/" + t.Slug + "/vouchers/" + v.ID.String(), State: p.T("console.vouchers.active")}
	row.Uses = strconv.Itoa(v.Uses)
	if v.MaxUses != nil {
		row.Uses += " / " + strconv.Itoa(*v.MaxUses)
	}
	if v.ValidFrom != nil || v.ValidUntil != nil {
		row.Valid = utcTime(v.ValidFrom) + " – " + utcTime(v.ValidUntil)
	}
	if v.Disabled {
		row.State = p.T("console.vouchers.disabled")
	}
	return row
}

// utcTime writes a code's limit as its form takes it (UTC), "" for none.
func utcTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// voucherGives says in a few words what a code does: its discount and the
// products and options it names.
func voucherGives(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue, currency string, v storefront.Voucher) string {
	var parts []string
	switch v.Kind {
	case storefront.VoucherAmount:
		parts = append(parts, p.T("console.vouchers.amount_off", "Off", storefront.FormatMoney(v.AmountMinor, currency, p.Lang)))
	case storefront.VoucherPercent:
		parts = append(parts, p.T("console.vouchers.percent_off", "Percent", v.Percent))
	default:
		parts = append(parts, p.T("console.vouchers.kind_unlock"))
	}
	def := t.DefaultLocale
	for _, prod := range cat.Products {
		name := prod.Name.In(p.Lang, def)
		if v.UnlocksProduct(prod.ID) {
			parts = append(parts, name)
			continue
		}
		for _, o := range prod.Variants {
			if v.UnlocksVariant(prod.ID, o.ID) {
				parts = append(parts, name+" · "+o.Label.In(p.Lang, def))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// vouchersLink is the list of codes, searching q, with the flash of what
// was saved.
func vouchersLink(t *tenant.Tenant, q, saved string) string {
	path := "/events/" + t.Slug + "/vouchers"
	if q != "" {
		path += "?" + url.Values{"q": {q}}.Encode()
	}
	return flashed(path, saved)
}

// createVouchers makes one code (its code typed, or a random one when the
// field is empty) or, for a count over 1, that many with the code field as
// their prefix; a refused form comes back with what was typed.
func (h *Console) createVouchers(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	ctx := c.UserContext()
	cat, err := h.Products.Catalogue(ctx, t.ID)
	if err != nil {
		return "", err
	}
	settings, err := h.Products.Settings(ctx, t.ID)
	if err != nil {
		return "", err
	}
	v, err := voucherFromForm(form, cat, settings.Currency)
	count, countErr := parseCount(form.Get("count"))
	prefix := storefront.NormalizeCode(form.Get("code"))
	if err == nil && countErr != nil {
		err = countErr
	}
	if err == nil && count > 1 {
		v.Code = storefront.GenerateCode(prefix, 8) // what the generated codes look like, checked like any
		err = v.Validate()
		if err == nil {
			_, err = h.Vouchers.CreateVouchers(ctx, t.ID, v, prefix, count)
		}
		if status := refusalStatus(err); status != 0 {
			return "", h.renderVouchers(c, t, status, onCode(err), form)
		}
		return vouchersLink(t, prefix, "vouchers_created"), err
	}
	if err == nil {
		if v.Code == "" {
			v.Code = storefront.GenerateCode("", 8)
		}
		if err = v.Validate(); err == nil {
			_, err = h.Vouchers.CreateVoucher(ctx, t.ID, v)
		}
	}
	if status := refusalStatus(err); status != 0 {
		return "", h.renderVouchers(c, t, status, err, form)
	}
	return vouchersLink(t, v.Code, "voucher_created"), err
}

// onCode puts a generated code's problem (too long with its prefix) on the
// code field, where the prefix was typed.
func onCode(err error) error {
	if marquee.ErrorField(err) == "code" {
		return marquee.Invalid("code", "vouchers.prefix_invalid")
	}
	return err
}

// parseCount reads how many codes to make: 1 to maxBulkCodes, 1 when empty.
func parseCount(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxBulkCodes {
		return 0, marquee.Invalid("count", "vouchers.count_invalid")
	}
	return n, nil
}

// exportVouchers streams the codes matching the list's search as CSV, one
// row per code with the link that applies it on the shop; every cell a
// spreadsheet could take for a formula neutralised.
func (h *Console) exportVouchers(c *fiber.Ctx) error {
	t, err := h.event(c, voucherRoles)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	query := strings.TrimSpace(c.Query("q"))
	var list []storefront.Voucher
	if query == "" {
		list, err = h.Vouchers.AllVouchers(ctx, t.ID)
	} else {
		list, _, err = h.Vouchers.Vouchers(ctx, t.ID, query, 100_000, 0)
	}
	if err != nil {
		return err
	}
	settings, err := h.Products.Settings(ctx, t.ID)
	if err != nil {
		return err
	}
	shop := ""
	if h.EventURL != nil {
		shop = h.EventURL(t.Slug)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"code", "kind", "amount", "percent", "max_uses", "uses", "valid_from", "valid_until", "disabled", "note", "link"})
	for _, v := range list {
		amount, maxUses := "", ""
		if v.Kind == storefront.VoucherAmount {
			amount = storefront.PriceInput(v.AmountMinor, settings.Currency)
		}
		if v.MaxUses != nil {
			maxUses = strconv.Itoa(*v.MaxUses)
		}
		_ = w.Write(safeCells([]string{v.Code, string(v.Kind), amount, strconv.Itoa(v.Percent), maxUses, strconv.Itoa(v.Uses),
			utcTime(v.ValidFrom), utcTime(v.ValidUntil), strconv.FormatBool(v.Disabled), v.Note, shop + "/?code=" + url.QueryEscape(v.Code)}))
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+t.Slug+`-vouchers.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(b.String())
}
