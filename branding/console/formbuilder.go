package console

import (
	"context"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/form"
	"marquee/storefront/formview"
	"marquee/tenant"
	"marquee/themes"
)

// FormDesk edits an event's order form; db.DB implements it.
type FormDesk interface {
	FormFields(ctx context.Context, tenantID uuid.UUID) ([]form.Field, error)
	AddFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error
	RemoveFormField(ctx context.Context, tenantID uuid.UUID, key string) error
	MoveFormField(ctx context.Context, tenantID uuid.UUID, key string, up bool) error
	UpdateFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error
}

// FormBuilderPage lists an event's order-form fields by scope, with the
// form that adds one.
type FormBuilderPage struct {
	themes.Page
	CSRF, Event, Slug, Problem, PreviewURL string
	// ProblemField is the id of the input the problem is about, "" when
	// it is about the form as a whole.
	ProblemField string
	Scopes       []ScopeFields
	Types        []TypeChoice
	ScopeNames   []string
	Locales      []CopyFields
	Form         map[string]string
	// Conditions are the answers of other fields a field may wait for.
	Conditions []ConditionGroup
	// Editing is the key of the field the form below changes, "" when it
	// adds one; EditingLabel is that field's label.
	Editing, EditingLabel, FormAction string
	// Preview is the order form as the attendee sees it: the saved fields,
	// or with the field being written when "Preview" was pressed.
	Preview    []PreviewScope
	Previewing bool
}

// PreviewScope is one part of the previewed order form.
type PreviewScope struct {
	Title  string
	Fields []formview.FieldView
}

// ScopeFields is one part of the form (customer, shipping, item).
type ScopeFields struct {
	Scope  string
	Fields []FieldRow
}

// FieldRow is one field in the builder: its type by name, its condition
// in words.
type FieldRow struct {
	Key, Label, Type, Condition string
	Required                    bool
}

func (h *Console) formBuilder(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	return h.renderFormBuilder(c, t, fiber.StatusOK, nil, url.Values{})
}

// builderView says what the builder page shows besides the saved fields:
// the field being edited (its key), a candidate field to preview, and the
// place the field being written has (or would have) in the form, which
// the form's refusals name.
type builderView struct {
	editing   string
	candidate *form.Field
	index     int
}

func (h *Console) renderFormBuilder(c *fiber.Ctx, t *tenant.Tenant, status int, refusal error, values url.Values) error {
	return h.renderBuilder(c, t, status, refusal, values, builderView{index: -1})
}

func (h *Console) renderBuilder(c *fiber.Ctx, t *tenant.Tenant, status int, refusal error, values url.Values, view builderView) error {
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := FormBuilderPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug,
		Types: typeChoices(base), ScopeNames: []string{string(form.ScopeCustomer), string(form.ScopeShipping), string(form.ScopeItem)},
		Form: map[string]string{}, Editing: view.editing, FormAction: "/events/" + t.Slug + "/form/fields"}
	p.Problem, p.ProblemField = builderProblem(base, refusal, view.index, t.DefaultLocale)
	if view.editing != "" {
		p.FormAction += "/" + view.editing
		p.EditingLabel = view.editing
		if i := slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == view.editing }); i >= 0 {
			p.EditingLabel = fields[i].LabelFor(base.Lang, t.DefaultLocale)
		}
	}
	if h.EventURL != nil {
		p.PreviewURL = h.EventURL(t.Slug) + "/order"
	}
	for k := range values {
		p.Form[k] = values.Get(k)
	}
	current := ""
	if cond := conditionFromForm(values); cond != nil {
		current = cond.Key + "=" + cond.Equals
	}
	p.Conditions = conditionGroups(base, fields, view.editing, current, t.DefaultLocale)
	for _, l := range t.Locales {
		p.Locales = append(p.Locales, CopyFields{Locale: l, Language: base.LanguageName(l)})
	}
	for _, scope := range p.ScopeNames {
		sf := ScopeFields{Scope: scope}
		for _, f := range form.Sorted(fields, form.Scope(scope)) {
			row := FieldRow{Key: f.Key, Label: f.LabelFor(base.Lang, t.DefaultLocale), Type: base.T("console.form.type." + string(f.Type)), Required: f.Required}
			if f.ShowIf != nil {
				row.Condition = conditionText(base, fields, f.ShowIf, t.DefaultLocale)
			}
			sf.Fields = append(sf.Fields, row)
		}
		p.Scopes = append(p.Scopes, sf)
	}
	previewed := fields
	if view.candidate != nil {
		previewed, p.Previewing = withField(fields, *view.candidate), true
	}
	for _, scope := range p.ScopeNames {
		prefix := ""
		if scope == string(form.ScopeItem) {
			prefix = "item.0." // as on the first product of an order
		}
		ps := PreviewScope{Title: base.T("console.form.scope." + scope),
			Fields: formview.Fields(base, form.Sorted(previewed, form.Scope(scope)), prefix, url.Values{}, nil, t.DefaultLocale)}
		if len(ps.Fields) > 0 {
			p.Preview = append(p.Preview, ps)
		}
	}
	return h.render(c, status, "console_form", p, base.Lang)
}

// withField is fields with f added, or in place of the field with its key.
func withField(fields []form.Field, f form.Field) []form.Field {
	out := make([]form.Field, 0, len(fields)+1)
	replaced := false
	for _, g := range fields {
		if g.Key == f.Key {
			g, replaced = f, true
		}
		out = append(out, g)
	}
	if !replaced {
		out = append(out, f)
	}
	return out
}

var formTypes = []string{"text", "long_text", "email", "phone", "number", "single_choice", "multiple_choice", "checkbox", "date", "country"}

// addField adds a field: the whole form, new field included, must pass
// form.ValidateForm (keys unique, conditions sound, labels in the default
// language) or nothing is stored. Without a key of its own, the field's
// key is made from its label.
func (h *Console) addField(c *fiber.Ctx, t *tenant.Tenant, values url.Values) (string, error) {
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	f, err := fieldFromForm(t, values, len(fields))
	if f.Key == "" {
		taken := map[string]bool{}
		for _, g := range fields {
			taken[g.Key] = true
		}
		f.Key = keyFromLabel(f.LabelFor(t.DefaultLocale, t.DefaultLocale), taken)
	}
	if err == nil {
		err = form.ValidateForm(append(fields, f), t.DefaultLocale)
	}
	view := builderView{index: len(fields)}
	if err != nil {
		return "", h.renderBuilder(c, t, fiber.StatusUnprocessableEntity, err, values, view)
	}
	if values.Get("preview") != "" {
		view.candidate = &f
		return "", h.renderBuilder(c, t, fiber.StatusOK, nil, values, view)
	}
	if err := h.Forms.AddFormField(c.UserContext(), t.ID, f); err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/form", "form"), nil
}

// editFieldPage is the builder with the form filled in from one field.
func (h *Console) editFieldPage(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == c.Params("key") })
	if i < 0 {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return h.renderBuilder(c, t, fiber.StatusOK, nil, fieldValues(t, fields[i]), builderView{editing: fields[i].Key, index: i})
}

// updateField saves a changed field under its key (which stays: orders
// keep their answers under it), checked with the whole form as when
// adding, so a change that breaks another field's condition is refused.
func (h *Console) updateField(c *fiber.Ctx, t *tenant.Tenant, values url.Values) (string, error) {
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	key := c.Params("key")
	i := slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == key })
	if i < 0 {
		return "", marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	values.Set("key", key)
	position := fields[i].Position
	if form.Scope(values.Get("scope")) != fields[i].Scope {
		position = len(fields) // a field moved to another part goes last there
	}
	f, err := fieldFromForm(t, values, position)
	if err == nil {
		err = form.ValidateForm(withField(fields, f), t.DefaultLocale)
	}
	view := builderView{editing: key, index: i}
	if err != nil {
		return "", h.renderBuilder(c, t, fiber.StatusUnprocessableEntity, err, values, view)
	}
	if values.Get("preview") != "" {
		view.candidate = &f
		return "", h.renderBuilder(c, t, fiber.StatusOK, nil, values, view)
	}
	if err := h.Forms.UpdateFormField(c.UserContext(), t.ID, f); err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/form", "form"), nil
}

// fieldFromForm reads the add-field and edit-field form. Options are one
// per line, "value: Label" or just a label (its value is the label
// lowercased). Constraints that are not numbers (or dates) are refused
// with the input named.
func fieldFromForm(t *tenant.Tenant, v url.Values, position int) (form.Field, error) {
	f := form.Field{Key: strings.TrimSpace(v.Get("key")), Scope: form.Scope(v.Get("scope")), Type: form.Type(v.Get("type")),
		Label: map[string]string{}, Help: map[string]string{}, Required: v.Get("required") != "", Position: position,
		Integer: v.Get("integer") != "", MinDate: strings.TrimSpace(v.Get("min_date")), MaxDate: strings.TrimSpace(v.Get("max_date"))}
	for _, l := range t.Locales {
		if label := strings.TrimSpace(v.Get("label." + l)); label != "" {
			f.Label[l] = label
		}
		if help := strings.TrimSpace(v.Get("help." + l)); help != "" {
			f.Help[l] = help
		}
	}
	for _, line := range strings.Split(v.Get("options"), "\n") {
		value, label, ok := strings.Cut(line, ":")
		if !ok {
			label, value = value, strings.ToLower(strings.TrimSpace(value))
		}
		if label = strings.TrimSpace(label); label != "" {
			f.Options = append(f.Options, form.Option{Value: strings.TrimSpace(value), Label: map[string]string{t.DefaultLocale: label}})
		}
	}
	f.ShowIf = conditionFromForm(v)
	for _, n := range []struct {
		name string
		dst  *int
	}{{"min_length", &f.MinLength}, {"max_length", &f.MaxLength}} {
		if s := strings.TrimSpace(v.Get(n.name)); s != "" {
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 {
				return f, marquee.Invalid(n.name, "console.form.constraint_invalid")
			}
			*n.dst = i
		}
	}
	for _, n := range []struct {
		name string
		dst  **float64
	}{{"min", &f.Min}, {"max", &f.Max}} {
		if s := strings.TrimSpace(v.Get(n.name)); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return f, marquee.Invalid(n.name, "console.form.constraint_invalid")
			}
			*n.dst = &x
		}
	}
	return f, nil
}

// fieldValues is the form that edits f, filled in.
func fieldValues(t *tenant.Tenant, f form.Field) url.Values {
	v := url.Values{"key": {f.Key}, "scope": {string(f.Scope)}, "type": {string(f.Type)}, "min_date": {f.MinDate}, "max_date": {f.MaxDate}}
	for _, l := range t.Locales {
		v.Set("label."+l, f.Label[l])
		v.Set("help."+l, f.Help[l])
	}
	if f.Required {
		v.Set("required", "on")
	}
	if f.Integer {
		v.Set("integer", "on")
	}
	var opts []string
	for _, o := range f.Options {
		opts = append(opts, o.Value+": "+o.LabelFor(t.DefaultLocale, t.DefaultLocale))
	}
	v.Set("options", strings.Join(opts, "\n"))
	if f.ShowIf != nil {
		v.Set("show_when", f.ShowIf.Key+"="+f.ShowIf.Equals)
	}
	if f.MinLength > 0 {
		v.Set("min_length", strconv.Itoa(f.MinLength))
	}
	if f.MaxLength > 0 {
		v.Set("max_length", strconv.Itoa(f.MaxLength))
	}
	if f.Min != nil {
		v.Set("min", strconv.FormatFloat(*f.Min, 'f', -1, 64))
	}
	if f.Max != nil {
		v.Set("max", strconv.FormatFloat(*f.Max, 'f', -1, 64))
	}
	return v
}

func (h *Console) moveField(c *fiber.Ctx, t *tenant.Tenant, values url.Values) (string, error) {
	if err := h.Forms.MoveFormField(c.UserContext(), t.ID, c.Params("key"), values.Get("direction") == "up"); err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/form", "form"), nil
}

// removeField takes a field off the form, unless another field's condition
// names it.
func (h *Console) removeField(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	key := c.Params("key")
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	for _, f := range fields {
		if f.ShowIf != nil && f.ShowIf.Key == key {
			return "", h.renderFormBuilder(c, t, fiber.StatusConflict, marquee.Invalid("", "form.def.condition_depends"), url.Values{})
		}
	}
	if err := h.Forms.RemoveFormField(c.UserContext(), t.ID, key); err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/form", "form"), nil
}
