// Package formview turns an event's order-form fields into what the
// "field" template draws. The storefront's order form and the console's
// live preview of it share it, so the preview is the attendee's form, not
// a likeness of it.
package formview

import (
	"net/url"
	"slices"

	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/themes"
)

// FieldView is one input as the template draws it.
type FieldView struct {
	Name, Label, Help, Value, Error string
	Type                            string // a form.Type, or "hidden"
	Required, Checked               bool
	Options                         []OptionView
	Pattern                         string
	Row                             int
	// Autocomplete is what a browser may fill the input with ("email",
	// "shipping postal-code"); "" leaves it to the browser.
	Autocomplete string
	// ShowIfName and ShowIfValue make the field conditional on another
	// input's value: conditional.js shows it only then; the server asks it
	// only then, with or without the script.
	ShowIfName, ShowIfValue string
}

// OptionView is one option of a select, radio group or checkbox group.
type OptionView struct {
	Value, Label       string
	Selected, Disabled bool
}

// Fields draws fields in page's language (def when a label lacks it), with
// input names prefixed (items carry "item.N."), the submitted values and
// the errors by input name.
func Fields(page themes.Page, fields []form.Field, prefix string, values url.Values, errs form.Errors, def string) []FieldView {
	out := make([]FieldView, 0, len(fields))
	for _, f := range fields {
		name := prefix + f.Key
		fv := FieldView{Name: name, Type: string(f.Type), Required: f.Required, Label: f.LabelFor(page.Lang, def),
			Help: f.HelpFor(page.Lang, def), Value: values.Get(name), Error: Translate(page, errs[name])}
		chosen := values[name]
		fv.Checked = f.Type == form.TypeCheckbox && fv.Value != ""
		if f.ShowIf != nil {
			fv.ShowIfName, fv.ShowIfValue = prefix+f.ShowIf.Key, f.ShowIf.Equals
		}
		for _, o := range f.Options {
			fv.Options = append(fv.Options, OptionView{Value: o.Value, Label: o.LabelFor(page.Lang, def), Selected: slices.Contains(chosen, o.Value)})
		}
		if f.Type == form.TypeCountry {
			fv.Options = Countries(page.Lang, nil, fv.Value)
		}
		out = append(out, fv)
	}
	return out
}

// Countries is the country list in lang, the codes in first on top.
func Countries(lang string, first []string, chosen string) []OptionView {
	countries := address.Countries(lang, first)
	out := make([]OptionView, 0, len(countries))
	for _, c := range countries {
		out = append(out, OptionView{Value: c.Code, Label: c.Name, Selected: c.Code == chosen})
	}
	return out
}

// Translate translates a message ID; "" stays "".
func Translate(p themes.Page, id string) string {
	if id == "" {
		return ""
	}
	return p.T(id)
}

// InputType is the HTML input type of a one-line field.
func (f FieldView) InputType() string {
	switch form.Type(f.Type) {
	case form.TypeEmail:
		return "email"
	case form.TypePhone:
		return "tel"
	case form.TypeNumber:
		return "number"
	case form.TypeDate:
		return "date"
	}
	return "text"
}
