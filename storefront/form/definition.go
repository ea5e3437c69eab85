package form

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"

	"marquee"
)

// keyPattern keeps keys safe as JSON keys, input names and template
// identifiers; the length leaves room for the "item.<index>." prefix.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Limits on definitions. Labels are generous because a consent checkbox
// carries a whole sentence; the caps keep a form page and its stored
// definition small.
const (
	maxLabelLength       = 1000 // characters
	maxHelpLength        = 2000 // characters
	maxOptionLabelLength = 200  // characters
	maxOptionValueBytes  = 100
	maxOptions           = 200
	maxFields            = 100
)

// Validate checks that the definition itself is sound: a well-formed key,
// a known scope and type, a label, and only the settings its type uses.
func (f Field) Validate() error {
	if field, id := f.definitionProblem(); id != "" {
		return marquee.Invalid(field, id)
	}
	return nil
}

// ValidateForm checks every field of one event's form, that each has a
// label in the event's default locale, and that keys are unique across
// scopes (customer and shipping answers share one input namespace). Error
// fields read "fields.<index>.<setting>", index being the field's place in
// fields.
func ValidateForm(fields []Field, defaultLocale string) error {
	if len(fields) > maxFields {
		return marquee.Invalid("fields", MsgDefFieldsTooMany)
	}
	seen := make(map[string]bool, len(fields))
	for i, f := range fields {
		setting, id := f.definitionProblem()
		if id == "" {
			setting, id = f.defaultLocaleProblem(defaultLocale)
		}
		if id == "" && seen[f.Key] {
			setting, id = "key", MsgDefKeyDuplicate
		}
		if id == "" && conditionProblem(f, fields) {
			setting, id = "show_if", MsgDefConditionInvalid
		}
		if id != "" {
			return marquee.Invalid("fields."+strconv.Itoa(i)+"."+setting, id)
		}
		seen[f.Key] = true
	}
	return nil
}

// definitionProblem returns the setting and message ID of the first rule
// the definition breaks, or "", "". Identity comes first because the other
// rules depend on the type.
func (f Field) definitionProblem() (setting, id string) {
	checks := []func() (string, string){
		f.identityProblem, f.textsProblem, f.optionsProblem,
		f.lengthProblem, f.rangeProblem, f.dateRangeProblem,
	}
	for _, check := range checks {
		if setting, id := check(); id != "" {
			return setting, id
		}
	}
	return "", ""
}

// identityProblem checks what every other rule relies on: key, scope, type.
func (f Field) identityProblem() (string, string) {
	switch {
	case f.Key == "":
		return "key", MsgDefKeyRequired
	case !keyPattern.MatchString(f.Key):
		return "key", MsgDefKeyInvalid
	case !f.Scope.Valid():
		return "scope", MsgDefScopeUnknown
	case !f.Type.Valid():
		return "type", MsgDefTypeUnknown
	}
	return "", ""
}

// textsProblem checks the label and the help text.
func (f Field) textsProblem() (string, string) {
	if !hasText(f.Label) {
		return "label", MsgDefLabelRequired
	}
	if id := localizedProblem(f.Label, maxLabelLength, MsgDefLabelTooLong); id != "" {
		return "label", id
	}
	if id := localizedProblem(f.Help, maxHelpLength, MsgDefHelpTooLong); id != "" {
		return "help", id
	}
	return "", ""
}

// defaultLocaleProblem checks that the field and its options can be shown
// in the event's default locale, the fallback of every other locale.
func (f Field) defaultLocaleProblem(locale string) (string, string) {
	if strings.TrimSpace(f.Label[locale]) == "" {
		return "label", MsgDefLabelDefaultLocale
	}
	for _, o := range f.Options {
		if strings.TrimSpace(o.Label[locale]) == "" {
			return "options", MsgDefLabelDefaultLocale
		}
	}
	return "", ""
}

// hasText reports whether texts holds at least one non-blank text.
func hasText(texts map[string]string) bool {
	for _, s := range texts {
		if strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}

// localizedProblem checks the locales, characters and lengths of texts by
// locale.
func localizedProblem(texts map[string]string, maxLength int, tooLongID string) string {
	for locale, s := range texts {
		switch _, err := language.Parse(locale); {
		case locale == "" || err != nil:
			return MsgDefLocaleInvalid
		case !validDefinitionText(s):
			return MsgDefTextInvalid
		case utf8.RuneCountInString(s) > maxLength:
			return tooLongID
		}
	}
	return ""
}

// validDefinitionText reports whether s can be stored and shown: valid
// UTF-8 (Postgres refuses anything else, NUL included) without control
// characters beyond line breaks and tabs.
func validDefinitionText(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}) < 0
}

// optionsProblem checks that choices, and only choices, have sound options.
func (f Field) optionsProblem() (string, string) {
	if !f.Type.HasOptions() {
		if len(f.Options) > 0 {
			return "options", MsgDefNotApplicable
		}
		return "", ""
	}
	switch {
	case len(f.Options) == 0:
		return "options", MsgDefOptionsRequired
	case len(f.Options) > maxOptions:
		return "options", MsgDefOptionsTooMany
	}
	seen := make(map[string]bool, len(f.Options))
	for _, o := range f.Options {
		if id := o.problem(); id != "" {
			return "options", id
		}
		if seen[o.Value] {
			return "options", MsgDefOptionDuplicate
		}
		seen[o.Value] = true
	}
	return "", ""
}

// problem returns the message ID of the first rule the option breaks.
func (o Option) problem() string {
	switch {
	case !validOptionValue(o.Value):
		return MsgDefOptionValueInvalid
	case !hasText(o.Label):
		return MsgDefOptionLabelRequired
	}
	return localizedProblem(o.Label, maxOptionLabelLength, MsgDefLabelTooLong)
}

// validOptionValue reports whether v can come back from a form unchanged:
// answers are trimmed before they are matched, so a value with surrounding
// space or a control character could never be chosen.
func validOptionValue(v string) bool {
	if v == "" || len(v) > maxOptionValueBytes || !utf8.ValidString(v) || strings.TrimSpace(v) != v {
		return false
	}
	return strings.IndexFunc(v, unicode.IsControl) < 0
}

// lengthProblem checks the length limits of text fields.
func (f Field) lengthProblem() (string, string) {
	if !f.Type.HasLength() {
		if f.MinLength != 0 {
			return "min_length", MsgDefNotApplicable
		}
		if f.MaxLength != 0 {
			return "max_length", MsgDefNotApplicable
		}
		return "", ""
	}
	switch {
	case f.MinLength < 0 || f.MinLength > maxValueBytes:
		return "min_length", MsgDefLengthInvalid
	case f.MaxLength < 0 || f.MaxLength > maxValueBytes:
		return "max_length", MsgDefLengthInvalid
	case f.MinLength > f.maxLength():
		return "min_length", MsgDefLengthRange
	}
	return "", ""
}

// rangeProblem checks the range and wholeness settings of number fields.
func (f Field) rangeProblem() (string, string) {
	if f.Type != TypeNumber {
		switch {
		case f.Min != nil:
			return "min", MsgDefNotApplicable
		case f.Max != nil:
			return "max", MsgDefNotApplicable
		case f.Integer:
			return "integer", MsgDefNotApplicable
		}
		return "", ""
	}
	switch {
	case f.Min != nil && !finite(*f.Min):
		return "min", MsgDefRangeInvalid
	case f.Max != nil && !finite(*f.Max):
		return "max", MsgDefRangeInvalid
	case f.Min != nil && f.Max != nil && *f.Min > *f.Max:
		return "max", MsgDefRangeInvalid
	}
	return "", ""
}

// dateRangeProblem checks the earliest and latest day of date fields.
func (f Field) dateRangeProblem() (string, string) {
	if f.Type != TypeDate {
		if f.MinDate != "" {
			return "min_date", MsgDefNotApplicable
		}
		if f.MaxDate != "" {
			return "max_date", MsgDefNotApplicable
		}
		return "", ""
	}
	switch {
	case f.MinDate != "" && !isDate(f.MinDate):
		return "min_date", MsgDefDateInvalid
	case f.MaxDate != "" && !isDate(f.MaxDate):
		return "max_date", MsgDefDateInvalid
	case f.MinDate != "" && f.MaxDate != "" && f.MinDate > f.MaxDate:
		return "max_date", MsgDefDateRange
	}
	return "", ""
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
