package web

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/themes"
)

// inputLines is where a problem with the products as a whole is kept
// ("choose at least one item"): the products' fieldset.
const inputLines = "lines"

// ProblemView is one entry of the error summary: what is wrong, naming the
// field, and a link to the input it is about.
type ProblemView struct{ Href, Text string }

// problems lists the form's problems in the order of its fields, each
// naming its field and linking to its input; a problem of no field of the
// page (none is expected) comes last, linked to the form.
func problems(base themes.Page, p OrderPage, errs form.Errors) []ProblemView {
	var out []ProblemView
	seen := map[string]bool{}
	add := func(key, id, field, msg string) {
		seen[key] = true
		if msg == "" {
			return
		}
		if field = strings.TrimRight(field, ".: "); field != "" {
			msg = base.T("order.problem", "Field", field, "Message", msg)
		}
		out = append(out, ProblemView{Href: "#" + id, Text: msg})
	}
	addField := func(f FieldView, within string) {
		label := f.Label
		if within != "" {
			label = within + " · " + label
		}
		add(f.Name, f.Name, label, f.Error)
	}
	add("form", "place-order", "", tr(base, errs["form"]))
	firstLine := inputLines
	for _, lv := range p.Lines {
		if !lv.SoldOut {
			firstLine = lv.FirstInput()
			break
		}
	}
	add(inputLines, firstLine, "", p.LinesError)
	for _, lv := range p.Lines {
		add(lineInput(lv.Index, "product"), lv.FirstInput(), lv.Name, lv.Error)
		add(lv.SizeName, lv.FirstInput(), lv.Name, lv.SizeError)
		addField(lv.Quantity, lv.Name)
		for _, f := range lv.Items {
			addField(f, lv.Name)
		}
	}
	for _, f := range append([]FieldView{p.Name, p.Email}, p.Customer...) {
		addField(f, "")
	}
	if p.Address != nil {
		for _, f := range append(append([]FieldView{p.Address.Country}, p.Address.Inputs...), p.Shipping...) {
			addField(f, "")
		}
	}
	if p.Payment != nil && p.Payment.Choice {
		add(inputPayment, "payment-online", base.T("order.payment"), p.Payment.Error)
	}
	for _, key := range slices.Sorted(maps.Keys(errs)) {
		if !seen[key] {
			add(key, "order-form", "", tr(base, errs[key]))
		}
	}
	return out
}

// SummaryView is what an order holds so far: its lines and total.
type SummaryView struct {
	Lines []SummaryLine
	Total string
	Count int // units in all
}

// SummaryLine is one chosen product in a summary.
type SummaryLine struct {
	Product, Variant, Amount string
	Quantity                 int
	Answers                  []AnswerView // the line's item fields
}

// Text is the line as the summary writes it: "2 × T-shirt (M)".
func (l SummaryLine) Text() string {
	s := strconv.Itoa(l.Quantity) + " × " + l.Product
	if l.Variant != "" {
		s += " (" + l.Variant + ")"
	}
	return s
}

// summaryOf prices lines with the catalogue's current prices; the order's
// transaction prices them again from the database.
func summaryOf(base themes.Page, site *storefront.Site, lines []storefront.Line) SummaryView {
	l, def, cur := base.Lang, site.Tenant.DefaultLocale, site.Settings.Currency
	var sv SummaryView
	var total int64
	for _, line := range lines {
		prod, ok := site.Catalogue.Product(line.ProductID)
		if !ok {
			continue
		}
		v, ok := prod.Variant(line.VariantID)
		if !ok {
			continue
		}
		amount := prod.Price(v) * int64(line.Quantity)
		total += amount
		sl := SummaryLine{Product: prod.Name.In(l, def), Quantity: line.Quantity, Amount: price(base, amount, cur),
			Answers: answerViews(base, site, form.ScopeItem, line.Answers)}
		if len(prod.Variants) > 1 {
			sl.Variant = v.Label.In(l, def)
		}
		sv.Lines = append(sv.Lines, sl)
		sv.Count += line.Quantity
	}
	sv.Total = price(base, total, cur)
	if len(sv.Lines) == 0 {
		sv.Total = storefront.FormatMoney(0, cur, l) // nothing chosen is not "free"
	}
	return sv
}
