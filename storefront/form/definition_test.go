package form

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"marquee"
)

// definitionCase is one field definition and the error Validate must give.
type definitionCase struct {
	name    string
	field   Field
	setting string // the error's Field; "" when the definition is sound
	errID   string
}

// with returns a copy of f changed by change.
func with(f Field, change func(*Field)) Field {
	change(&f)
	return f
}

func TestFieldValidate(t *testing.T) {
	text := newField("name", TypeText)
	choice := newField("size", TypeSingleChoice)
	number := newField("qty", TypeNumber)
	date := newField("day", TypeDate)
	tests := []definitionCase{
		{"a 40-character key is allowed", with(text, func(f *Field) { f.Key = "a" + strings.Repeat("b_1", 13) }), "", ""},
		{"an empty key is required", with(text, func(f *Field) { f.Key = "" }), "key", MsgDefKeyRequired},
		{"an uppercase key is refused", with(text, func(f *Field) { f.Key = "Name" }), "key", MsgDefKeyInvalid},
		{"a key starting with a digit is refused", with(text, func(f *Field) { f.Key = "1st" }), "key", MsgDefKeyInvalid},
		{"a key starting with an underscore is refused", with(text, func(f *Field) { f.Key = "_name" }), "key", MsgDefKeyInvalid},
		{"a hyphen in a key is refused", with(text, func(f *Field) { f.Key = "first-name" }), "key", MsgDefKeyInvalid},
		{"a dot in a key is refused", with(text, func(f *Field) { f.Key = "item.name" }), "key", MsgDefKeyInvalid},
		{"a 41-character key is refused", with(text, func(f *Field) { f.Key = strings.Repeat("a", 41) }), "key", MsgDefKeyInvalid},
		{"an empty scope is unknown", with(text, func(f *Field) { f.Scope = "" }), "scope", MsgDefScopeUnknown},
		{"an invented scope is unknown", with(text, func(f *Field) { f.Scope = "billing" }), "scope", MsgDefScopeUnknown},
		{"an empty type is unknown", with(text, func(f *Field) { f.Type = "" }), "type", MsgDefTypeUnknown},
		{"an invented type is unknown", with(text, func(f *Field) { f.Type = "rating" }), "type", MsgDefTypeUnknown},
		{"no label is refused", with(text, func(f *Field) { f.Label = nil }), "label", MsgDefLabelRequired},
		{"a blank label is refused", with(text, func(f *Field) { f.Label = en("  ") }), "label", MsgDefLabelRequired},
		{"a label in any locale is enough", with(text, func(f *Field) { f.Label = map[string]string{"de": "Name"} }), "", ""},
		{"a label under an empty locale is refused", with(text, func(f *Field) { f.Label = map[string]string{"en": "Name", "": "Name"} }), "label", MsgDefLocaleInvalid},
		{"a label under a malformed locale is refused", with(text, func(f *Field) { f.Label = map[string]string{"english!": "Name"} }), "label", MsgDefLocaleInvalid},
		{"a regional locale is allowed", with(text, func(f *Field) { f.Label = map[string]string{"de-AT": "Name"} }), "", ""},
		{"a NUL in a label is refused", with(text, func(f *Field) { f.Label = en("Na\x00me") }), "label", MsgDefTextInvalid},
		{"broken UTF-8 in a label is refused", with(text, func(f *Field) { f.Label = en("Na\xffme") }), "label", MsgDefTextInvalid},
		{"line breaks in help are allowed", with(text, func(f *Field) { f.Help = en("One.\r\nTwo.\tThree.") }), "", ""},
		{"a control character in help is refused", with(text, func(f *Field) { f.Help = en("ding\x07") }), "help", MsgDefTextInvalid},
		{"a control character in an option label is refused", with(choice, func(f *Field) { f.Options = []Option{{Value: "a", Label: en("A\x1b")}} }), "options", MsgDefTextInvalid},
		{"a 1000-character label is allowed", with(text, func(f *Field) { f.Label = en(strings.Repeat("ü", 1000)) }), "", ""},
		{"a 1001-character label is too long", with(text, func(f *Field) { f.Label = en(strings.Repeat("ü", 1001)) }), "label", MsgDefLabelTooLong},
		{"help is optional", with(text, func(f *Field) { f.Help = nil }), "", ""},
		{"a 2001-character help text is too long", with(text, func(f *Field) { f.Help = en(strings.Repeat("h", 2001)) }), "help", MsgDefHelpTooLong},
		{"help under a malformed locale is refused", with(text, func(f *Field) { f.Help = map[string]string{"??": "Hi"} }), "help", MsgDefLocaleInvalid},
		{"options on a text field are refused", with(text, func(f *Field) { f.Options = options("a") }), "options", MsgDefNotApplicable},
		{"options on a checkbox are refused", with(newField("ok", TypeCheckbox), func(f *Field) { f.Options = options("yes") }), "options", MsgDefNotApplicable},
		{"a choice without options is refused", with(choice, func(f *Field) { f.Options = nil }), "options", MsgDefOptionsRequired},
		{"a multiple choice without options is refused", with(newField("m", TypeMultipleChoice), func(f *Field) { f.Options = []Option{} }), "options", MsgDefOptionsRequired},
		{"one option is enough", with(choice, func(f *Field) { f.Options = options("one") }), "", ""},
		{"200 options are allowed", with(choice, func(f *Field) { f.Options = manyOptions(200) }), "", ""},
		{"201 options are too many", with(choice, func(f *Field) { f.Options = manyOptions(201) }), "options", MsgDefOptionsTooMany},
		{"an empty option value is refused", with(choice, func(f *Field) { f.Options = options("a", "") }), "options", MsgDefOptionValueInvalid},
		{"an untrimmed option value is refused", with(choice, func(f *Field) { f.Options = options(" a") }), "options", MsgDefOptionValueInvalid},
		{"a control character in an option value is refused", with(choice, func(f *Field) { f.Options = options("a\x00") }), "options", MsgDefOptionValueInvalid},
		{"broken UTF-8 in an option value is refused", with(choice, func(f *Field) { f.Options = options("a\xff") }), "options", MsgDefOptionValueInvalid},
		{"a 100-byte option value is allowed", with(choice, func(f *Field) { f.Options = options(strings.Repeat("v", 100)) }), "", ""},
		{"a 101-byte option value is refused", with(choice, func(f *Field) { f.Options = options(strings.Repeat("v", 101)) }), "options", MsgDefOptionValueInvalid},
		{"duplicate option values are refused", with(choice, func(f *Field) { f.Options = options("a", "b", "a") }), "options", MsgDefOptionDuplicate},
		{"an option without a label is refused", with(choice, func(f *Field) { f.Options = []Option{{Value: "a"}} }), "options", MsgDefOptionLabelRequired},
		{"a 201-character option label is too long", with(choice, func(f *Field) { f.Options = []Option{{Value: "a", Label: en(strings.Repeat("o", 201))}} }), "options", MsgDefLabelTooLong},
		{"an option label under a malformed locale is refused", with(choice, func(f *Field) { f.Options = []Option{{Value: "a", Label: map[string]string{"": "A"}}} }), "options", MsgDefLocaleInvalid},
		{"a minimum length on an email field is refused", with(newField("e", TypeEmail), func(f *Field) { f.MinLength = 3 }), "min_length", MsgDefNotApplicable},
		{"a maximum length on a number field is refused", with(number, func(f *Field) { f.MaxLength = 3 }), "max_length", MsgDefNotApplicable},
		{"a negative minimum length is refused", with(text, func(f *Field) { f.MinLength = -1 }), "min_length", MsgDefLengthInvalid},
		{"a negative maximum length is refused", with(text, func(f *Field) { f.MaxLength = -1 }), "max_length", MsgDefLengthInvalid},
		{"a maximum length above the value cap is refused", with(text, func(f *Field) { f.MaxLength = 10_001 }), "max_length", MsgDefLengthInvalid},
		{"a maximum length at the value cap is allowed", with(newField("t", TypeLongText), func(f *Field) { f.MaxLength = 10_000 }), "", ""},
		{"a minimum above the maximum is refused", with(text, func(f *Field) { f.MinLength, f.MaxLength = 5, 3 }), "min_length", MsgDefLengthRange},
		{"a minimum equal to the maximum is allowed", with(text, func(f *Field) { f.MinLength, f.MaxLength = 3, 3 }), "", ""},
		{"a minimum above the default maximum is refused", with(text, func(f *Field) { f.MinLength = 201 }), "min_length", MsgDefLengthRange},
		{"long text's default maximum is higher", with(newField("t", TypeLongText), func(f *Field) { f.MinLength = 201 }), "", ""},
		{"a minimum on a text field is refused", with(text, func(f *Field) { f.Min = ptr(1) }), "min", MsgDefNotApplicable},
		{"a maximum on a date field is refused", with(date, func(f *Field) { f.Max = ptr(1) }), "max", MsgDefNotApplicable},
		{"whole numbers only on a text field is refused", with(text, func(f *Field) { f.Integer = true }), "integer", MsgDefNotApplicable},
		{"a NaN minimum is refused", with(number, func(f *Field) { f.Min = ptr(math.NaN()) }), "min", MsgDefRangeInvalid},
		{"an infinite maximum is refused", with(number, func(f *Field) { f.Max = ptr(math.Inf(1)) }), "max", MsgDefRangeInvalid},
		{"a minimum above the maximum is refused for numbers", with(number, func(f *Field) { f.Min, f.Max = ptr(5), ptr(1) }), "max", MsgDefRangeInvalid},
		{"an equal minimum and maximum are allowed", with(number, func(f *Field) { f.Min, f.Max = ptr(2), ptr(2) }), "", ""},
		{"whole numbers with a range are allowed", with(number, func(f *Field) { f.Integer, f.Min, f.Max = true, ptr(1), ptr(5) }), "", ""},
		{"an earliest day on a text field is refused", with(text, func(f *Field) { f.MinDate = "2025-01-01" }), "min_date", MsgDefNotApplicable},
		{"a latest day on a number field is refused", with(number, func(f *Field) { f.MaxDate = "2025-01-01" }), "max_date", MsgDefNotApplicable},
		{"an earliest day that does not exist is refused", with(date, func(f *Field) { f.MinDate = "2025-13-01" }), "min_date", MsgDefDateInvalid},
		{"a latest day in another format is refused", with(date, func(f *Field) { f.MaxDate = "2025-1-1" }), "max_date", MsgDefDateInvalid},
		{"an earliest day after the latest is refused", with(date, func(f *Field) { f.MinDate, f.MaxDate = "2025-06-02", "2025-06-01" }), "max_date", MsgDefDateRange},
		{"a one-day range is allowed", with(date, func(f *Field) { f.MinDate, f.MaxDate = "2025-06-01", "2025-06-01" }), "", ""},
		{"a required checkbox is allowed", required(newField("consent", TypeCheckbox)), "", ""},
	}
	for _, f := range everyType() {
		tests = append(tests, definitionCase{"a plain " + string(f.Type) + " field is sound", f, "", ""})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkDefinitionError(t, tc.field.Validate(), tc.setting, tc.errID)
		})
	}
}

// manyOptions returns n distinct options.
func manyOptions(n int) []Option {
	values := make([]string, n)
	for i := range values {
		values[i] = "o" + strconv.Itoa(i)
	}
	return options(values...)
}

// checkDefinitionError checks err is nil when errID is "", or an invalid
// error with that message for that setting.
func checkDefinitionError(t *testing.T, err error, setting, errID string) {
	t.Helper()
	if errID == "" {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if got := marquee.ErrorMessage(err); got != errID {
		t.Errorf("err = %v, want %s", err, errID)
	}
	if got := marquee.ErrorField(err); got != setting {
		t.Errorf("field = %q, want %q", got, setting)
	}
	if got := marquee.ErrorCode(err); got != marquee.EINVALID {
		t.Errorf("code = %q, want %q", got, marquee.EINVALID)
	}
}

func TestValidateForm(t *testing.T) {
	bilingual := func(f Field) Field {
		f.Label = map[string]string{"en": "Size", "de": "Größe"}
		for i := range f.Options {
			f.Options[i].Label = map[string]string{"en": "S", "de": "S"}
		}
		return f
	}
	size := bilingual(newField("size", TypeSingleChoice))
	tests := []struct {
		name          string
		fields        []Field
		defaultLocale string
		setting       string
		errID         string
	}{
		{"a sound form is accepted", mixedForm(), "en", "", ""},
		{"an empty form is accepted", nil, "en", "", ""},
		{"a form in the default locale is accepted", []Field{size}, "de", "", ""},
		{"a field's problem names its index", []Field{newField("a", TypeText), with(newField("b", TypeText), func(f *Field) { f.Type = "x" })}, "en", "fields.1.type", MsgDefTypeUnknown},
		{"a label missing in the default locale is refused", []Field{newField("a", TypeText)}, "de", "fields.0.label", MsgDefLabelDefaultLocale},
		{"an option label missing in the default locale is refused", []Field{with(size, func(f *Field) { f.Options = options("s") })}, "de", "fields.0.options", MsgDefLabelDefaultLocale},
		{"keys are unique across scopes", []Field{newField("name", TypeText), with(newField("name", TypeText), func(f *Field) { f.Scope = ScopeItem })}, "en", "fields.1.key", MsgDefKeyDuplicate},
		{"100 fields are allowed", manyFields(100), "en", "", ""},
		{"101 fields are too many", manyFields(101), "en", "fields", MsgDefFieldsTooMany},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkDefinitionError(t, ValidateForm(tc.fields, tc.defaultLocale), tc.setting, tc.errID)
		})
	}
}

// manyFields returns n distinct text fields.
func manyFields(n int) []Field {
	out := make([]Field, n)
	for i := range out {
		out[i] = newField("f"+strconv.Itoa(i), TypeText)
	}
	return out
}
