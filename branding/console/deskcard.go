package console

import (
	"errors"
	"net/url"
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

// DeskCardPage is one order at the desk, to be read at a glance: who,
// what to hand over, any problem, and the one button.
type DeskCardPage struct {
	themes.Page
	CSRF, Event, Slug, Number, Name, Email, Status, Payment, Total string
	Erased                                                         bool
	Items                                                          []ItemRow
	Answers                                                        []AnswerRow
	// Problem is the order's desk problem ("" none: it may be handed
	// over); ProblemText says it, with when and by whom for a collected
	// order.
	Problem, ProblemText string
	// CanCollect offers "Collected"; CanPayAndCollect "Mark paid and
	// collect" (an order to be paid at pick-up).
	CanCollect, CanPayAndCollect bool
}

// deskRecent is how long after collecting an order the same staff
// member's second tap counts as the same collection: a double tap, or a
// reload of the form, is not a problem to show.
const deskRecent = 2 * time.Minute

func (h *Console) deskCard(c *fiber.Ctx) error {
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
	return h.renderDeskCard(c, t, o, fiber.StatusOK)
}

func (h *Console) renderDeskCard(c *fiber.Ctx, t *tenant.Tenant, o *storefront.Order, status int) error {
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	def := t.DefaultLocale
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	p := DeskCardPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Number: o.Number,
		Name: o.Name, Email: o.Email, Erased: o.ErasedAt != nil, Status: base.T("status." + string(o.Status)),
		Payment: paymentLabel(base, o.PaymentState), Total: storefront.FormatMoney(o.TotalMinor, o.Currency, base.Lang)}
	for _, it := range o.Items {
		p.Items = append(p.Items, ItemRow{Product: it.ProductName.In(base.Lang, def), Variant: it.VariantLabel.In(base.Lang, def),
			Quantity: it.Quantity, Answers: answerRows(base, fields, []form.Scope{form.ScopeItem}, it.Answers, def)})
	}
	p.Answers = answerRows(base, fields, []form.Scope{form.ScopeCustomer}, o.Answers, def)
	problem := o.DeskProblem()
	p.Problem = string(problem)
	p.CanCollect = problem == storefront.ProblemNone
	p.CanPayAndCollect = problem == storefront.ProblemNotPaid
	switch problem {
	case storefront.ProblemNone:
	case storefront.ProblemCollected:
		p.ProblemText = h.collectedText(c, base, o)
	case storefront.ProblemNotPaid:
		p.ProblemText = base.T(problem.Message(), "Amount", p.Total)
	default:
		p.ProblemText = base.T(problem.Message())
	}
	return h.render(c, status, "console_desk_order", p, base.Lang)
}

// collectedText says when and by whom o was collected, from its history.
func (h *Console) collectedText(c *fiber.Ctx, base themes.Page, o *storefront.Order) string {
	for i := len(o.History) - 1; i >= 0; i-- {
		if ch := o.History[i]; ch.Status == storefront.StatusCollected && ch.Change == "" {
			return base.T("desk.problem.collected_by", "At", consoleTime(base, ch.At), "Who", h.actorName(c, base, ch.Actor))
		}
	}
	return base.T(storefront.ProblemCollected.Message())
}

// actorName is who a history actor ("staff:<id>") is, as the desk reads
// it: "you", a colleague's name (else email), or the actor as written.
func (h *Console) actorName(c *fiber.Ctx, base themes.Page, actor string) string {
	id, err := uuid.Parse(strings.TrimPrefix(actor, "staff:"))
	if err != nil || !strings.HasPrefix(actor, "staff:") {
		return actor
	}
	if id == current(c).staff.ID {
		return base.T("desk.you")
	}
	st, err := h.Identity.StaffByID(c.UserContext(), id)
	switch {
	case err != nil:
		return base.T("desk.a_colleague")
	case st.Name != "":
		return st.Name
	}
	return st.Email
}

// collect hands the route's order over (with paid=1, taking its desk
// payment too) and goes back to the desk for the next one. A refusal
// redraws the card with its problem (409); a second tap of the same
// staff member just after their own collection is the same collection.
func (h *Console) collect(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	number := c.Params("number")
	me := current(c).staff.ID
	_, err := h.Orders.CollectOrder(c.UserContext(), t.ID, number, me, form.Get("paid") == "1")
	var already *storefront.AlreadyCollected
	if errors.As(err, &already) && already.Actor == "staff:"+me.String() && h.now().Sub(already.At) < deskRecent {
		err = nil
	}
	if marquee.ErrorCode(err) == marquee.ECONFLICT {
		o, lerr := h.Orders.OrderByNumber(c.UserContext(), t.ID, number)
		if lerr != nil {
			return "", lerr
		}
		return "", h.renderDeskCard(c, t, o, fiber.StatusConflict)
	}
	if err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/desk", "collected"), nil
}
