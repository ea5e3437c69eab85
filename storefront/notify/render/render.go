// Package render turns what happened to an order into emails: the
// attendee's confirmation and status updates, and the supplier's order and
// list. The templates are themes/email, parsed once by New (html/template
// for the HTML part, text/template for the plain-text part, which carries
// the same information); the words are the themes' translations, in the
// order's language for attendees and the event's default language for
// suppliers.
package render

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"marquee/branding"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/notify"
	"marquee/themes"
)

// Event is what an email needs to know about the event it speaks for.
type Event struct {
	Name, Slug, DefaultLocale string
	Locales                   []string
	Currency                  string
	BaseURL                   string // the event's own origin, e.g. https://devcon.example.com
	Branding                  branding.Branding
	LogoURL                   string // absolute, or "" for none
	Fields                    []form.Field
	Ships                     bool
	FromAddress, ReplyTo      string
}

// MatrixRow is one product of a supplier's list: how many of each variant
// to make.
type MatrixRow struct {
	Product string
	Cells   []MatrixCell
	Total   int
}

// MatrixCell is how many of one variant to make.
type MatrixCell struct {
	Variant string
	Qty     int
}

// KindName is a kind with its name in one language, for the console's menu
// of templates.
type KindName struct {
	Kind notify.Kind
	Name string
}

// Renderer renders every kind of email from templates parsed once. It is
// safe for concurrent use.
type Renderer struct {
	tr   *themes.Translations
	html map[notify.Kind]*htmltemplate.Template
	text map[notify.Kind]*texttemplate.Template
}

// supplierKinds are the emails to suppliers, after notify.AttendeeKinds in
// every list.
var supplierKinds = []notify.Kind{notify.KindSupplierOrder, notify.KindSupplierBatch, notify.KindSupplierCancelled}

func allKinds() []notify.Kind {
	return append(slices.Clone(notify.AttendeeKinds), supplierKinds...)
}

func isAttendeeKind(k notify.Kind) bool { return slices.Contains(notify.AttendeeKinds, k) }

// textFuncs are the helpers of the plain-text templates.
var textFuncs = texttemplate.FuncMap{"underline": underline}

// New parses the email templates of themes.Email, one HTML and one text
// template per kind.
func New(set *themes.Set) (*Renderer, error) {
	r := &Renderer{tr: set.Translations(), html: map[notify.Kind]*htmltemplate.Template{},
		text: map[notify.Kind]*texttemplate.Template{}}
	fsys := themes.Email()
	for _, k := range allKinds() {
		files := templateFiles(k)
		h, err := htmltemplate.ParseFS(fsys, withExt(files, ".html")...)
		if err != nil {
			return nil, fmt.Errorf("render: parse %s.html: %w", k, err)
		}
		t, err := texttemplate.New("layout.txt").Funcs(textFuncs).ParseFS(fsys, withExt(files, ".txt")...)
		if err != nil {
			return nil, fmt.Errorf("render: parse %s.txt: %w", k, err)
		}
		r.html[k], r.text[k] = h, t
	}
	return r, nil
}

// templateFiles names the files of kind k without their extension: the
// layout, the shared blocks, the attendee body when k is for an attendee,
// and the blocks of k itself.
func templateFiles(k notify.Kind) []string {
	files := []string{"layout", "parts"}
	if isAttendeeKind(k) {
		files = append(files, "attendee")
	}
	return append(files, string(k))
}

func withExt(names []string, ext string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + ext
	}
	return out
}

// Kinds lists every email kind with its name in lang: the attendee's in
// the order an order lives them, then the supplier's.
func (r *Renderer) Kinds(lang string) []KindName {
	kinds := allKinds()
	out := make([]KindName, len(kinds))
	for i, k := range kinds {
		out[i] = KindName{Kind: k, Name: r.tr.T(lang, "email.kind."+string(k))}
	}
	return out
}

// Attendee renders an email to the attendee of order o: kind says what
// happened, statusURL is the signed link to the order on the event's own
// host, and note is staff's note on the status change (the tracking
// information when dispatched), shown when not empty.
func (r *Renderer) Attendee(kind notify.Kind, ev Event, o storefront.Order, statusURL, note string) (notify.Message, error) {
	if !isAttendeeKind(kind) {
		return notify.Message{}, fmt.Errorf("render: %q is not an attendee email", kind)
	}
	// The order's language was chosen among the event's when it was
	// placed; an event that dropped it since still speaks it to this
	// attendee, with the event's copy falling back to its default.
	lang := cmp.Or(o.Locale, ev.DefaultLocale, themes.DefaultLocale)
	l := r.labeller(ev, lang)
	currency := cmp.Or(o.Currency, ev.Currency)
	v := &attendeeMail{frame: r.newFrame(ev, lang), Number: o.Number, Name: inert(o.Name), Email: inert(o.Email),
		Placed: o.CreatedAt.UTC().Format(r.tr.T(lang, "format.datetime")) + " UTC",
		Total:  r.price(lang, o.TotalMinor, currency), Note: strings.TrimSpace(note), StatusURL: statusURL,
		Items: r.lines(l, o.Items, currency), Answers: l.answers(o.Answers, form.ScopeCustomer, form.ScopeShipping),
		Ships: ev.Ships, Delivery: showsDelivery(kind)}
	if ev.Ships && o.Address != nil {
		v.Address = inertLines(address.Lines(*o.Address, lang))
	}
	return r.message(kind, ev, []string{o.Email}, v, nil)
}

// showsDelivery reports whether an attendee email of kind k says where the
// order goes: while it is on its way, not once it arrived or was cancelled.
func showsDelivery(k notify.Kind) bool {
	switch k {
	case notify.KindOrderConfirmation, notify.KindStatusConfirmed, notify.KindStatusDispatched, notify.KindStatusReady:
		return true
	}
	return false
}

// SupplierOrder renders the lines items of order o that supplier
// supplierName fulfils, for the addresses to, in the event's default
// language. It carries the item answers and where to ship, and nothing
// else about the attendee: no email address, phone or other answers.
func (r *Renderer) SupplierOrder(ev Event, supplierName string, to []string, o storefront.Order, items []storefront.Item) (notify.Message, error) {
	return r.supplierOrder(ev, cmp.Or(ev.DefaultLocale, themes.DefaultLocale), supplierName, to, o, items)
}

func (r *Renderer) supplierOrder(ev Event, lang, supplierName string, to []string, o storefront.Order, items []storefront.Item) (notify.Message, error) {
	return r.message(notify.KindSupplierOrder, ev, to, r.supplierOrderView(ev, lang, supplierName, o, items), nil)
}

// SupplierCancellation tells supplier supplierName, at the addresses to and
// in the event's default language, that order o was cancelled: the lines
// items it supplies for it are not to be made or sent. Like SupplierOrder,
// it shows nothing of the attendee but the lines' answers and the address.
func (r *Renderer) SupplierCancellation(ev Event, supplierName string, to []string, o storefront.Order, items []storefront.Item) (notify.Message, error) {
	return r.supplierCancellation(ev, cmp.Or(ev.DefaultLocale, themes.DefaultLocale), supplierName, to, o, items)
}

func (r *Renderer) supplierCancellation(ev Event, lang, supplierName string, to []string, o storefront.Order, items []storefront.Item) (notify.Message, error) {
	return r.message(notify.KindSupplierCancelled, ev, to, r.supplierOrderView(ev, lang, supplierName, o, items), nil)
}

func (r *Renderer) supplierOrderView(ev Event, lang, supplierName string, o storefront.Order, items []storefront.Item) *supplierOrderMail {
	v := &supplierOrderMail{frame: r.newFrame(ev, lang), Supplier: supplierName, Number: o.Number,
		Items: r.lines(r.labeller(ev, lang), items, cmp.Or(o.Currency, ev.Currency)), Ships: ev.Ships}
	if ev.Ships && o.Address != nil {
		v.Address = inertLines(address.Lines(*o.Address, lang))
	}
	return v
}

// BatchReason is why a supplier's list is sent; its wording says so.
type BatchReason int

// The reasons a list is sent.
const (
	BatchClosed    BatchReason = iota // orders have closed: the closing time passed or the event ended
	BatchScheduled                    // the supplier's send time came while orders are still open
	BatchRequested                    // staff sent it now ("send now") while orders are still open
)

// introIDs are the batch email's opening words for each reason.
var introIDs = map[BatchReason]string{
	BatchClosed:    "email.supplier_batch.intro",
	BatchScheduled: "email.supplier_batch.intro_scheduled",
	BatchRequested: "email.supplier_batch.intro_requested",
}

// SupplierBatch renders supplier supplierName's list for the whole event,
// for the addresses to, in the event's default language: summary says what
// to make, attachments (the CSV and XLSX lists of every order) go with it,
// and reason why it is sent now.
func (r *Renderer) SupplierBatch(ev Event, supplierName string, to []string, reason BatchReason, summary []MatrixRow, attachments []notify.Attachment) (notify.Message, error) {
	return r.supplierBatch(ev, cmp.Or(ev.DefaultLocale, themes.DefaultLocale), supplierName, to, reason, summary, attachments)
}

func (r *Renderer) supplierBatch(ev Event, lang, supplierName string, to []string, reason BatchReason, summary []MatrixRow, attachments []notify.Attachment) (notify.Message, error) {
	intro, ok := introIDs[reason]
	if !ok {
		return notify.Message{}, fmt.Errorf("render: unknown batch reason %d", reason)
	}
	v := &supplierBatchMail{frame: r.newFrame(ev, lang), Supplier: supplierName, Rows: summary, IntroID: intro}
	for _, row := range summary {
		v.Pieces += row.Total
	}
	for _, a := range attachments {
		v.Files = append(v.Files, a.Name)
	}
	return r.message(notify.KindSupplierBatch, ev, to, v, slices.Clone(attachments))
}

// frame is what every email's templates receive: the language, the
// event's look and the translator. The kinds' views embed it.
type frame struct {
	Lang    string
	Subject string // rendered first, for the HTML part's <title>
	Event   string // the event's title in Lang
	LogoURL string
	// Primary is the brand's colour, validated, so safe as CSS; OnPrimary
	// is the text colour that reads on it.
	Primary, OnPrimary htmltemplate.CSS
	tr                 *themes.Translations
}

// T translates a message ID into the email's language.
func (m *frame) T(id string, kv ...any) string { return m.tr.T(m.Lang, id, kv...) }

// Labelled writes "label: value" the way the email's language does
// ("Total: €35.00", "Total : 35,00 €").
func (m *frame) Labelled(label string, value any) string {
	return m.T("email.labelled", "Label", label, "Value", value)
}

func (m *frame) base() *frame { return m }

// view is the data of one email's templates.
type view interface{ base() *frame }

type attendeeMail struct {
	frame
	Number, Name, Email, Placed, Total string
	Note, StatusURL                    string
	Items                              []line
	Answers                            []answer
	Address                            []string
	Ships, Delivery                    bool
}

type supplierOrderMail struct {
	frame
	Supplier, Number string
	Items            []line
	Address          []string
	Ships            bool
}

type supplierBatchMail struct {
	frame
	Supplier string
	IntroID  string // the message ID of the opening words, by BatchReason
	Rows     []MatrixRow
	Pieces   int
	Files    []string
}

// line is one ordered item as an email shows it.
type line struct {
	Product, Variant, UnitPrice, LineTotal string
	Quantity                               int
	Answers                                []answer
}

// answer is one answer with its field's label, and both as one line.
type answer struct{ Label, Value, Labelled string }

func (r *Renderer) newFrame(ev Event, lang string) frame {
	primary := ev.Branding.Colours.Primary
	if _, err := branding.ContrastRatio(primary, "#ffffff"); err != nil {
		primary = branding.DefaultColours.Primary // never stored (Validate), but never CSS from elsewhere either
	}
	return frame{Lang: lang, Event: oneLine(cmp.Or(ev.Branding.CopyFor(lang, ev.DefaultLocale).Title, ev.Name)),
		LogoURL: ev.LogoURL, Primary: htmltemplate.CSS(primary), OnPrimary: htmltemplate.CSS(textOn(primary)), tr: r.tr}
}

// textOn picks white or near-black text for a background, whichever
// contrasts more: a brand's primary colour may be light or dark, and the
// branding's contrast check is against its own background, not white.
func textOn(bg string) string {
	const dark = "#1b1b1f"
	white, _ := branding.ContrastRatio(bg, "#ffffff")
	black, _ := branding.ContrastRatio(bg, dark)
	if white >= black {
		return "#ffffff"
	}
	return dark
}

// message renders kind with v and addresses it.
func (r *Renderer) message(kind notify.Kind, ev Event, to []string, v view, attachments []notify.Attachment) (notify.Message, error) {
	if err := checkAddresses(ev, to); err != nil {
		return notify.Message{}, err
	}
	if err := r.renderSubject(kind, v); err != nil {
		return notify.Message{}, err
	}
	var html, text strings.Builder
	if err := r.html[kind].ExecuteTemplate(&html, "layout", v); err != nil {
		return notify.Message{}, fmt.Errorf("render: %s.html: %w", kind, err)
	}
	if err := r.text[kind].ExecuteTemplate(&text, "layout", v); err != nil {
		return notify.Message{}, fmt.Errorf("render: %s.txt: %w", kind, err)
	}
	return notify.Message{FromName: oneLine(ev.Name), FromAddress: ev.FromAddress, ReplyTo: ev.ReplyTo,
		To: slices.Clone(to), Subject: v.base().Subject, HTML: html.String(), Text: tidy(text.String()),
		Attachments: attachments, Headers: map[string]string{"X-Marquee-Kind": string(kind)}}, nil
}

func (r *Renderer) renderSubject(kind notify.Kind, v view) error {
	var b strings.Builder
	if err := r.text[kind].ExecuteTemplate(&b, "subject", v); err != nil {
		return fmt.Errorf("render: %s subject: %w", kind, err)
	}
	v.base().Subject = oneLine(b.String())
	return nil
}

// checkAddresses accepts bare addresses only ("ada@example.com", not
// "Ada <ada@example.com>"), so no address can carry a display name or a
// second recipient into a header. From and Reply-To may be empty: the
// sender has the platform's.
func checkAddresses(ev Event, to []string) error {
	if len(to) == 0 {
		return errors.New("render: no recipient")
	}
	for _, a := range to {
		if !bareAddress(a) {
			return fmt.Errorf("render: recipient %q is not an email address", a)
		}
	}
	for _, a := range []string{ev.FromAddress, ev.ReplyTo} {
		if a != "" && !bareAddress(a) {
			return fmt.Errorf("render: sender address %q is not an email address", a)
		}
	}
	return nil
}

func bareAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// lines lists items in the labeller's language.
func (r *Renderer) lines(l labeller, items []storefront.Item, currency string) []line {
	out := make([]line, 0, len(items))
	for _, it := range items {
		out = append(out, line{Product: it.ProductName.In(l.lang, l.fallback), Variant: it.VariantLabel.In(l.lang, l.fallback),
			Quantity: it.Quantity, UnitPrice: r.price(l.lang, it.UnitPriceMinor, currency),
			LineTotal: r.price(l.lang, it.UnitPriceMinor*int64(it.Quantity), currency),
			Answers:   l.answers(it.Answers, form.ScopeItem)})
	}
	return out
}

// price is an amount, or the word for free, as the status page writes it.
func (r *Renderer) price(lang string, minor int64, currency string) string {
	if minor == 0 {
		return r.tr.T(lang, "catalogue.free")
	}
	return storefront.FormatMoney(minor, currency, lang)
}

// labeller writes answers with their fields' labels in one language.
type labeller struct {
	tr             *themes.Translations
	lang, fallback string
	fields         []form.Field
}

func (r *Renderer) labeller(ev Event, lang string) labeller {
	return labeller{tr: r.tr, lang: lang, fallback: ev.DefaultLocale, fields: ev.Fields}
}

// answers pairs answers with their fields' labels, scope by scope in the
// form's order; answers to fields removed since are shown under their key,
// last, so nothing an attendee gave is hidden.
func (l labeller) answers(answers map[string]any, scopes ...form.Scope) []answer {
	var out []answer
	seen := map[string]bool{}
	for _, s := range scopes {
		for _, f := range form.Sorted(l.fields, s) {
			if v, ok := answers[f.Key]; ok {
				out = append(out, l.answer(f.LabelFor(l.lang, l.fallback), inert(l.value(f, v))))
				seen[f.Key] = true
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(answers)) {
		if !seen[k] {
			out = append(out, l.answer(k, inert(l.value(form.Field{}, answers[k]))))
		}
	}
	return out
}

func (l labeller) answer(label, value string) answer {
	return answer{Label: label, Value: value, Labelled: l.tr.T(l.lang, "email.labelled", "Label", label, "Value", value)}
}

// value writes one answer as people read it: options by their label,
// checkboxes as yes or no, countries by name.
func (l labeller) value(f form.Field, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return l.tr.T(l.lang, "answer.yes")
		}
		return l.tr.T(l.lang, "answer.no")
	case string:
		return l.choice(f, x)
	case []string: // as form.Parse returns a multiple choice
		return l.join(f, x)
	case []any: // as the same answer comes back from JSONB
		vals := make([]string, len(x))
		for i, e := range x {
			vals[i] = fmt.Sprint(e)
		}
		return l.join(f, vals)
	}
	return fmt.Sprint(v)
}

func (l labeller) join(f form.Field, values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = l.choice(f, v)
	}
	return strings.Join(out, ", ")
}

func (l labeller) choice(f form.Field, v string) string {
	if f.Type == form.TypeCountry {
		if c := address.Countries(l.lang, []string{v}); len(c) > 0 && c[0].Code == v {
			return c[0].Name
		}
	}
	for _, o := range f.Options {
		if o.Value == v {
			return o.LabelFor(l.lang, l.fallback)
		}
	}
	return v
}

// inert keeps attendee-provided text from becoming a link. Mail clients
// link whatever looks like a URL, a domain or an address ("evil.example",
// "x@evil.example"), and anyone can place an order with someone else's
// email address, so a name or an answer would otherwise be a link in an
// email sent in the event's name. A word joiner (U+2060: invisible, no
// line break) after ".", "@" or ":" inside a word breaks those patterns
// and changes nothing people read. Markup needs no help: html/template
// escapes it, and the text part is not HTML.
func inert(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, c := range s {
		b.WriteRune(c)
		if c != '.' && c != '@' && c != ':' {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(s[i+1:]); unicode.IsLetter(next) || unicode.IsDigit(next) || next == '/' {
			b.WriteRune('\u2060')
		}
	}
	return b.String()
}

func inertLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, s := range lines {
		out[i] = inert(s)
	}
	return out
}

// oneLine collapses whitespace, line breaks included: a subject or a From
// name is one header line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// underline puts a rule under a plain-text heading, as long as the heading.
func underline(s, rule string) string {
	return s + "\n" + strings.Repeat(rule, utf8.RuneCountInString(s))
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidy trims trailing spaces and keeps at most one blank line in a row,
// so the text templates can be laid out for reading.
func tidy(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(ls, "\n"), "\n\n")) + "\n"
}

// Sample renders kind for the console's preview with realistic made-up
// data in lang: an order of two items with answers to the event's fields
// and, when the event ships, an address. Supplier emails go out in the
// event's default language; their preview is in lang so staff can check
// every translation.
func (r *Renderer) Sample(kind notify.Kind, ev Event, lang string) (notify.Message, error) {
	o := r.sampleOrder(ev, lang)
	switch kind {
	case notify.KindSupplierOrder:
		return r.supplierOrder(ev, lang, sampleSupplier, []string{sampleSupplierEmail}, o, o.Items)
	case notify.KindSupplierCancelled:
		return r.supplierCancellation(ev, lang, sampleSupplier, []string{sampleSupplierEmail}, o, o.Items)
	case notify.KindSupplierBatch:
		rows := sampleMatrix(o, lang)
		return r.supplierBatch(ev, lang, sampleSupplier, []string{sampleSupplierEmail}, BatchClosed, rows, []notify.Attachment{sampleCSV(ev, rows)})
	}
	note := ""
	if kind == notify.KindStatusDispatched {
		note = "DHL 00340434161094042557"
	}
	return r.Attendee(kind, ev, o, strings.TrimRight(ev.BaseURL, "/")+"/orders/"+o.Number+"?sig=sample", note)
}

const (
	sampleSupplier      = "Acme Print"
	sampleSupplierEmail = "orders@acme-print.example"
)

func (r *Renderer) sampleOrder(ev Event, lang string) storefront.Order {
	item := map[string]any{}
	for _, f := range form.Sorted(ev.Fields, form.ScopeItem) {
		item[f.Key] = r.sampleAnswer(f, lang)
	}
	o := storefront.Order{Number: "K7M3-Q9XZ", Email: "ada@example.com", Name: "Ada Lovelace", Locale: lang,
		Status: storefront.StatusPlaced, Answers: map[string]any{}, Currency: cmp.Or(ev.Currency, "EUR"),
		TotalMinor: 3500, CreatedAt: time.Date(2027, 5, 3, 14, 30, 0, 0, time.UTC),
		Items: []storefront.Item{
			{Position: 1, ProductName: storefront.Text{lang: r.tr.T(lang, "email.sample.tshirt")},
				VariantLabel: storefront.Text{lang: "M"}, Quantity: 1, UnitPriceMinor: 1500, Answers: item},
			{Position: 2, ProductName: storefront.Text{lang: r.tr.T(lang, "email.sample.hoodie")},
				VariantLabel: storefront.Text{lang: "L"}, Quantity: 1, UnitPriceMinor: 2000, Answers: maps.Clone(item)},
		}}
	scopes := []form.Scope{form.ScopeCustomer}
	if ev.Ships { // shipping fields are asked only when the event ships
		scopes = append(scopes, form.ScopeShipping)
	}
	for _, s := range scopes {
		for _, f := range form.Sorted(ev.Fields, s) {
			o.Answers[f.Key] = r.sampleAnswer(f, lang)
		}
	}
	if ev.Ships {
		o.Address = &address.Address{Name: o.Name, Line1: "Friedrichstraße 123", Locality: "Berlin",
			PostalCode: "10117", CountryCode: "DE"}
	}
	return o
}

// sampleAnswer is a plausible answer to f, stored as form.Parse stores it.
func (r *Renderer) sampleAnswer(f form.Field, lang string) any {
	switch f.Type {
	case form.TypeEmail:
		return "ada@example.com"
	case form.TypePhone:
		return "+49 30 1234567"
	case form.TypeNumber:
		return int64(2)
	case form.TypeCheckbox:
		return true
	case form.TypeDate:
		return "2027-06-30"
	case form.TypeCountry:
		return "DE"
	case form.TypeSingleChoice, form.TypeMultipleChoice:
		if len(f.Options) > 0 {
			if f.Type == form.TypeMultipleChoice {
				return []string{f.Options[0].Value}
			}
			return f.Options[0].Value
		}
	}
	return r.tr.T(lang, "email.sample.text")
}

func sampleMatrix(o storefront.Order, lang string) []MatrixRow {
	rows := make([]MatrixRow, 0, len(o.Items))
	for i, it := range o.Items {
		qty := 12 + 8*i
		rows = append(rows, MatrixRow{Product: it.ProductName.In(lang, lang),
			Cells: []MatrixCell{{Variant: "M", Qty: qty}, {Variant: "L", Qty: qty / 2}}, Total: qty + qty/2})
	}
	return rows
}

// sampleCSV is a small stand-in for the list that the supplier dispatch
// attaches, so the preview shows an attachment.
func sampleCSV(ev Event, rows []MatrixRow) notify.Attachment {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write([]string{"product", "variant", "quantity"}) // a bytes.Buffer does not fail
	for _, row := range rows {
		for _, c := range row.Cells {
			_ = w.Write([]string{row.Product, c.Variant, strconv.Itoa(c.Qty)})
		}
	}
	w.Flush()
	name := cmp.Or(ev.Slug, "event") + "-acme-print.csv"
	return notify.Attachment{Name: name, ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}
}
