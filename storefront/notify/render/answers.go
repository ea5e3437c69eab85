package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/themes"
)

// line is one ordered item as an email shows it.
type line struct {
	Product, Variant, UnitPrice, LineTotal string
	Quantity                               int
	Answers                                []answer
}

// answer is one answer with its field's label, and both as one line.
type answer struct{ Label, Value, Labelled string }

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
