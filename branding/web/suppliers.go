package web

import (
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/themes"
)

// The console's email pages: dev's inbox and the failed jobs for platform
// admins, the previews of every email for those who shape an event, and
// the suppliers for those who fulfil its orders.

// previewRoles may preview an event's emails: the people who shape what
// attendees read.
var previewRoles = editorRoles

// supplierRoles may manage an event's suppliers: the people who get the
// orders made.
var supplierRoles = orderRoles

const (
	inboxPerPage    = 50
	failedJobsShown = 200
	batchesShown    = 20
)

// emailFrameCSP lets an email's HTML part show its images and inline
// styles inside a console frame, and nothing more: no scripts, no forms,
// no requests of its own.
const emailFrameCSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

// errPageNotFound answers anything a route names that is not there, or
// not the event's: the same 404 either way.
var errPageNotFound = marquee.New(marquee.ENOTFOUND, "error.not_found")

// consoleTime formats a time for the console's tables, always in UTC.
func consoleTime(p themes.Page, t time.Time) string {
	return t.UTC().Format(p.T("format.datetime")) + " UTC"
}

// sendEmailHTML answers with an email's HTML part, for a sandboxed frame
// of the console: the page-wide policy forbids framing, this one allows
// it on the console's own pages only.
func sendEmailHTML(c *fiber.Ctx, html string) error {
	c.Set(fiber.HeaderContentSecurityPolicy, emailFrameCSP)
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(html)
}

// sendDownload answers with a file to save, never to show.
func sendDownload(c *fiber.Ctx, a notify.Attachment) error {
	ct := a.ContentType
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		ct = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(a.Data)
}

// InboxPage lists dev's inbox, newest first.
type InboxPage struct {
	themes.Page
	Enabled  bool
	Messages []InboxRow
	Next     string // the link to older messages; "" on the last page
}

// InboxRow is one message in the inbox.
type InboxRow struct {
	ID                      int64
	Link, From, To, Subject string
	Received                string
}

func (h *Console) inbox(c *fiber.Ctx) error {
	base := h.page(c)
	p := InboxPage{Page: base, Enabled: h.Mail.InboxEnabled()}
	if !p.Enabled {
		return h.render(c, fiber.StatusOK, "console_inbox", p, base.Lang)
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	list, err := h.Mail.Inbox(c.UserContext(), before, inboxPerPage+1)
	if err != nil {
		return err
	}
	if len(list) > inboxPerPage {
		list = list[:inboxPerPage]
		p.Next = "/platform/inbox?before=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	for _, m := range list {
		p.Messages = append(p.Messages, InboxRow{ID: m.ID, Link: inboxLink(m.ID), From: m.Message.FromName,
			To: strings.Join(m.Message.To, ", "), Subject: m.Message.Subject, Received: consoleTime(base, m.ReceivedAt)})
	}
	return h.render(c, fiber.StatusOK, "console_inbox", p, base.Lang)
}

func inboxLink(id int64) string { return "/platform/inbox/" + strconv.FormatInt(id, 10) }

// InboxMessagePage is one message of the inbox, whole.
type InboxMessagePage struct {
	themes.Page
	From, To, ReplyTo, Subject, Received, MessageID string
	Text, HTMLSrc                                   string
	Headers                                         []AnswerRow
	Attachments                                     []AttachmentRow
}

// AttachmentRow is one attached file with its download link.
type AttachmentRow struct{ Name, ContentType, Size, Link string }

// inboxMessageParam is the message the route names; an id that is not a
// number is as unknown as a number that names nothing.
func (h *Console) inboxMessageParam(c *fiber.Ctx) (notify.InboxMessage, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return notify.InboxMessage{}, errPageNotFound
	}
	return h.Mail.InboxMessage(c.UserContext(), id)
}

func (h *Console) inboxMessage(c *fiber.Ctx) error {
	m, err := h.inboxMessageParam(c)
	if err != nil {
		return err
	}
	base := h.page(c)
	msg := m.Message
	link := inboxLink(m.ID)
	p := InboxMessagePage{Page: base, From: fromHeader(msg), To: strings.Join(msg.To, ", "), ReplyTo: msg.ReplyTo,
		Subject: msg.Subject, Received: consoleTime(base, m.ReceivedAt), MessageID: m.MessageID, Text: msg.Text}
	if msg.HTML != "" {
		p.HTMLSrc = link + "/html"
	}
	for _, k := range headerNames(msg.Headers) {
		p.Headers = append(p.Headers, AnswerRow{Key: k, Value: msg.Headers[k]})
	}
	for i, a := range msg.Attachments {
		p.Attachments = append(p.Attachments, AttachmentRow{Name: a.Name, ContentType: a.ContentType,
			Size: strconv.Itoa(len(a.Data)), Link: link + "/attachments/" + strconv.Itoa(i)})
	}
	return h.render(c, fiber.StatusOK, "console_inbox_message", p, base.Lang)
}

func fromHeader(m notify.Message) string {
	if m.FromName == "" {
		return m.FromAddress
	}
	return m.FromName + " <" + m.FromAddress + ">"
}

func headerNames(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (h *Console) inboxHTML(c *fiber.Ctx) error {
	m, err := h.inboxMessageParam(c)
	if err != nil {
		return err
	}
	return sendEmailHTML(c, m.Message.HTML)
}

// inboxAttachment downloads the n-th attachment (from 0) of a message.
func (h *Console) inboxAttachment(c *fiber.Ctx) error {
	m, err := h.inboxMessageParam(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 0 || n >= len(m.Message.Attachments) {
		return errPageNotFound
	}
	return sendDownload(c, m.Message.Attachments[n])
}

// JobsPage lists the jobs that gave up.
type JobsPage struct {
	themes.Page
	CSRF, Notice string
	Jobs         []JobRow
}

// JobRow is one failed job with its retry action.
type JobRow struct {
	ID                        int64
	Kind, Args, LastError, At string
	Attempts                  int
	Retry                     string
}

func (h *Console) failedJobs(c *fiber.Ctx) error {
	list, err := h.Mail.FailedJobs(c.UserContext(), failedJobsShown)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := JobsPage{Page: base, CSRF: h.sessionToken(current(c))}
	if c.Query("notice") == "retried" {
		p.Notice = base.T("console.jobs.retried")
	}
	for _, j := range list {
		p.Jobs = append(p.Jobs, JobRow{ID: j.ID, Kind: j.Kind, Args: j.Args, LastError: j.LastError, At: consoleTime(base, j.At),
			Attempts: j.Attempts, Retry: "/platform/jobs/" + strconv.FormatInt(j.ID, 10) + "/retry"})
	}
	return h.render(c, fiber.StatusOK, "console_jobs", p, base.Lang)
}

// retryJob queues a failed job again. Only a job the page lists may be
// retried: retrying a scheduled job (a supplier's list due when the event
// closes) would send it at once.
func (h *Console) retryJob(c *fiber.Ctx) error {
	if _, err := h.sessionForm(c); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return errPageNotFound
	}
	list, err := h.Mail.FailedJobs(c.UserContext(), failedJobsShown)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(list, func(j jobs.FailedJob) bool { return j.ID == id }) {
		return errPageNotFound
	}
	if err := h.Mail.RetryJob(c.UserContext(), id); err != nil {
		return err
	}
	return c.Redirect("/platform/jobs?notice=retried", fiber.StatusSeeOther)
}

// staffPage is a console page in the staff member's language, from the
// browser's languages alone: on the preview pages ?lang= names the
// language of the email, not of the console.
func (h *Console) staffPage(c *fiber.Ctx) themes.Page {
	offered := h.Themes.Translations().Locales()
	l := themes.Negotiate("", c.Get(fiber.HeaderAcceptLanguage), offered, themes.DefaultLocale)
	return h.Themes.NewPage(l, nil, nil)
}

// EmailsPage lists every email of an event, each with a preview link per
// language of the event.
type EmailsPage struct {
	themes.Page
	Event, Slug string
	Kinds       []KindRow
}

// KindRow is one email template.
type KindRow struct {
	Kind, Name string
	Previews   []PreviewLink
}

// PreviewLink opens a preview in one language.
type PreviewLink struct {
	Lang, Language, Link string
	Current              bool
}

func previewLinks(p themes.Page, t *tenant.Tenant, kind notify.Kind, current string) []PreviewLink {
	out := make([]PreviewLink, 0, len(t.Locales))
	for _, l := range t.Locales {
		out = append(out, PreviewLink{Lang: l, Language: p.LanguageName(l), Current: l == current,
			Link: "/events/" + t.Slug + "/emails/" + string(kind) + "?" + url.Values{"lang": {l}}.Encode()})
	}
	return out
}

func (h *Console) emailPreviews(c *fiber.Ctx) error {
	t, err := h.event(c, previewRoles)
	if err != nil {
		return err
	}
	base := h.staffPage(c)
	p := EmailsPage{Page: base, Event: t.Name, Slug: t.Slug}
	for _, k := range h.Mail.Kinds(base.Lang) {
		p.Kinds = append(p.Kinds, KindRow{Kind: string(k.Kind), Name: k.Name, Previews: previewLinks(base, t, k.Kind, "")})
	}
	return h.render(c, fiber.StatusOK, "console_emails", p, base.Lang)
}

// previewParams are the event, the kind and the language of a preview
// route: a kind the platform does not send, or a language the event does
// not offer, is not found.
func (h *Console) previewParams(c *fiber.Ctx) (*tenant.Tenant, notify.Kind, string, error) {
	t, err := h.event(c, previewRoles)
	if err != nil {
		return nil, "", "", err
	}
	lang := c.Query("lang", t.DefaultLocale)
	if !slices.Contains(t.Locales, lang) {
		return nil, "", "", errPageNotFound
	}
	kind := notify.Kind(c.Params("kind"))
	for _, k := range h.Mail.Kinds(lang) {
		if k.Kind == kind {
			return t, kind, lang, nil
		}
	}
	return nil, "", "", errPageNotFound
}

// EmailPreviewPage is one email rendered with sample data.
type EmailPreviewPage struct {
	themes.Page
	Event, Slug, KindName, Language  string
	Subject, From, ReplyTo, To, Text string
	HTMLSrc                          string
	Previews                         []PreviewLink // the same email in the event's other languages
	Attachments                      []string
}

func (h *Console) emailPreview(c *fiber.Ctx) error {
	t, kind, lang, err := h.previewParams(c)
	if err != nil {
		return err
	}
	m, err := h.Mail.Preview(c.UserContext(), t, kind, lang)
	if err != nil {
		return err
	}
	base := h.staffPage(c)
	p := EmailPreviewPage{Page: base, Event: t.Name, Slug: t.Slug, KindName: base.T("email.kind." + string(kind)),
		Language: base.LanguageName(lang), Subject: m.Subject, From: fromHeader(m), ReplyTo: m.ReplyTo, To: strings.Join(m.To, ", "),
		Text: m.Text, Previews: previewLinks(base, t, kind, lang),
		HTMLSrc: "/events/" + t.Slug + "/emails/" + string(kind) + "/html?" + url.Values{"lang": {lang}}.Encode()}
	for _, a := range m.Attachments {
		p.Attachments = append(p.Attachments, a.Name)
	}
	return h.render(c, fiber.StatusOK, "console_email_preview", p, base.Lang)
}

func (h *Console) emailPreviewHTML(c *fiber.Ctx) error {
	t, kind, lang, err := h.previewParams(c)
	if err != nil {
		return err
	}
	m, err := h.Mail.Preview(c.UserContext(), t, kind, lang)
	if err != nil {
		return err
	}
	return sendEmailHTML(c, m.HTML)
}

// supplierNotices are the messages the supplier pages show after a change.
var supplierNotices = map[string]string{
	"created": "console.suppliers.created",
	"saved":   "console.suppliers.saved",
	"deleted": "console.suppliers.deleted",
	"queued":  "console.suppliers.queued",
}

// SuppliersPage lists an event's suppliers, their latest lists, and the
// form that adds one.
type SuppliersPage struct {
	themes.Page
	CSRF, Event, Slug, Notice, Problem, ProblemField string
	Suppliers                                        []SupplierRow
	Batches                                          []BatchRow
	Form                                             SupplierForm
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

// SupplierForm is the new-supplier and edit form with its values.
type SupplierForm struct {
	Action, Submit             string
	Name, Emails, Mode, SendAt string
	Products                   []ProductChoice
}

// ProductChoice is a product's checkbox (all its options) and one per
// option.
type ProductChoice struct {
	ID, Name string
	Checked  bool
	Options  []OptionChoice
}

// OptionChoice is one option's checkbox.
type OptionChoice struct {
	ID, Label string
	Checked   bool
}

func (h *Console) suppliers(c *fiber.Ctx) error {
	t, err := h.event(c, supplierRoles)
	if err != nil {
		return err
	}
	notice := ""
	if id, ok := supplierNotices[c.Query("notice")]; ok {
		notice = h.page(c).T(id)
	}
	return h.renderSuppliers(c, t, fiber.StatusOK, nil, notice, url.Values{"mode": {string(suppliers.ModePerOrder)}})
}

func (h *Console) renderSuppliers(c *fiber.Ctx, t *tenant.Tenant, status int, refused error, notice string, form url.Values) error {
	ctx := c.UserContext()
	list, err := h.Mail.Suppliers(ctx, t.ID)
	if err != nil {
		return err
	}
	batches, err := h.Mail.SupplierBatches(ctx, t.ID)
	if err != nil {
		return err
	}
	cat, err := h.Products.Catalogue(ctx, t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := SuppliersPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Notice: notice,
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

// formRefusal is a refused form's message and the input it belongs to.
func formRefusal(p themes.Page, err error) (message, field string) {
	if err == nil {
		return "", ""
	}
	return p.T(marquee.ErrorMessage(err)), marquee.ErrorField(err)
}

func supplierRow(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue, s suppliers.Supplier) SupplierRow {
	row := SupplierRow{ID: s.ID.String(), Name: s.Name, Emails: strings.Join(s.Emails, ", "), Mode: modeLabel(p, s.Mode),
		Link: "/events/" + t.Slug + "/suppliers/" + s.ID.String(), SendAt: p.T("console.suppliers.as_placed")}
	if s.Mode == suppliers.ModeBatch {
		row.SendAt = p.T("console.suppliers.when_closes")
		if s.SendAt != nil {
			row.SendAt = consoleTime(p, *s.SendAt)
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

// supplierForm fills the supplier form from form's values, with a
// checkbox for every product and option of the catalogue.
func supplierForm(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue, form url.Values, action, submit string) SupplierForm {
	f := SupplierForm{Action: action, Submit: submit, Name: form.Get("name"), Emails: form.Get("emails"),
		Mode: form.Get("mode"), SendAt: form.Get("send_at")}
	def := t.DefaultLocale
	for _, prod := range cat.Products {
		pc := ProductChoice{ID: prod.ID.String(), Name: prod.Name.In(p.Lang, def), Checked: slices.Contains(form["product"], prod.ID.String())}
		for _, v := range prod.Variants {
			pc.Options = append(pc.Options, OptionChoice{ID: v.ID.String(), Label: v.Label.In(p.Lang, def),
				Checked: slices.Contains(form["variant"], v.ID.String())})
		}
		f.Products = append(f.Products, pc)
	}
	return f
}

// supplierValues are a saved supplier as the form's values.
func supplierValues(s suppliers.Supplier) url.Values {
	v := url.Values{"name": {s.Name}, "emails": {strings.Join(s.Emails, "\n")}, "mode": {string(s.Mode)}}
	if s.SendAt != nil {
		v.Set("send_at", s.SendAt.UTC().Format("2006-01-02T15:04"))
	}
	for _, id := range s.ProductIDs {
		v.Add("product", id.String())
	}
	for _, id := range s.VariantIDs {
		v.Add("variant", id.String())
	}
	return v
}

// supplierFromForm reads the supplier form. Every product and option must
// be one of the event's: anything else is refused as no choice at all.
func supplierFromForm(form url.Values, cat storefront.Catalogue) (suppliers.Supplier, error) {
	s := suppliers.Supplier{Name: strings.TrimSpace(form.Get("name")), Mode: suppliers.Mode(form.Get("mode"))}
	for line := range strings.Lines(form.Get("emails")) {
		if e := strings.TrimSpace(line); e != "" {
			s.Emails = append(s.Emails, e)
		}
	}
	var sendAtErr error
	if v := strings.TrimSpace(form.Get("send_at")); v != "" {
		sendAt, err := time.Parse("2006-01-02T15:04", v)
		if err != nil {
			sendAtErr = marquee.Invalid("send_at", "console.suppliers.send_at_invalid")
		} else {
			s.SendAt = &sendAt // UTC, as the form says
		}
	}
	products, foreign := idsIn(form["product"], func(id uuid.UUID) bool { _, ok := cat.Product(id); return ok })
	s.ProductIDs = products
	variants, foreignVariant := idsIn(form["variant"], func(id uuid.UUID) bool { return variantIn(cat, id) })
	for _, v := range variants {
		if !slices.Contains(s.ProductIDs, productOf(cat, v)) { // a whole product covers its options already
			s.VariantIDs = append(s.VariantIDs, v)
		}
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	if sendAtErr != nil {
		return s, sendAtErr
	}
	if foreign || foreignVariant {
		return s, marquee.Invalid(suppliers.FieldItems, suppliers.MsgItemsRequired)
	}
	return s, nil
}

// idsIn parses ids, keeping those of the event; foreign reports one that
// is not (or is no id at all).
func idsIn(values []string, ofEvent func(uuid.UUID) bool) (ids []uuid.UUID, foreign bool) {
	for _, v := range values {
		id, err := uuid.Parse(v)
		if err != nil || !ofEvent(id) {
			foreign = true
			continue
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, foreign
}

func variantIn(cat storefront.Catalogue, id uuid.UUID) bool { return productOf(cat, id) != uuid.Nil }

// productOf is the product of a variant, uuid.Nil when none has it.
func productOf(cat storefront.Catalogue, variant uuid.UUID) uuid.UUID {
	for _, p := range cat.Products {
		for _, v := range p.Variants {
			if v.ID == variant {
				return p.ID
			}
		}
	}
	return uuid.Nil
}

// supplierPost checks a state-changing request of the supplier pages: the
// member's role on the event, an urlencoded body, the session's token.
func (h *Console) supplierPost(c *fiber.Ctx) (*tenant.Tenant, url.Values, error) {
	return h.eventPost(c, supplierRoles)
}

func (h *Console) createSupplier(c *fiber.Ctx) error {
	t, form, err := h.supplierPost(c)
	if err != nil {
		return err
	}
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	s, err := supplierFromForm(form, cat)
	if err == nil {
		_, err = h.Mail.SaveSupplier(c.UserContext(), t.ID, s)
	}
	if status := refusalStatus(err); status != 0 {
		return h.renderSuppliers(c, t, status, err, "", form)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/suppliers?notice=created", fiber.StatusSeeOther)
}

// supplierParam is the route's supplier, if it is one of the event's.
func (h *Console) supplierParam(c *fiber.Ctx, t *tenant.Tenant) (suppliers.Supplier, error) {
	id, err := uuid.Parse(c.Params("supplier"))
	if err != nil {
		return suppliers.Supplier{}, errPageNotFound
	}
	list, err := h.Mail.Suppliers(c.UserContext(), t.ID)
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

func (h *Console) supplier(c *fiber.Ctx) error {
	t, err := h.event(c, supplierRoles)
	if err != nil {
		return err
	}
	s, err := h.supplierParam(c, t)
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

func (h *Console) updateSupplier(c *fiber.Ctx) error {
	t, form, err := h.supplierPost(c)
	if err != nil {
		return err
	}
	saved, err := h.supplierParam(c, t)
	if err != nil {
		return err
	}
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	s, err := supplierFromForm(form, cat)
	if err == nil {
		s.ID = saved.ID
		_, err = h.Mail.SaveSupplier(c.UserContext(), t.ID, s)
	}
	if status := refusalStatus(err); status != 0 {
		return h.renderSupplier(c, t, saved, status, err, form)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/suppliers?notice=saved", fiber.StatusSeeOther)
}

func (h *Console) deleteSupplier(c *fiber.Ctx) error {
	t, _, err := h.supplierPost(c)
	if err != nil {
		return err
	}
	s, err := h.supplierParam(c, t)
	if err != nil {
		return err
	}
	if err := h.Mail.DeleteSupplier(c.UserContext(), t.ID, s.ID); err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/suppliers?notice=deleted", fiber.StatusSeeOther)
}

// sendBatchNow queues the supplier's list at once, whatever its mode and
// send time: for a shop that needs it before the event closes.
func (h *Console) sendBatchNow(c *fiber.Ctx) error {
	t, _, err := h.supplierPost(c)
	if err != nil {
		return err
	}
	s, err := h.supplierParam(c, t)
	if err != nil {
		return err
	}
	if err := h.Mail.SendBatchNow(c.UserContext(), t.ID, s.ID); err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/suppliers?notice=queued", fiber.StatusSeeOther)
}

// batchDownload downloads the supplier's list as it stands, in format.
// The list carries attendees' names and addresses: every download is
// audited, like the order export.
func (h *Console) batchDownload(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.event(c, supplierRoles)
		if err != nil {
			return err
		}
		s, err := h.supplierParam(c, t)
		if err != nil {
			return err
		}
		file, err := h.Mail.BatchFile(c.UserContext(), t.ID, s.ID, format)
		if err != nil {
			return err
		}
		if err := h.Orders.AuditOrderAccess(c.UserContext(), t.ID, current(c).staff.ID, "supplier_batch_download", s.Name); err != nil {
			return err
		}
		return sendDownload(c, file)
	}
}
