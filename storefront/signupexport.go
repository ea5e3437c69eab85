package storefront

import (
	"strconv"
	"time"

	"marquee/storefront/form"
)

// SignupColumns are the columns of a sign-up event's export (the
// console's CSV, the REST API's): the sign-up's own, then one per field of
// the event's form (scope customer), headed by the field's key.
type SignupColumns struct{ fields []form.Field }

// signupColumns head the export's fixed columns.
var signupColumns = []string{"signed_up_at", "name", "email", "language", "source", "consent", "consent_text"}

// NewSignupColumns are the export columns of an event with fields.
func NewSignupColumns(fields []form.Field) SignupColumns {
	return SignupColumns{fields: form.Sorted(fields, form.ScopeCustomer)}
}

// Header is the export's first row.
func (c SignupColumns) Header() []string {
	h := append([]string{}, signupColumns...)
	for _, f := range c.fields {
		h = append(h, f.Key)
	}
	return h
}

// Row is s's cells in Header's order, choices in the language def;
// checkboxes read TRUE and FALSE, as spreadsheets write them. The cells
// are as stored: a CSV writer neutralises formulas (SafeCell).
func (c SignupColumns) Row(s Signup, def string) []string {
	row := []string{s.CreatedAt.UTC().Format(time.RFC3339), s.Name, s.Email, s.Locale, s.Source,
		strconv.FormatBool(s.Consent), s.ConsentText}
	for _, f := range c.fields {
		row = append(row, f.DisplayAnswer(s.Answers[f.Key], def, def, "TRUE", "FALSE"))
	}
	return row
}
