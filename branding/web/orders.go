package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/notify"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// OrderDesk is what fulfilment staff do with orders; db.DB implements it.
type OrderDesk interface {
	ListOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter) ([]storefront.OrderSummary, error)
	OrderByNumber(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error)
	ChangeOrderStatus(ctx context.Context, tenantID uuid.UUID, number string, to storefront.Status, note string, staffID uuid.UUID) (*storefront.Order, error)
	ExportOrders(ctx context.Context, tenantID uuid.UUID, f storefront.OrderFilter, fn func(storefront.ExportLine) error) error
	AuditOrderAccess(ctx context.Context, tenantID, staffID uuid.UUID, action, subject string) error
	Dashboard(ctx context.Context, tenantID uuid.UUID, since time.Time) (storefront.Dashboard, error)
	Catalogue(ctx context.Context, tenantID uuid.UUID) (storefront.Catalogue, error)
	// EmailsOfOrder lists what was sent about an order.
	EmailsOfOrder(ctx context.Context, tenantID, orderID uuid.UUID) ([]notify.SentEmail, error)
}

// orderRoles may see and update an event's orders.
var orderRoles = []staff.Role{staff.RoleOwner, staff.RoleFulfilment}

const ordersPerPage = 50

var statuses = []storefront.Status{storefront.StatusPlaced, storefront.StatusConfirmed, storefront.StatusDispatched,
	storefront.StatusReadyForPickup, storefront.StatusDelivered, storefront.StatusCollected, storefront.StatusCancelled}

// orderFilter reads the list's filters from the query string; an unknown
// status is ignored rather than refused.
func orderFilter(c *fiber.Ctx) storefront.OrderFilter {
	f := storefront.OrderFilter{Query: c.Query("q"), Limit: ordersPerPage}
	for _, s := range statuses {
		if string(s) == c.Query("status") {
			f.Status = s
		}
	}
	if id, err := uuid.Parse(c.Query("product")); err == nil {
		f.Product = id
	}
	if id, err := uuid.Parse(c.Query("variant")); err == nil {
		f.Variant = id
	}
	if d, err := time.Parse(time.DateOnly, c.Query("from")); err == nil {
		f.From = d
	}
	if d, err := time.Parse(time.DateOnly, c.Query("until")); err == nil {
		f.Until = d.AddDate(0, 0, 1) // the whole last day
	}
	if id, err := uuid.Parse(c.Query("before_id")); err == nil {
		if at, err := time.Parse(time.RFC3339Nano, c.Query("before_at")); err == nil {
			f.BeforeAt, f.BeforeID = at, id
		}
	}
	return f
}

// OrdersPage lists an event's orders.
type OrdersPage struct {
	themes.Page
	CSRF, Event, Slug, Query, Status string
	From, Until, Notice              string
	Statuses, Products, Variants     []OptionRow
	Moves                            []OptionRow
	Orders                           []OrderRow
	Next, Export                     string
}

// OptionRow is one option of a select.
type OptionRow struct {
	Value, Label string
	Selected     bool
}

// OrderRow is one order in the list.
type OrderRow struct{ Number, Name, Email, Status, Total, Placed, Link string }

func (h *Console) orders(c *fiber.Ctx) error {
	t, err := h.event(c, orderRoles)
	if err != nil {
		return err
	}
	f := orderFilter(c)
	list, err := h.Orders.ListOrders(c.UserContext(), t.ID, f)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := OrdersPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Query: f.Query, Status: string(f.Status),
		From: c.Query("from"), Until: c.Query("until")}
	p.Statuses = statusOptions(base, string(f.Status), true)
	p.Moves = statusOptions(base, "", false)
	if err := h.productOptions(c, t.ID, f, &p, t.DefaultLocale); err != nil {
		return err
	}
	if c.Query("changed") != "" {
		p.Notice = base.T("console.orders.bulk_done", "Changed", c.Query("changed"), "Skipped", c.Query("skipped"))
	}
	for _, o := range list {
		p.Orders = append(p.Orders, OrderRow{Number: o.Number, Name: o.Name, Email: o.Email, Status: base.T("status." + string(o.Status)),
			Total: storefront.FormatMoney(o.TotalMinor, o.Currency, base.Lang), Placed: o.CreatedAt.UTC().Format(base.T("format.datetime")),
			Link: "/events/" + t.Slug + "/orders/" + o.Number})
	}
	keep := url.Values{"q": {f.Query}, "status": {string(f.Status)}, "product": {c.Query("product")},
		"variant": {c.Query("variant")}, "from": {p.From}, "until": {p.Until}}
	p.Export = "/events/" + t.Slug + "/orders/export.csv?" + keep.Encode()
	if len(list) == ordersPerPage {
		last := list[len(list)-1]
		keep.Set("before_at", last.CreatedAt.Format(time.RFC3339Nano))
		keep.Set("before_id", last.ID.String())
		p.Next = "/events/" + t.Slug + "/orders?" + keep.Encode()
	}
	return h.render(c, fiber.StatusOK, "console_orders", p, base.Lang)
}

// productOptions fills the product and variant filters from the catalogue.
func (h *Console) productOptions(c *fiber.Ctx, tenantID uuid.UUID, f storefront.OrderFilter, p *OrdersPage, def string) error {
	cat, err := h.Orders.Catalogue(c.UserContext(), tenantID)
	if err != nil {
		return err
	}
	p.Products = []OptionRow{{Value: "", Label: p.T("console.orders.any_product"), Selected: f.Product == uuid.Nil}}
	p.Variants = []OptionRow{{Value: "", Label: p.T("console.orders.any_variant"), Selected: f.Variant == uuid.Nil}}
	for _, prod := range cat.Products {
		name := prod.Name.In(p.Lang, def)
		p.Products = append(p.Products, OptionRow{Value: prod.ID.String(), Label: name, Selected: prod.ID == f.Product})
		for _, v := range prod.Variants {
			p.Variants = append(p.Variants, OptionRow{Value: v.ID.String(), Label: name + " · " + v.Label.In(p.Lang, def), Selected: v.ID == f.Variant})
		}
	}
	return nil
}

// bulkStatus moves every chosen order that may move to the status; the
// others are counted as skipped and left as they are.
func (h *Console) bulkStatus(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	to := storefront.Status(form.Get("status"))
	changed, skipped := 0, 0
	for _, number := range form["number"] {
		_, err := h.Orders.ChangeOrderStatus(c.UserContext(), t.ID, number, to, form.Get("note"), current(c).staff.ID)
		switch code := marquee.ErrorCode(err); {
		case err == nil:
			changed++
		case code == marquee.ECONFLICT || code == marquee.ENOTFOUND || code == marquee.EINVALID:
			skipped++
		default:
			return "", err
		}
	}
	back := url.Values{"changed": {strconv.Itoa(changed)}, "skipped": {strconv.Itoa(skipped)}}
	return "/events/" + t.Slug + "/orders?" + back.Encode(), nil
}

func statusOptions(base themes.Page, chosen string, any bool) []OptionRow {
	var out []OptionRow
	if any {
		out = append(out, OptionRow{Value: "", Label: base.T("console.orders.any_status"), Selected: chosen == ""})
	}
	for _, s := range statuses {
		out = append(out, OptionRow{Value: string(s), Label: base.T("status." + string(s)), Selected: string(s) == chosen})
	}
	return out
}

// OrderDetailPage is one order with its history and the status form.
type OrderDetailPage struct {
	themes.Page
	CSRF, Event, Slug, Number, Name, Email, Status, Total, Problem string
	Items                                                          []ItemRow
	Answers                                                        []AnswerRow
	Address                                                        []string // the shipping address as on a parcel; nil when not shipped
	History                                                        []HistoryRow
	Next                                                           []OptionRow
	Emails                                                         []EmailRow
}

// EmailRow is one email sent about the order.
type EmailRow struct{ Kind, Subject, To, At, MessageID string }

// ItemRow is one ordered line with its own answers (the name to print).
type ItemRow struct {
	Product, Variant string
	Quantity         int
	Answers          []AnswerRow
}

// AnswerRow is one question of the order form with its answer, both as
// the staff member reads them.
type AnswerRow struct{ Key, Label, Value string }

// HistoryRow is one status change.
type HistoryRow struct{ Status, At, Note, Actor string }

func (h *Console) orderDetail(c *fiber.Ctx) error {
	t, err := h.event(c, orderRoles)
	if err != nil {
		return err
	}
	o, err := h.Orders.OrderByNumber(c.UserContext(), t.ID, c.Params("number"))
	if err != nil {
		return err
	}
	if err := h.Orders.AuditOrderAccess(c.UserContext(), t.ID, current(c).staff.ID, "order_viewed", o.Number); err != nil {
		return err
	}
	return h.renderOrder(c, t, o, fiber.StatusOK, "")
}

func (h *Console) renderOrder(c *fiber.Ctx, t *tenant.Tenant, o *storefront.Order, status int, problem string) error {
	base := h.page(c)
	def := t.DefaultLocale
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	p := OrderDetailPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Number: o.Number,
		Name: o.Name, Email: o.Email, Status: base.T("status." + string(o.Status)),
		Total: storefront.FormatMoney(o.TotalMinor, o.Currency, base.Lang), Problem: problem}
	for _, it := range o.Items {
		p.Items = append(p.Items, ItemRow{Product: it.ProductName.In(base.Lang, def), Variant: it.VariantLabel.In(base.Lang, def), Quantity: it.Quantity,
			Answers: answerRows(base, fields, []form.Scope{form.ScopeItem}, it.Answers, def)})
	}
	p.Answers = answerRows(base, fields, []form.Scope{form.ScopeCustomer, form.ScopeShipping}, o.Answers, def)
	if o.Address != nil {
		p.Address = address.Lines(*o.Address, base.Lang)
	}
	for _, ch := range o.History {
		p.History = append(p.History, HistoryRow{Status: base.T("status." + string(ch.Status)), At: ch.At.UTC().Format(base.T("format.datetime")), Note: ch.Note, Actor: ch.Actor})
	}
	for _, s := range statuses {
		if storefront.CanMove(o.Status, s) {
			p.Next = append(p.Next, OptionRow{Value: string(s), Label: base.T("status." + string(s))})
		}
	}
	sent, err := h.Orders.EmailsOfOrder(c.UserContext(), t.ID, o.ID)
	if err != nil {
		return err
	}
	for _, e := range sent {
		p.Emails = append(p.Emails, EmailRow{Kind: base.T("email.kind." + string(e.Kind)), Subject: e.Subject,
			To: strings.Join(e.Recipients, ", "), At: consoleTime(base, e.SentAt), MessageID: e.MessageID})
	}
	return h.render(c, status, "console_order", p, base.Lang)
}

// answerRows are the answers of the fields of scopes, in the form's
// order, labelled and worded in the staff member's language (else the
// event's). Answers to fields removed since the order keep their key as
// the label, after the others.
func answerRows(base themes.Page, fields []form.Field, scopes []form.Scope, answers map[string]any, def string) []AnswerRow {
	var rows []AnswerRow
	asked := map[string]bool{}
	for _, scope := range scopes {
		for _, f := range form.Sorted(fields, scope) {
			asked[f.Key] = true
			if v, ok := answers[f.Key]; ok {
				rows = append(rows, AnswerRow{Key: f.Key, Label: f.LabelFor(base.Lang, def), Value: displayAnswer(base, f, v, def)})
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(answers)) {
		if !asked[k] && !fieldKnown(fields, k) {
			rows = append(rows, AnswerRow{Key: k, Label: k, Value: displayAnswer(base, form.Field{Key: k}, answers[k], def)})
		}
	}
	return rows
}

// displayAnswer is an answer as the staff member reads it: yes and no in
// their language, choices by their labels.
func displayAnswer(base themes.Page, f form.Field, v any, def string) string {
	return f.DisplayAnswer(v, base.Lang, def, base.T("answer.yes"), base.T("answer.no"))
}

// fieldKnown reports whether the form still has a field with key, in any
// scope.
func fieldKnown(fields []form.Field, key string) bool {
	return slices.ContainsFunc(fields, func(f form.Field) bool { return f.Key == key })
}

func (h *Console) changeStatus(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	number := c.Params("number")
	_, err := h.Orders.ChangeOrderStatus(c.UserContext(), t.ID, number, storefront.Status(form.Get("status")), form.Get("note"), current(c).staff.ID)
	if code := marquee.ErrorCode(err); code == marquee.ECONFLICT || code == marquee.EINVALID {
		o, lerr := h.Orders.OrderByNumber(c.UserContext(), t.ID, number)
		if lerr != nil {
			return "", lerr
		}
		return "", h.renderOrder(c, t, o, fiber.StatusUnprocessableEntity, h.page(c).T(marquee.ErrorMessage(err)))
	}
	if err != nil {
		return "", err
	}
	return "/events/" + t.Slug + "/orders/" + number, nil
}

// exportOrders streams the filtered orders as CSV, one row per ordered
// item, without holding them in memory: the order's columns, one column
// per field of the event's order form (headed by the field's key, as the
// form builder promises), then the shipping address in its parts. Names
// and choices are in the event's default language; every cell a
// spreadsheet could take for a formula is neutralised.
func (h *Console) exportOrders(c *fiber.Ctx) error {
	t, err := h.event(c, orderRoles)
	if err != nil {
		return err
	}
	f := orderFilter(c)
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	if err := h.Orders.AuditOrderAccess(c.UserContext(), t.ID, current(c).staff.ID, "orders_exported", url.Values{"q": {f.Query}, "status": {string(f.Status)}}.Encode()); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+t.Slug+`-orders.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	columns := exportColumns(fields)
	log := h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		cw := csv.NewWriter(w)
		_ = cw.Write(safeCells(columns.header()))
		// The stream outlives the request handler: its own context.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		err := h.Orders.ExportOrders(ctx, t.ID, f, func(l storefront.ExportLine) error {
			if err := cw.Write(safeCells(columns.row(l, t.DefaultLocale))); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		})
		cw.Flush()
		if err != nil && log != nil {
			log.Error("order export failed", "event", t.Slug, "err", err)
		}
	})
	return nil
}

// orderColumns and addressColumns head the export's fixed columns.
var (
	orderColumns   = []string{"order", "placed_at", "status", "name", "email", "product", "variant", "quantity", "unit_price_minor", "currency"}
	addressColumns = []string{"address_name", "address_line1", "address_line2", "address_line3", "address_sublocality",
		"address_locality", "address_region", "address_postal_code", "address_country_code"}
)

// exportFields are the order form's fields as export columns: customer
// and shipping answers come from the order, item answers from the line.
type exportFields struct{ order, item []form.Field }

func exportColumns(fields []form.Field) exportFields {
	order := append(form.Sorted(fields, form.ScopeCustomer), form.Sorted(fields, form.ScopeShipping)...)
	return exportFields{order: order, item: form.Sorted(fields, form.ScopeItem)}
}

func (e exportFields) header() []string {
	h := slices.Clone(orderColumns)
	for _, f := range append(slices.Clone(e.order), e.item...) {
		h = append(h, f.Key)
	}
	return append(h, addressColumns...)
}

// row is one line's cells in header order. Checkboxes read TRUE and FALSE,
// as spreadsheets write them.
func (e exportFields) row(l storefront.ExportLine, def string) []string {
	row := []string{l.Number, l.CreatedAt.UTC().Format(time.RFC3339), l.Status, l.Name, l.Email,
		l.Product.In(def, def), l.Variant.In(def, def), strconv.Itoa(l.Quantity), strconv.FormatInt(l.UnitPriceMinor, 10), l.Currency}
	for _, f := range e.order {
		row = append(row, f.DisplayAnswer(l.Answers[f.Key], def, def, "TRUE", "FALSE"))
	}
	for _, f := range e.item {
		row = append(row, f.DisplayAnswer(l.ItemAnswers[f.Key], def, def, "TRUE", "FALSE"))
	}
	a := address.Address{}
	if l.Address != nil {
		a = *l.Address
	}
	return append(row, a.Name, a.Line1, a.Line2, a.Line3, a.Sublocality, a.Locality, a.Region, a.PostalCode, a.CountryCode)
}

// safeCells neutralises every cell of row, in place.
func safeCells(row []string) []string {
	for i := range row {
		row[i] = storefront.SafeCell(row[i])
	}
	return row
}
