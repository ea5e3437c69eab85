package form

// Message IDs for attendee answers, shown next to the input they belong to.
const (
	MsgRequired        = "form.required"         // a required answer is missing
	MsgMustCheck       = "form.must_check"       // a required checkbox (consent) is not checked
	MsgInvalid         = "form.invalid"          // the submission is not one a browser sends (forged)
	MsgTooShort        = "form.too_short"        // fewer characters than the field's minimum
	MsgTooLong         = "form.too_long"         // more characters than the field's maximum
	MsgSingleLine      = "form.single_line"      // a line break in a one-line field
	MsgInvalidChars    = "form.invalid_chars"    // control characters or broken UTF-8
	MsgEmailInvalid    = "form.email_invalid"    // not one plain email address
	MsgPhoneInvalid    = "form.phone_invalid"    // not a phone number
	MsgNumberInvalid   = "form.number_invalid"   // not a decimal number
	MsgNumberWhole     = "form.number_whole"     // a fraction where a whole number is asked
	MsgNumberTooSmall  = "form.number_too_small" // below the field's minimum
	MsgNumberTooLarge  = "form.number_too_large" // above the field's maximum
	MsgChoiceInvalid   = "form.choice_invalid"   // not one of the options
	MsgCheckboxInvalid = "form.checkbox_invalid" // a checkbox value no browser sends
	MsgDateInvalid     = "form.date_invalid"     // not a calendar day as YYYY-MM-DD
	MsgDateTooEarly    = "form.date_too_early"   // before the field's earliest day
	MsgDateTooLate     = "form.date_too_late"    // after the field's latest day
	MsgCountryInvalid  = "form.country_invalid"  // not a known country code
)

// Message IDs for field definitions, shown in the form builder.
const (
	MsgDefKeyRequired         = "form.def.key_required"          // the field has no key
	MsgDefKeyInvalid          = "form.def.key_invalid"           // the key breaks ^[a-z][a-z0-9_]{0,39}$
	MsgDefKeyDuplicate        = "form.def.key_duplicate"         // two fields of one form share a key
	MsgDefScopeUnknown        = "form.def.scope_unknown"         // not customer, shipping or item
	MsgDefTypeUnknown         = "form.def.type_unknown"          // not one of the known types
	MsgDefLocaleInvalid       = "form.def.locale_invalid"        // a label or help text under a malformed locale
	MsgDefLabelRequired       = "form.def.label_required"        // the field has no label in any locale
	MsgDefLabelDefaultLocale  = "form.def.label_default_locale"  // no label in the event's default locale
	MsgDefTextInvalid         = "form.def.text_invalid"          // a label or help text with broken or control characters
	MsgDefLabelTooLong        = "form.def.label_too_long"        // a label longer than allowed
	MsgDefHelpTooLong         = "form.def.help_too_long"         // a help text longer than allowed
	MsgDefNotApplicable       = "form.def.not_applicable"        // a setting the field's type does not use
	MsgDefOptionsRequired     = "form.def.options_required"      // a choice field without options
	MsgDefOptionsTooMany      = "form.def.options_too_many"      // more options than allowed
	MsgDefOptionValueInvalid  = "form.def.option_value_invalid"  // an option value that is empty, too long or not trimmed
	MsgDefOptionDuplicate     = "form.def.option_duplicate"      // two options share a value
	MsgDefOptionLabelRequired = "form.def.option_label_required" // an option without a label
	MsgDefLengthInvalid       = "form.def.length_invalid"        // a length limit below 0 or above the value cap
	MsgDefLengthRange         = "form.def.length_range"          // the minimum length exceeds the maximum
	MsgDefRangeInvalid        = "form.def.range_invalid"         // a number limit that is not finite, or min above max
	MsgDefDateInvalid         = "form.def.date_invalid"          // a date limit that is not YYYY-MM-DD
	MsgDefDateRange           = "form.def.date_range"            // the earliest day is after the latest
	MsgDefFieldsTooMany       = "form.def.fields_too_many"       // more fields than one form may have
)

// MessageIDs returns every message ID this package can return, so that a
// test can check each one has a translation.
func MessageIDs() []string {
	return []string{
		MsgRequired, MsgMustCheck, MsgInvalid, MsgTooShort, MsgTooLong,
		MsgSingleLine, MsgInvalidChars, MsgEmailInvalid, MsgPhoneInvalid,
		MsgNumberInvalid, MsgNumberWhole, MsgNumberTooSmall, MsgNumberTooLarge,
		MsgChoiceInvalid, MsgCheckboxInvalid, MsgDateInvalid, MsgDateTooEarly,
		MsgDateTooLate, MsgCountryInvalid,
		MsgDefKeyRequired, MsgDefKeyInvalid, MsgDefKeyDuplicate, MsgDefConditionInvalid,
		MsgDefScopeUnknown, MsgDefTypeUnknown, MsgDefLocaleInvalid,
		MsgDefLabelRequired, MsgDefLabelDefaultLocale, MsgDefTextInvalid,
		MsgDefLabelTooLong,
		MsgDefHelpTooLong, MsgDefNotApplicable, MsgDefOptionsRequired,
		MsgDefOptionsTooMany, MsgDefOptionValueInvalid, MsgDefOptionDuplicate,
		MsgDefOptionLabelRequired, MsgDefLengthInvalid, MsgDefLengthRange,
		MsgDefRangeInvalid, MsgDefDateInvalid, MsgDefDateRange,
		MsgDefFieldsTooMany,
	}
}
