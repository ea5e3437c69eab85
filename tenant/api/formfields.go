package api

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/storefront/form"
)

// FormField is a question of the event's order form as the API shows it
// and takes it (POST and PUT take every field but position).
type FormField struct {
	Key       string            `json:"key"`
	Scope     string            `json:"scope"`
	Type      string            `json:"type"`
	Label     map[string]string `json:"label"`
	Help      map[string]string `json:"help"`
	Required  bool              `json:"required"`
	Options   []FormOption      `json:"options"`
	MinLength int               `json:"min_length"`
	MaxLength int               `json:"max_length"`
	Min       *float64          `json:"min"`
	Max       *float64          `json:"max"`
	MinDate   string            `json:"min_date"`
	MaxDate   string            `json:"max_date"`
	Integer   bool              `json:"integer"`
	Position  int               `json:"position"`
	ShowIf    *FormCondition    `json:"show_if"`
}

// FormOption is a choice of a single or multiple choice field.
type FormOption struct {
	Value string            `json:"value"`
	Label map[string]string `json:"label"`
}

// FormCondition asks a field only when field Key's answer is Equals.
type FormCondition struct {
	Key    string `json:"key"`
	Equals string `json:"equals"`
}

// FormFieldOf is f as the API shows it.
func FormFieldOf(f form.Field) FormField {
	out := FormField{Key: f.Key, Scope: string(f.Scope), Type: string(f.Type), Label: nonNil(f.Label), Help: nonNil(f.Help),
		Required: f.Required, Options: []FormOption{}, MinLength: f.MinLength, MaxLength: f.MaxLength, Min: f.Min, Max: f.Max,
		MinDate: f.MinDate, MaxDate: f.MaxDate, Integer: f.Integer, Position: f.Position}
	for _, o := range f.Options {
		out.Options = append(out.Options, FormOption{Value: o.Value, Label: nonNil(o.Label)})
	}
	if f.ShowIf != nil {
		out.ShowIf = &FormCondition{Key: f.ShowIf.Key, Equals: f.ShowIf.Equals}
	}
	return out
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// field is in as the form's definition.
func (in FormField) field() form.Field {
	f := form.Field{Key: strings.TrimSpace(in.Key), Scope: form.Scope(in.Scope), Type: form.Type(in.Type), Label: in.Label, Help: in.Help,
		Required: in.Required, MinLength: in.MinLength, MaxLength: in.MaxLength, Min: in.Min, Max: in.Max,
		MinDate: in.MinDate, MaxDate: in.MaxDate, Integer: in.Integer}
	for _, o := range in.Options {
		f.Options = append(f.Options, form.Option{Value: o.Value, Label: o.Label})
	}
	if in.ShowIf != nil {
		f.ShowIf = &form.Condition{Key: in.ShowIf.Key, Equals: in.ShowIf.Equals}
	}
	return f
}

func (h *Handler) formFields(c *fiber.Ctx) error {
	req, err := pageRequest(c)
	var after string
	if err == nil {
		_, err = req.After(&after)
	}
	if err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	fields, err := h.Catalogue.FormFields(c.UserContext(), eventOf(c).ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	start := 0
	if after != "" {
		start = slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == after }) + 1
	}
	out := []FormField{}
	for _, f := range fields[start:min(len(fields), start+req.Limit+1)] {
		out = append(out, FormFieldOf(f))
	}
	return c.JSON(NewPage(out, req.Limit, func(f FormField) any { return f.Key }))
}

// checkForm checks the whole form with f added or changed, as the
// console's form builder does: an error names the field's setting.
func checkForm(fields []form.Field, f form.Field, defaultLocale string) error {
	i := slices.IndexFunc(fields, func(g form.Field) bool { return g.Key == f.Key })
	all := slices.Clone(fields)
	if i < 0 {
		all = append(all, f)
	} else {
		all[i] = f
	}
	err := form.ValidateForm(all, defaultLocale)
	if field := marquee.ErrorField(err); strings.HasPrefix(field, "fields.") {
		// "fields.3.label": the API names the setting of the field sent.
		parts := strings.SplitN(field, ".", 3)
		if len(parts) == 3 {
			return marquee.Invalid(parts[2], marquee.ErrorMessage(err))
		}
	}
	return err
}

func (h *Handler) createFormField(c *fiber.Ctx) error {
	var in FormField
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	t, ctx := eventOf(c), c.UserContext()
	fields, err := h.Catalogue.FormFields(ctx, t.ID)
	if err != nil {
		return h.fail(c, err, 0)
	}
	f := in.field()
	f.Position = len(fields) // last of its scope, as in the console
	if slices.ContainsFunc(fields, func(g form.Field) bool { return g.Key == f.Key }) {
		return h.fail(c, &marquee.Error{Code: marquee.ECONFLICT, Field: "key", Message: form.MsgDefKeyDuplicate}, 0)
	}
	if err := checkForm(fields, f, t.DefaultLocale); err != nil {
		return h.fail(c, err, 0)
	}
	if err := h.Catalogue.AddFormField(ctx, t.ID, f); err != nil {
		return h.fail(c, err, 0)
	}
	c.Location("/api/v1/events/" + t.Slug + "/form-fields/" + f.Key)
	return h.answerFormField(c, fiber.StatusCreated, f.Key)
}

// answerFormField answers with the field key as stored.
func (h *Handler) answerFormField(c *fiber.Ctx, status int, key string) error {
	f, _, err := h.findFormField(c, key)
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.Status(status).JSON(fiber.Map{"form_field": FormFieldOf(f)})
}

// findFormField is the event's field key and the whole form.
func (h *Handler) findFormField(c *fiber.Ctx, key string) (form.Field, []form.Field, error) {
	fields, err := h.Catalogue.FormFields(c.UserContext(), eventOf(c).ID)
	if err != nil {
		return form.Field{}, nil, err
	}
	i := slices.IndexFunc(fields, func(f form.Field) bool { return f.Key == key })
	if i < 0 {
		return form.Field{}, nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return fields[i], fields, nil
}

func (h *Handler) formField(c *fiber.Ctx) error {
	return h.answerFormField(c, fiber.StatusOK, c.Params("key"))
}

// replaceFormField replaces a field's definition; its key stays (orders
// keep their answers under it): a key in the body must be the same.
func (h *Handler) replaceFormField(c *fiber.Ctx) error {
	var in FormField
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	old, fields, err := h.findFormField(c, c.Params("key"))
	if err != nil {
		return h.fail(c, err, 0)
	}
	if in.Key != "" && in.Key != old.Key {
		return h.fail(c, marquee.Invalid("key", "api.key_fixed"), 0)
	}
	in.Key = old.Key
	f := in.field()
	f.Position = old.Position
	if f.Scope != old.Scope {
		f.Position = len(fields) // moved to another part of the form: last there
	}
	t := eventOf(c)
	if err := checkForm(fields, f, t.DefaultLocale); err != nil {
		return h.fail(c, err, 0)
	}
	if err := h.Catalogue.UpdateFormField(c.UserContext(), t.ID, f); err != nil {
		return h.fail(c, err, 0)
	}
	return h.answerFormField(c, fiber.StatusOK, f.Key)
}

func (h *Handler) deleteFormField(c *fiber.Ctx) error {
	f, _, err := h.findFormField(c, c.Params("key"))
	if err == nil {
		err = h.Catalogue.RemoveFormField(c.UserContext(), eventOf(c).ID, f.Key)
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// moveFormField moves a field one place up or down within its part of
// the form: {"direction": "up"|"down"}.
func (h *Handler) moveFormField(c *fiber.Ctx) error {
	var in struct {
		Direction string `json:"direction"`
	}
	if err := h.decode(c, &in); err != nil {
		return h.fail(c, err, fiber.StatusBadRequest)
	}
	if in.Direction != "up" && in.Direction != "down" {
		return h.fail(c, marquee.Invalid("direction", "api.direction"), 0)
	}
	f, _, err := h.findFormField(c, c.Params("key"))
	if err == nil {
		err = h.Catalogue.MoveFormField(c.UserContext(), eventOf(c).ID, f.Key, in.Direction == "up")
	}
	if err != nil {
		return h.fail(c, err, 0)
	}
	return h.answerFormField(c, fiber.StatusOK, f.Key)
}
