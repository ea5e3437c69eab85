package console

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/themes"
)

// OrderDetailPage is one order with its history and the status form.
type OrderDetailPage struct {
	themes.Page
	CSRF, Event, Slug, Number, Name, Email, Status, Total, Problem string
	Items                                                          []ItemRow
	Answers                                                        []AnswerRow
	Address                                                        []string // the shipping address as on a parcel; nil when not shipped
	History                                                        []HistoryRow
	Next                                                           []OptionRow
	CanCancel                                                      bool // cancelling is asked about on its own page, not offered in Next
	Emails                                                         []EmailRow
	Erased                                                         string // when its personal data was erased; "" while kept
	Payment                                                        PaymentView
}

// EmailRow is one email sent about the order.
type EmailRow struct{ Kind, Subject, To, At, MessageID string }

// ItemRow is one ordered line with its own answers (the name to print).
type ItemRow struct {
	Product, Variant string
	Quantity         int
	Answers          []AnswerRow
	// Dispatched says when its supplier marked it dispatched, with their
	// tracking note ("" not yet).
	Dispatched string
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
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
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
		if at := it.DispatchedAt; at != nil {
			row := &p.Items[len(p.Items)-1]
			row.Dispatched = base.T("console.orders.line_dispatched", "At", consoleTime(base, *at))
			if it.DispatchNote != "" {
				row.Dispatched += " · " + it.DispatchNote
			}
		}
	}
	p.Answers = answerRows(base, fields, []form.Scope{form.ScopeCustomer, form.ScopeShipping}, o.Answers, def)
	if p.Payment, err = h.orderPayment(c.UserContext(), base, o); err != nil {
		return err
	}
	if o.ErasedAt != nil {
		p.Erased = consoleTime(base, *o.ErasedAt)
	}
	if o.Address != nil {
		p.Address = address.Lines(*o.Address, base.Lang)
	}
	who := h.historyActors(c, base, t.ID)
	for _, ch := range o.History {
		what := base.T("status." + string(ch.Status))
		if ch.Change != "" {
			what = base.T("change." + string(ch.Change)) // the attendee's change: the status stayed
		}
		p.History = append(p.History, HistoryRow{Status: what, At: consoleTime(base, ch.At), Note: ch.Note, Actor: who.name(ch.Actor)})
	}
	for _, s := range statuses {
		if s == storefront.StatusCancelled {
			p.CanCancel = storefront.CanMove(o.Status, s)
			continue
		}
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
	return flashed("/events/"+t.Slug+"/orders/"+number, "status_changed"), nil
}

// cancelOrder is the confirmed cancellation of the route's order: a
// status change to cancelled with the note the confirm page carried.
func (h *Console) cancelOrder(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	form.Set("status", string(storefront.StatusCancelled))
	return h.changeStatus(c, t, form)
}
