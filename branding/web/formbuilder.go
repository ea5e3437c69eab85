package web

import (
	"context"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/themes"
)

// FormDesk edits an event's order form; db.DB implements it.
type FormDesk interface {
	FormFields(ctx context.Context, tenantID uuid.UUID) ([]form.Field, error)
	AddFormField(ctx context.Context, tenantID uuid.UUID, f form.Field) error
	RemoveFormField(ctx context.Context, tenantID uuid.UUID, key string) error
	MoveFormField(ctx context.Context, tenantID uuid.UUID, key string, up bool) error
}

func (h *Console) mountFormBuilder(app fiber.Router) {
	app.Get("/events/:slug/form", h.formBuilder)
	app.Post("/events/:slug/form/fields", h.addField)
	app.Post("/events/:slug/form/fields/:key/move", h.moveField)
	app.Post("/events/:slug/form/fields/:key/remove", h.removeField)
}

// FormBuilderPage lists an event's order-form fields by scope, with the
// form that adds one.
type FormBuilderPage struct {
	themes.Page
	CSRF, Event, Slug, Problem, Saved, PreviewURL string
	Scopes                                        []ScopeFields
	Types, ScopeNames                             []string
	Locales                                       []CopyFields
	Form                                          map[string]string
}

// ScopeFields is one part of the form (customer, shipping, item).
type ScopeFields struct {
	Scope  string
	Fields []FieldRow
}

// FieldRow is one field in the builder.
type FieldRow struct {
	Key, Label, Type, Condition string
	Required                    bool
}

func (h *Console) formBuilder(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	saved := ""
	if c.Query("saved") == "1" {
		saved = h.page(c).T("console.branding.saved")
	}
	return h.renderFormBuilder(c, t, fiber.StatusOK, "", saved, url.Values{})
}

func (h *Console) renderFormBuilder(c *fiber.Ctx, t *tenant.Tenant, status int, problem, saved string, values url.Values) error {
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := FormBuilderPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Problem: problem, Saved: saved,
		Types: formTypes, ScopeNames: []string{string(form.ScopeCustomer), string(form.ScopeShipping), string(form.ScopeItem)},
		Form: map[string]string{}}
	if h.EventURL != nil {
		p.PreviewURL = h.EventURL(t.Slug) + "/order"
	}
	for k := range values {
		p.Form[k] = values.Get(k)
	}
	for _, l := range t.Locales {
		p.Locales = append(p.Locales, CopyFields{Locale: l, Language: base.LanguageName(l)})
	}
	for _, scope := range p.ScopeNames {
		sf := ScopeFields{Scope: scope}
		for _, f := range form.Sorted(fields, form.Scope(scope)) {
			row := FieldRow{Key: f.Key, Label: f.LabelFor(base.Lang, t.DefaultLocale), Type: string(f.Type), Required: f.Required}
			if f.ShowIf != nil {
				row.Condition = f.ShowIf.Key + " = " + f.ShowIf.Equals
			}
			sf.Fields = append(sf.Fields, row)
		}
		p.Scopes = append(p.Scopes, sf)
	}
	return h.render(c, status, "console_form", p, base.Lang)
}

var formTypes = []string{"text", "long_text", "email", "phone", "number", "single_choice", "multiple_choice", "checkbox", "date", "country"}

// addField adds a field: the whole form, new field included, must pass
// form.ValidateForm (keys unique, conditions sound, labels in the default
// language) or nothing is stored.
func (h *Console) addField(c *fiber.Ctx) error {
	t, values, err := h.editorPost(c)
	if err != nil {
		return err
	}
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	f := fieldFromForm(t, values, len(fields))
	if err := form.ValidateForm(append(fields, f), t.DefaultLocale); err != nil {
		return h.renderFormBuilder(c, t, fiber.StatusUnprocessableEntity, h.page(c).T(marquee.ErrorMessage(err)), "", values)
	}
	if err := h.Forms.AddFormField(c.UserContext(), t.ID, f); err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/form?saved=1", fiber.StatusSeeOther)
}

// fieldFromForm reads the add-field form. Options are one per line,
// "value: Label" or just a label (its value is the label lowercased).
func fieldFromForm(t *tenant.Tenant, v url.Values, position int) form.Field {
	f := form.Field{Key: strings.TrimSpace(v.Get("key")), Scope: form.Scope(v.Get("scope")), Type: form.Type(v.Get("type")),
		Label: map[string]string{}, Required: v.Get("required") != "", Position: position}
	for _, l := range t.Locales {
		if label := strings.TrimSpace(v.Get("label." + l)); label != "" {
			f.Label[l] = label
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
	if key := strings.TrimSpace(v.Get("show_if")); key != "" {
		f.ShowIf = &form.Condition{Key: key, Equals: strings.TrimSpace(v.Get("show_value"))}
	}
	return f
}

func (h *Console) moveField(c *fiber.Ctx) error {
	t, values, err := h.editorPost(c)
	if err != nil {
		return err
	}
	if err := h.Forms.MoveFormField(c.UserContext(), t.ID, c.Params("key"), values.Get("direction") == "up"); err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/form?saved=1", fiber.StatusSeeOther)
}

// removeField takes a field off the form, unless another field's condition
// names it.
func (h *Console) removeField(c *fiber.Ctx) error {
	t, _, err := h.editorPost(c)
	if err != nil {
		return err
	}
	key := c.Params("key")
	fields, err := h.Forms.FormFields(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if f.ShowIf != nil && f.ShowIf.Key == key {
			return h.renderFormBuilder(c, t, fiber.StatusConflict, h.page(c).T("form.def.condition_depends"), "", url.Values{})
		}
	}
	if err := h.Forms.RemoveFormField(c.UserContext(), t.ID, key); err != nil {
		return err
	}
	return c.Redirect("/events/"+t.Slug+"/form?saved=1", fiber.StatusSeeOther)
}
