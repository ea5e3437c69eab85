package console

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"marquee"
	"marquee/storefront/form"
	"marquee/themes"
)

// The form builder in plain words: field types by their names, keys made
// from labels, and conditions picked from the other fields' answers.

// TypeChoice is one field type as the builder offers it: its value and
// its name in the page's language ("Long text", not long_text).
type TypeChoice struct{ Value, Name string }

// typeChoices are the field types, named.
func typeChoices(p themes.Page) []TypeChoice {
	out := make([]TypeChoice, 0, len(formTypes))
	for _, t := range formTypes {
		out = append(out, TypeChoice{Value: t, Name: p.T("console.form.type." + t)})
	}
	return out
}

// maxDerivedKey leaves room under the key pattern's 40 characters for a
// "_99" that makes a key unique.
const maxDerivedKey = 36

// keyFromLabel makes a field's key from its label: lowercase ASCII
// letters, digits and underscores ("T-shirt size" → "t_shirt_size",
// "Größe" → "grosse"), starting with a letter, and not one of taken
// ("size_2" when "size" is). What it makes always passes the form's key
// rule; ValidateForm still checks it with the whole form.
func keyFromLabel(label string, taken map[string]bool) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(label)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ' || r == 'œ':
			b.WriteString(map[rune]string{'æ': "ae", 'œ': "oe"}[r])
		case r == 'ø':
			b.WriteRune('o')
		case unicode.Is(unicode.Mn, r): // accents, after NFKD split them off their letters
		default:
			if s := b.String(); s != "" && !strings.HasSuffix(s, "_") {
				b.WriteRune('_')
			}
		}
	}
	key := strings.Trim(b.String(), "_")
	if key == "" {
		key = "field"
	} else if key[0] < 'a' || key[0] > 'z' {
		key = "field_" + key
	}
	if len(key) > maxDerivedKey {
		key = strings.TrimRight(key[:maxDerivedKey], "_")
	}
	unique := key
	for n := 2; taken[unique]; n++ {
		unique = key + "_" + strconv.Itoa(n)
	}
	return unique
}

// ConditionGroup is one field a condition may depend on, with the answers
// to choose from: a checkbox's yes and no, a choice's options.
type ConditionGroup struct {
	Label   string
	Choices []ConditionChoice
}

// ConditionChoice is one answer a condition may wait for; Value is
// "key=answer", the value of the builder's show_when select.
type ConditionChoice struct {
	Value, Label string
	Selected     bool
}

// conditionGroups lists the fields a field (editing, "" for a new one)
// may depend on: the others that are not conditional themselves and
// whose answers can be listed (checkboxes and choices). The current
// condition (current, "key=answer") is selected, and offered even when
// it names a field of another kind, so editing never loses it.
func conditionGroups(p themes.Page, fields []form.Field, editing, current, defaultLocale string) []ConditionGroup {
	var out []ConditionGroup
	found := current == ""
	for _, f := range fields {
		if f.Key == editing || f.ShowIf != nil {
			continue
		}
		g := ConditionGroup{Label: f.LabelFor(p.Lang, defaultLocale) + " (" + p.T("console.form.scope."+string(f.Scope)) + ")"}
		add := func(answer, label string) {
			v := f.Key + "=" + answer
			g.Choices = append(g.Choices, ConditionChoice{Value: v, Label: label, Selected: v == current})
			found = found || v == current
		}
		switch {
		case f.Type == form.TypeCheckbox:
			add("true", p.T("console.form.when_ticked", "Field", f.LabelFor(p.Lang, defaultLocale)))
			add("false", p.T("console.form.when_unticked", "Field", f.LabelFor(p.Lang, defaultLocale)))
		case f.Type.HasOptions():
			for _, o := range f.Options {
				add(o.Value, p.T("console.form.when_answer", "Field", f.LabelFor(p.Lang, defaultLocale), "Answer", o.LabelFor(p.Lang, defaultLocale)))
			}
		}
		if len(g.Choices) > 0 {
			out = append(out, g)
		}
	}
	if !found {
		key, answer, _ := strings.Cut(current, "=")
		out = append(out, ConditionGroup{Label: key, Choices: []ConditionChoice{{Value: current, Label: key + " = " + answer, Selected: true}}})
	}
	return out
}

// conditionText says a saved condition in words: "For a company: ticked".
func conditionText(p themes.Page, fields []form.Field, c *form.Condition, defaultLocale string) string {
	for _, g := range conditionGroups(p, fields, "", c.Key+"="+c.Equals, defaultLocale) {
		for _, ch := range g.Choices {
			if ch.Selected {
				return ch.Label
			}
		}
	}
	return c.Key + " = " + c.Equals
}

// conditionFromForm reads the condition: show_when ("key=answer", the
// builder's select) or, as forms before it sent, show_if and show_value.
// Nil when the field is always asked.
func conditionFromForm(v map[string][]string) *form.Condition {
	get := func(name string) string {
		if vs := v[name]; len(vs) > 0 {
			return strings.TrimSpace(vs[0])
		}
		return ""
	}
	if when := get("show_when"); when != "" {
		key, answer, _ := strings.Cut(when, "=")
		return &form.Condition{Key: key, Equals: answer}
	}
	if key := get("show_if"); key != "" {
		return &form.Condition{Key: key, Equals: get("show_value")}
	}
	return nil
}

// builderInputs are the builder's inputs by the setting of a field that
// a refusal names, with the message naming each one's label.
var builderInputs = map[string]struct{ id, label string }{
	"key": {"key", "console.form.key"}, "scope": {"scope", "console.form.scope"}, "type": {"type", "console.form.type"},
	"options": {"options", "console.form.options"}, "show_if": {"show_when", "console.form.show_when"},
	"min_length": {"min_length", "console.form.min_length"}, "max_length": {"max_length", "console.form.max_length"},
	"min": {"min", "console.form.min"}, "max": {"max", "console.form.max"},
	"min_date": {"min_date", "console.form.min_date"}, "max_date": {"max_date", "console.form.max_date"},
}

// builderProblem is a refusal in words naming the input it is about, and
// that input's id ("" when it is about the form as a whole or another
// field). index is the place of the field being written in the form, as
// form.ValidateForm names it ("fields.3.options").
func builderProblem(p themes.Page, refusal error, index int, defaultLocale string) (message, input string) {
	if refusal == nil {
		return "", ""
	}
	message = p.T(marquee.ErrorMessage(refusal))
	setting := marquee.ErrorField(refusal)
	if rest, ok := strings.CutPrefix(setting, "fields."); ok {
		n, s, _ := strings.Cut(rest, ".")
		if n != strconv.Itoa(index) {
			return message, ""
		}
		setting = s
	}
	in, ok := builderInputs[setting]
	switch setting {
	case "label", "help":
		in, ok = struct{ id, label string }{setting + "." + defaultLocale, "console.form." + setting}, true
	}
	if !ok {
		return message, ""
	}
	return p.T("console.problem", "Field", p.T(in.label), "Message", message), in.id
}
