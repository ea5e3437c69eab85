package web

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/form"
	tenantweb "marquee/tenant/web"
)

// Orders places and finds orders; db.DB implements it.
type Orders interface {
	PlaceOrder(ctx context.Context, tenantID uuid.UUID, req storefront.OrderRequest) (*storefront.Order, error)
	OrderByNumber(ctx context.Context, tenantID uuid.UUID, number string) (*storefront.Order, error)
	CancelOrder(ctx context.Context, tenantID uuid.UUID, number, actor string) (*storefront.Order, error)
}

// orderPage shows the order form, preselecting a product's variant and
// quantity when the product page sent the visitor here. After the closing
// time it shows that orders have closed instead (200: the page exists and
// says so; the closing time may still be moved).
func (h *Handler) orderPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	if site.Settings.OrdersClosed(h.now()) {
		return h.closed(c, site, fiber.StatusOK, "orders")
	}
	if token := c.Query("offer"); token != "" {
		return h.offerOrderForm(c, site, token)
	}
	if code := c.Query(codeQuery); code != "" {
		return h.applyCode(c, site, code, "/order", func(typed, errID string) error {
			return h.renderOrderForm(c, site, fiber.StatusUnprocessableEntity, url.Values{codeQuery: {typed}}, form.Errors{inputVoucher: errID})
		})
	}
	pid := c.Query("product")
	site, v := h.withCode(c, site)
	if pid == "" && v == nil {
		return h.sendBlankOrderForm(c, site)
	}
	values := url.Values{}
	if v != nil {
		values.Set(inputVoucher, v.Code)
	}
	for i, p := range site.Catalogue.Visible() {
		if p.ID.String() == pid {
			values.Set(lineInput(i, "variant"), c.Query("variant"))
			values.Set(lineInput(i, "quantity"), "1")
		}
	}
	return h.renderOrderForm(c, site, fiber.StatusOK, values, form.Errors{})
}

func (h *Handler) renderOrderForm(c *fiber.Ctx, site *storefront.Site, status int, values url.Values, errs form.Errors) error {
	l := siteLang(c, site)
	p := h.orderForm(site, h.basePage(site, l), values, errs)
	p.CSRF = h.csrfToken(c)
	if code := values.Get(inputVoucher); code != "" && errs[inputVoucher] == "" {
		if v, err := h.voucherFor(c, site, code); err == nil {
			p.Code = codeView(p.Page, site, v, "/order", "", "", p.CSRF)
		}
	}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "order", p); err != nil {
		return err
	}
	return h.send(c, status, l, buf.Bytes(), "no-store")
}

// The order form's actions (its buttons' values). Any other places the
// order, as "place" does.
const (
	actionPlace   = "place"
	actionReview  = "review"  // show the review page: what the order holds, its total, "Place order"
	actionChange  = "change"  // back from the review page to the form, every value kept
	actionRefresh = "refresh" // the country changed: redraw its address form
)

// placeOrder validates the form, places the order and sends the attendee
// to its status page, or shows the review page first when asked to; any
// problem re-renders the form with every value kept, the message next to
// its input, and nothing written.
func (h *Handler) placeOrder(c *fiber.Ctx) error {
	site, values, ok, err := h.submission(c)
	if !ok {
		return err
	}
	site, ok, err = h.submittedCode(c, site, values)
	if !ok {
		return err
	}
	action := values.Get(inputAction)
	if action == actionRefresh || action == actionChange { // redraw the form: a new country's address, or back from the review
		return h.renderOrderForm(c, site, fiber.StatusOK, values, form.Errors{})
	}
	po := parseOrder(site, values, siteLang(c, site))
	po.parsePayment(site, values, h.OnlinePayments)
	if !po.errors.Empty() {
		return h.renderOrderForm(c, site, fiber.StatusUnprocessableEntity, values, po.errors)
	}
	if action == actionReview {
		return h.renderReview(c, site, values, po)
	}
	order, err := h.Orders.PlaceOrder(c.UserContext(), site.Tenant.ID, po.req)
	if err != nil {
		return h.orderRefused(c, site, values, po, err)
	}
	if order.Status == storefront.StatusPendingPayment {
		return h.toCheckout(c, site, order)
	}
	return c.Redirect(h.Links.Path(site.Tenant.ID, order.Number)+"&placed=1", fiber.StatusSeeOther)
}

// orderRefused re-renders the form with why the order could not be placed
// (sold out, over a limit, sales closed), next to the line it is about.
func (h *Handler) orderRefused(c *fiber.Ctx, site *storefront.Site, values url.Values, po parsedOrder, err error) error {
	if marquee.ErrorCode(err) == marquee.EINTERNAL || marquee.ErrorCode(err) == marquee.EUNAVAILABLE {
		return err
	}
	name := "form"
	if marquee.ErrorField(err) == inputVoucher {
		return h.codeRefused(c, site, values, err)
	}
	if field := marquee.ErrorField(err); strings.HasPrefix(field, "item.") {
		if i, perr := strconv.Atoi(strings.TrimPrefix(field, "item.")); perr == nil && i < len(po.rowOf) {
			name = lineInput(po.rowOf[i], "product")
		}
	}
	status := fiber.StatusUnprocessableEntity
	if code := marquee.ErrorCode(err); code != marquee.EINVALID {
		status = marquee.HTTPStatus(err)
	}
	return h.renderOrderForm(c, site, status, values, form.Errors{name: marquee.ErrorMessage(err)})
}

// submission loads the event of a form post and its values, refusing
// anything but an urlencoded body with a valid CSRF token. ok is false when
// the request is answered (a closed event's page) or refused (err).
func (h *Handler) submission(c *fiber.Ctx) (*storefront.Site, url.Values, bool, error) {
	site, ok, err := h.site(c)
	if !ok {
		return nil, nil, false, err
	}
	values, err := formValues(c)
	if err == nil {
		err = h.checkCSRF(c, values)
	}
	if err != nil {
		return nil, nil, false, err
	}
	return site, values, true, nil
}

// maxFormBody is the largest storefront form accepted; the server as a
// whole allows more, for the console's image uploads.
const maxFormBody = 256 << 10

// formValues reads an urlencoded form body; anything else is refused
// before it is parsed.
func formValues(c *fiber.Ctx) (url.Values, error) { return tenantweb.FormValues(c, maxFormBody) }
