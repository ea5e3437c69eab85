package console

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/themes"
)

// The supplier form: the same for a new supplier and for editing one.

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
