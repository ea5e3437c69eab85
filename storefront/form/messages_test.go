package form

import (
	"slices"
	"strings"
	"testing"

	"marquee"
)

func TestMessageIDs(t *testing.T) {
	ids := MessageIDs()
	t.Run("IDs are unique and namespaced", func(t *testing.T) {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] || !strings.HasPrefix(id, "form.") {
				t.Errorf("%q is duplicated or outside form.", id)
			}
			seen[id] = true
		}
	})
	t.Run("every ID can be returned", func(t *testing.T) {
		for _, id := range ids {
			produce, ok := messageExamples[id]
			if !ok {
				t.Errorf("%s has no example that returns it", id)
				continue
			}
			if got := produce(); got != id {
				t.Errorf("example for %s returned %q", id, got)
			}
		}
	})
	t.Run("every example's ID is listed", func(t *testing.T) {
		for id := range messageExamples {
			if !slices.Contains(ids, id) {
				t.Errorf("%s is returned but missing from MessageIDs", id)
			}
		}
	})
}

// parsed returns the message ID Parse gives f for values.
func parsed(f Field, values ...string) func() string {
	return func() string {
		_, _, errID := f.Parse(values)
		return errID
	}
}

// defined returns the message ID Validate gives the field changed by change.
func defined(typ Type, change func(*Field)) func() string {
	return func() string { return marquee.ErrorMessage(with(newField("k", typ), change).Validate()) }
}

// inForm returns the message ID ValidateForm gives fields.
func inForm(fields []Field, locale string) func() string {
	return func() string { return marquee.ErrorMessage(ValidateForm(fields, locale)) }
}

// messageExamples holds, for every message ID, one input that returns it.
var messageExamples = map[string]func() string{
	MsgRequired:        parsed(required(newField("k", TypeText))),
	MsgMustCheck:       parsed(required(newField("k", TypeCheckbox))),
	MsgInvalid:         parsed(newField("k", TypeText), "a", "b"),
	MsgTooShort:        parsed(with(newField("k", TypeText), func(f *Field) { f.MinLength = 5 }), "abc"),
	MsgTooLong:         parsed(newField("k", TypeText), strings.Repeat("a", 201)),
	MsgSingleLine:      parsed(newField("k", TypeText), "a\nb"),
	MsgInvalidChars:    parsed(newField("k", TypeLongText), "a\x00b"),
	MsgEmailInvalid:    parsed(newField("k", TypeEmail), "nope"),
	MsgPhoneInvalid:    parsed(newField("k", TypePhone), "call me"),
	MsgNumberInvalid:   parsed(newField("k", TypeNumber), "many"),
	MsgNumberWhole:     parsed(with(newField("k", TypeNumber), func(f *Field) { f.Integer = true }), "1.5"),
	MsgNumberTooSmall:  parsed(with(newField("k", TypeNumber), func(f *Field) { f.Min = ptr(0) }), "-1"),
	MsgNumberTooLarge:  parsed(with(newField("k", TypeNumber), func(f *Field) { f.Max = ptr(0) }), "1"),
	MsgChoiceInvalid:   parsed(newField("k", TypeSingleChoice), "z"),
	MsgCheckboxInvalid: parsed(newField("k", TypeCheckbox), "no"),
	MsgDateInvalid:     parsed(newField("k", TypeDate), "tomorrow"),
	MsgDateTooEarly:    parsed(with(newField("k", TypeDate), func(f *Field) { f.MinDate = "2025-01-01" }), "2024-01-01"),
	MsgDateTooLate:     parsed(with(newField("k", TypeDate), func(f *Field) { f.MaxDate = "2025-01-01" }), "2026-01-01"),
	MsgCountryInvalid:  parsed(newField("k", TypeCountry), "XX"),

	MsgDefKeyRequired:         defined(TypeText, func(f *Field) { f.Key = "" }),
	MsgDefKeyInvalid:          defined(TypeText, func(f *Field) { f.Key = "K" }),
	MsgDefKeyDuplicate:        inForm([]Field{newField("k", TypeText), newField("k", TypeDate)}, "en"),
	MsgDefConditionInvalid:    inForm([]Field{with(newField("k", TypeText), func(f *Field) { f.ShowIf = &Condition{Key: "nope", Equals: "x"} })}, "en"),
	MsgDefScopeUnknown:        defined(TypeText, func(f *Field) { f.Scope = "x" }),
	MsgDefTypeUnknown:         defined("x", func(*Field) {}),
	MsgDefLocaleInvalid:       defined(TypeText, func(f *Field) { f.Label = map[string]string{"!": "x"} }),
	MsgDefLabelRequired:       defined(TypeText, func(f *Field) { f.Label = nil }),
	MsgDefLabelDefaultLocale:  inForm([]Field{newField("k", TypeText)}, "de"),
	MsgDefTextInvalid:         defined(TypeText, func(f *Field) { f.Label = en("\x00") }),
	MsgDefLabelTooLong:        defined(TypeText, func(f *Field) { f.Label = en(strings.Repeat("x", 1001)) }),
	MsgDefHelpTooLong:         defined(TypeText, func(f *Field) { f.Help = en(strings.Repeat("x", 2001)) }),
	MsgDefNotApplicable:       defined(TypeCheckbox, func(f *Field) { f.Options = options("x") }),
	MsgDefOptionsRequired:     defined(TypeSingleChoice, func(f *Field) { f.Options = nil }),
	MsgDefOptionsTooMany:      defined(TypeSingleChoice, func(f *Field) { f.Options = manyOptions(201) }),
	MsgDefOptionValueInvalid:  defined(TypeSingleChoice, func(f *Field) { f.Options = options("") }),
	MsgDefOptionDuplicate:     defined(TypeSingleChoice, func(f *Field) { f.Options = options("x", "x") }),
	MsgDefOptionLabelRequired: defined(TypeSingleChoice, func(f *Field) { f.Options = []Option{{Value: "x"}} }),
	MsgDefLengthInvalid:       defined(TypeText, func(f *Field) { f.MinLength = -1 }),
	MsgDefLengthRange:         defined(TypeText, func(f *Field) { f.MinLength, f.MaxLength = 2, 1 }),
	MsgDefRangeInvalid:        defined(TypeNumber, func(f *Field) { f.Min, f.Max = ptr(2), ptr(1) }),
	MsgDefDateInvalid:         defined(TypeDate, func(f *Field) { f.MinDate = "soon" }),
	MsgDefDateRange:           defined(TypeDate, func(f *Field) { f.MinDate, f.MaxDate = "2025-02-01", "2025-01-01" }),
	MsgDefFieldsTooMany:       inForm(manyFields(101), "en"),
}
