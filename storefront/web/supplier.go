package web

import (
	"bytes"
	"context"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/themes"
)

// Dispatches are the suppliers' lines and their dispatch (db.DB).
type Dispatches interface {
	Supplier(ctx context.Context, tenantID, supplierID uuid.UUID) (suppliers.Supplier, error)
	SupplierLines(ctx context.Context, tenantID uuid.UUID, s suppliers.Supplier, number string, skip, limit int) ([]storefront.SupplierLine, error)
	DispatchLines(ctx context.Context, tenantID uuid.UUID, d storefront.Dispatch) (*storefront.Order, int, error)
}

// supplierPageLines is how many lines one supplier page shows.
const supplierPageLines = 200

// maxDispatchLines is how many lines one form may mark.
const maxDispatchLines = supplierPageLines

// SupplierPage lists a supplier's lines of an event (of one order, or of
// all it fulfils) with a checkbox each, to mark them dispatched.
type SupplierPage struct {
	themes.Page
	Supplier, Order   string
	Orders            []SupplierOrderView
	Marked            int // lines just marked (after the form), -1: none
	Action, CSRF      string
	Markable          bool // a line may still be marked
	Prev, Next        string
	NoteMax, PageSize int
}

// SupplierOrderView is one order's lines on the supplier's page.
type SupplierOrderView struct {
	Number, Status, Problem string
	Address                 []string
	Lines                   []SupplierLineView
}

// SupplierLineView is one line: what to make, and whether it went.
type SupplierLineView struct {
	Value, Product, Variant string
	Quantity                int
	Answers                 []AnswerView
	Markable                bool
	Dispatched, Note        string // when it was marked, and its note
}

// supplierGrant checks the request's supplier link and returns the
// event's site, the grant and the supplier. A link that is not this
// event's or not signed is a 404; one past its expiry a 403 that says so.
// Unlike the attendee's pages it opens on an event that has ended (its
// list goes out then), not on a suspended one.
// ok is false when the response is written or err says why not.
func (h *Handler) supplierGrant(c *fiber.Ctx) (site *storefront.Site, g storefront.SupplierGrant, s suppliers.Supplier, ok bool, err error) {
	t := tenant.FromContext(c.UserContext())
	if t == nil || h.Dispatches == nil {
		return nil, g, s, false, tenant.ErrUnknownHost
	}
	if site, err = h.Sites.Get(c.UserContext(), t); err != nil {
		return nil, g, s, false, err
	}
	if t.Status == tenant.StatusSuspended {
		return site, g, s, false, h.closed(c, site, fiber.StatusServiceUnavailable, "suspended")
	}
	g, signed := h.SupplierLinks.Grant(t.ID, c.Params("id"), c.Query("order"), c.Query("exp"), c.Query("sig"))
	if !signed {
		return site, g, s, false, marquee.New(marquee.ENOTFOUND, "dispatch.link_invalid")
	}
	if !g.Valid(site.Settings, h.now()) {
		return site, g, s, false, marquee.New(marquee.EFORBIDDEN, "dispatch.link_expired")
	}
	s, err = h.Dispatches.Supplier(c.UserContext(), t.ID, g.SupplierID)
	return site, g, s, err == nil, err
}

// supplierPage shows the lines of a supplier link.
func (h *Handler) supplierPage(c *fiber.Ctx) error {
	site, g, s, ok, err := h.supplierGrant(c)
	if !ok {
		return err
	}
	page, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || page < 1 || page > 10000 {
		return marquee.Invalid("page", "error.bad_request")
	}
	lines, err := h.Dispatches.SupplierLines(c.UserContext(), site.Tenant.ID, s, g.Order, (page-1)*supplierPageLines, supplierPageLines+1)
	if err != nil {
		return err
	}
	if g.Order != "" && len(lines) == 0 {
		return marquee.New(marquee.ENOTFOUND, "order.not_found")
	}
	l := siteLang(c, site)
	base := h.basePage(site, l)
	query := h.SupplierLinks.Query(site.Tenant.ID, g)
	base.LinkQuery = query
	p := SupplierPage{Page: base, Supplier: s.Name, Order: g.Order, Marked: -1, CSRF: h.csrfToken(c), NoteMax: storefront.MaxDispatchNote,
		Action: "/supplier/" + g.SupplierID.String() + "/dispatch?" + query.Encode()}
	if n, err := strconv.Atoi(c.Query("marked")); err == nil && n >= 0 {
		p.Marked = n
	}
	if len(lines) > supplierPageLines {
		lines = lines[:supplierPageLines]
		p.Next = h.supplierPageURL(g, query, page+1)
	}
	if page > 1 {
		p.Prev = h.supplierPageURL(g, query, page-1)
	}
	p.Orders = supplierOrderViews(base, site, lines)
	for _, o := range p.Orders {
		for _, line := range o.Lines {
			p.Markable = p.Markable || line.Markable
		}
	}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "supplier_dispatch", p); err != nil {
		return err
	}
	return h.send(c, fiber.StatusOK, l, buf.Bytes(), "no-store")
}

func (h *Handler) supplierPageURL(g storefront.SupplierGrant, query url.Values, page int) string {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(page))
	return "/supplier/" + g.SupplierID.String() + "?" + q.Encode()
}

// supplierOrderViews groups lines (in their orders' order) by order.
func supplierOrderViews(base themes.Page, site *storefront.Site, lines []storefront.SupplierLine) []SupplierOrderView {
	var out []SupplierOrderView
	def := site.Tenant.DefaultLocale
	for _, sl := range lines {
		if len(out) == 0 || out[len(out)-1].Number != sl.OrderNumber {
			v := SupplierOrderView{Number: sl.OrderNumber, Status: base.T("status." + string(sl.OrderStatus))}
			if err := storefront.CheckSupplierDispatch(sl.OrderStatus); err != nil {
				v.Problem = base.T(marquee.ErrorMessage(err))
			}
			if sl.Address != nil && site.Settings.Ships {
				v.Address = address.Lines(*sl.Address, base.Lang)
			}
			out = append(out, v)
		}
		o := &out[len(out)-1]
		it := sl.Item
		line := SupplierLineView{Value: sl.OrderNumber + "." + strconv.Itoa(it.Position), Product: it.ProductName.In(base.Lang, def),
			Variant: it.VariantLabel.In(base.Lang, def), Quantity: it.Quantity, Answers: answerViews(base, site, form.ScopeItem, it.Answers),
			Markable: o.Problem == "" && it.DispatchedAt == nil, Note: it.DispatchNote}
		if it.DispatchedAt != nil {
			line.Dispatched = base.EventTime(*it.DispatchedAt)
		}
		o.Lines = append(o.Lines, line)
	}
	return out
}

// dispatchLines marks the chosen lines of a supplier link dispatched, then
// shows the page again with how many it marked. Every line is checked
// before any is written: a line of another supplier, of another order
// than the link's, or of an order that is not to be sent refuses the
// whole form.
func (h *Handler) dispatchLines(c *fiber.Ctx) error {
	site, g, s, ok, err := h.supplierGrant(c)
	if !ok {
		return err
	}
	values, err := formValues(c)
	if err == nil {
		err = h.checkCSRF(c, values)
	}
	if err != nil {
		return err
	}
	picks, err := parseLineRefs(values["line"], g.Order)
	if err != nil {
		return err
	}
	note, err := storefront.ParseDispatchNote(values.Get("note"))
	if err != nil {
		return err
	}
	byOrder, err := h.checkPicks(c.UserContext(), site.Tenant.ID, s, picks)
	if err != nil {
		return err
	}
	marked := 0
	for _, number := range slices.Sorted(maps.Keys(byOrder)) {
		_, n, err := h.Dispatches.DispatchLines(c.UserContext(), site.Tenant.ID, storefront.Dispatch{SupplierID: s.ID, Order: number,
			Positions: byOrder[number], Note: note, Ships: site.Settings.Ships})
		if err != nil {
			return err
		}
		marked += n
	}
	q := h.SupplierLinks.Query(site.Tenant.ID, g)
	q.Set("marked", strconv.Itoa(marked))
	return c.Redirect("/supplier/"+g.SupplierID.String()+"?"+q.Encode(), fiber.StatusSeeOther)
}

// parseLineRefs reads the form's line values ("NUMBER.POSITION"), each
// once; order, when not "", is the only order they may be of.
func parseLineRefs(raw []string, order string) ([]storefront.LineRef, error) {
	if len(raw) == 0 {
		return nil, marquee.Invalid("line", "dispatch.choose_lines")
	}
	if len(raw) > maxDispatchLines {
		return nil, marquee.Invalid("line", "dispatch.line_invalid")
	}
	var out []storefront.LineRef
	for _, v := range raw {
		i := strings.LastIndexByte(v, '.')
		if i <= 0 || i > 40 {
			return nil, marquee.Invalid("line", "dispatch.line_invalid")
		}
		pos, err := strconv.Atoi(v[i+1:])
		if err != nil || pos < 0 || pos > 9999 || strconv.Itoa(pos) != v[i+1:] {
			return nil, marquee.Invalid("line", "dispatch.line_invalid")
		}
		ref := storefront.LineRef{Order: v[:i], Position: pos}
		if order != "" && ref.Order != order {
			return nil, marquee.New(marquee.EFORBIDDEN, "dispatch.not_your_line")
		}
		if !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out, nil
}

// checkPicks groups the picked lines by order after checking each is a
// line of the supplier's in an order that may be sent.
func (h *Handler) checkPicks(ctx context.Context, tenantID uuid.UUID, s suppliers.Supplier, picks []storefront.LineRef) (map[string][]int, error) {
	byOrder := map[string][]int{}
	for _, p := range picks {
		byOrder[p.Order] = append(byOrder[p.Order], p.Position)
	}
	for number, positions := range byOrder {
		lines, err := h.Dispatches.SupplierLines(ctx, tenantID, s, number, 0, 1000)
		if err != nil {
			return nil, err
		}
		for _, pos := range positions {
			i := slices.IndexFunc(lines, func(l storefront.SupplierLine) bool { return l.Item.Position == pos })
			if i < 0 {
				return nil, marquee.New(marquee.EFORBIDDEN, "dispatch.not_your_line")
			}
			if err := storefront.CheckSupplierDispatch(lines[i].OrderStatus); err != nil && lines[i].Item.DispatchedAt == nil {
				return nil, err
			}
		}
	}
	return byOrder, nil
}
