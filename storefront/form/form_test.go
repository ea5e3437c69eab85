package form

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"marquee"
)

// en returns a label map with one English text.
func en(s string) map[string]string { return map[string]string{"en": s} }

// ptr returns a pointer to x, for Min and Max.
func ptr(x float64) *float64 { return &x }

// newField returns a valid optional customer field of type typ.
func newField(key string, typ Type) Field {
	f := Field{Key: key, Scope: ScopeCustomer, Type: typ, Label: en(key)}
	if typ.HasOptions() {
		f.Options = options("a", "b")
	}
	return f
}

// required returns f made required.
func required(f Field) Field {
	f.Required = true
	return f
}

// options returns options with the given values, labelled by value.
func options(values ...string) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: v, Label: en(strings.ToUpper(v))}
	}
	return out
}

// parseCase is one submission for a field and the outcome Parse must give.
type parseCase struct {
	name   string
	values []string
	want   any    // the stored answer; nil when there is none
	errID  string // "" when the submission is accepted
}

// runParse checks every case against f. A case with neither want nor
// errID expects an absent optional answer.
func runParse(t *testing.T, f Field, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, present, errID := f.Parse(tc.values)
			if errID != tc.errID {
				t.Fatalf("Parse(%.80q) error = %q, want %q (answer %.80v)", tc.values, errID, tc.errID, got)
			}
			if wantPresent := tc.errID == "" && tc.want != nil; present != wantPresent {
				t.Fatalf("Parse(%.80q) present = %v, want %v", tc.values, present, wantPresent)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse(%.80q) = %#.80v, want %#.80v", tc.values, got, tc.want)
			}
		})
	}
}

// one returns the values of an input submitted once.
func one(s string) []string { return []string{s} }

func TestParseText(t *testing.T) {
	f := newField("print_name", TypeText)
	f.MinLength, f.MaxLength = 2, 10
	runParse(t, f, []parseCase{
		{"plain text is kept", one("Ada"), "Ada", ""},
		{"surrounding white space is trimmed", one("  Ada \t "), "Ada", ""},
		{"inner white space is kept", one("Ada  L"), "Ada  L", ""},
		{"no value is absent", nil, nil, ""},
		{"empty value is absent", one(""), nil, ""},
		{"white space only is absent", one(" \t "), nil, ""},
		{"length counts characters, not bytes", one("ÄÖÜäöüßÄÖÜ"), "ÄÖÜäöüßÄÖÜ", ""},
		{"one character over the maximum is too long", one("abcdefghijk"), nil, MsgTooLong},
		{"under the minimum is too short", one("A"), nil, MsgTooShort},
		{"the minimum is inclusive", one("Al"), "Al", ""},
		{"decomposed accents are stored composed", one("Rene\u0301e"), "Renée", ""},
		{"length is counted after composition", one("aaaaaaaaae\u0301"), "aaaaaaaaaé", ""},
		{"a newline is refused", one("Ada\nL"), nil, MsgSingleLine},
		{"a carriage return is refused", one("Ada\rL"), nil, MsgSingleLine},
		{"a Unicode line separator is refused", one("Ada\u2028L"), nil, MsgSingleLine},
		{"a tab is refused", one("Ada\tL"), nil, MsgInvalidChars},
		{"a NUL is refused", one("Ada\x00L"), nil, MsgInvalidChars},
		{"broken UTF-8 is refused", one("Ad\xffa"), nil, MsgInvalidChars},
		{"two values are forged", []string{"Ada", "Bob"}, nil, MsgInvalid},
		{"two values are forged even if one is empty", []string{"Ada", ""}, nil, MsgInvalid},
		{"a value over 10000 bytes is refused", one(strings.Repeat("a", 10_001)), nil, MsgTooLong},
	})
	t.Run("default maximum", func(t *testing.T) {
		runParse(t, newField("name", TypeText), []parseCase{
			{"200 characters are accepted", one(strings.Repeat("é", 200)), strings.Repeat("é", 200), ""},
			{"201 characters are too long", one(strings.Repeat("é", 201)), nil, MsgTooLong},
		})
	})
	t.Run("required", func(t *testing.T) {
		runParse(t, required(newField("name", TypeText)), []parseCase{
			{"absent is required", nil, nil, MsgRequired},
			{"blank is required", one("   "), nil, MsgRequired},
			{"given is accepted", one("Ada"), "Ada", ""},
		})
	})
}

func TestParseLongText(t *testing.T) {
	runParse(t, newField("notes", TypeLongText), []parseCase{
		{"line breaks are kept", one("one\ntwo"), "one\ntwo", ""},
		{"CRLF line breaks are stored as LF", one("one\r\ntwo\r\n\r\nthree"), "one\ntwo\n\nthree", ""},
		{"a lone CR is stored as LF", one("one\rtwo"), "one\ntwo", ""},
		{"tabs are kept", one("a\tb"), "a\tb", ""},
		{"surrounding blank lines are trimmed", one("\r\n\r\n hi \r\n"), "hi", ""},
		{"a bell character is refused", one("ding\x07"), nil, MsgInvalidChars},
		{"DEL is refused", one("a\x7fb"), nil, MsgInvalidChars},
		{"a C1 control is refused", one("a\u0085b"), nil, MsgInvalidChars},
		{"2000 characters are accepted", one(strings.Repeat("ß", 2000)), strings.Repeat("ß", 2000), ""},
		{"2001 characters are too long", one(strings.Repeat("ß", 2001)), nil, MsgTooLong},
		{"CRLF counts as one character", one(strings.Repeat("a\r\n", 999) + "a"), strings.Repeat("a\n", 999) + "a", ""},
		{"broken UTF-8 is refused", one("\xc3\x28"), nil, MsgInvalidChars},
		{"empty is absent", one(""), nil, ""},
	})
	t.Run("value cap", func(t *testing.T) {
		f := newField("notes", TypeLongText)
		f.MaxLength = 10_000
		runParse(t, f, []parseCase{
			{"10000 bytes pass the cap", one(strings.Repeat("a", 10_000)), strings.Repeat("a", 10_000), ""},
			{"10001 bytes are refused", one(strings.Repeat("a", 10_001)), nil, MsgTooLong},
		})
	})
}

func TestParseEmail(t *testing.T) {
	local64 := strings.Repeat("l", 64)
	domain189 := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 61)
	runParse(t, newField("email", TypeEmail), []parseCase{
		{"a bare address is accepted", one("ada@example.com"), "ada@example.com", ""},
		{"the domain is lowercased, the local part kept", one("Ada.L@Example.COM"), "Ada.L@example.com", ""},
		{"surrounding white space is trimmed", one("  ada@example.com\t"), "ada@example.com", ""},
		{"plus addressing is accepted", one("ada+shop@mail.example.org"), "ada+shop@mail.example.org", ""},
		{"a non-ASCII domain is lowercased", one("ada@BÜCHER.de"), "ada@bücher.de", ""},
		{"a display name is refused", one("Ada <ada@example.com>"), nil, MsgEmailInvalid},
		{"a comment is refused", one("ada@example.com (Ada)"), nil, MsgEmailInvalid},
		{"two addresses are refused", one("ada@example.com, bob@example.com"), nil, MsgEmailInvalid},
		{"a domain without a dot is refused", one("ada@localhost"), nil, MsgEmailInvalid},
		{"a missing @ is refused", one("ada.example.com"), nil, MsgEmailInvalid},
		{"a trailing dot is refused", one("ada@example.com."), nil, MsgEmailInvalid},
		{"an empty label is refused", one("ada@example..com"), nil, MsgEmailInvalid},
		{"a label starting with a hyphen is refused", one("ada@-example.com"), nil, MsgEmailInvalid},
		{"an address literal is refused", one("ada@[192.0.2.1]"), nil, MsgEmailInvalid},
		{"needless quotes are refused", one(`"ada"@example.com`), nil, MsgEmailInvalid},
		{"inner space is refused", one("ada lovelace@example.com"), nil, MsgEmailInvalid},
		{"a no-break space is refused", one("ada\u00a0l@example.com"), nil, MsgEmailInvalid},
		{"a C1 control is refused", one("ada\u0085@example.com"), nil, MsgEmailInvalid},
		{"a zero-width space in the domain is refused", one("ada@exa\u200bmple.com"), nil, MsgEmailInvalid},
		{"a non-ASCII local part is accepted", one("zoë@example.com"), "zoë@example.com", ""},
		{"a 64-byte local part is accepted", one(local64 + "@example.com"), local64 + "@example.com", ""},
		{"a 65-byte local part is refused", one(local64 + "l@example.com"), nil, MsgEmailInvalid},
		{"254 bytes are accepted", one(local64 + "@" + domain189), local64 + "@" + domain189, ""},
		{"255 bytes are refused", one(local64 + "@" + domain189 + "c"), nil, MsgEmailInvalid},
		{"two values are forged", []string{"a@example.com", "b@example.com"}, nil, MsgInvalid},
		{"empty is absent", one(" "), nil, ""},
	})
	runParse(t, required(newField("email", TypeEmail)), []parseCase{
		{"required email absent is required", nil, nil, MsgRequired},
	})
}

func TestParsePhone(t *testing.T) {
	runParse(t, newField("phone", TypePhone), []parseCase{
		{"international format is kept", one("+49 30 1234567"), "+49 30 1234567", ""},
		{"parentheses, hyphens and slashes are kept", one("(030) 123-456/78"), "(030) 123-456/78", ""},
		{"dots are kept", one("030.123.4567"), "030.123.4567", ""},
		{"inner white space is collapsed", one(" +49   30\t1234567 "), "+49 30 1234567", ""},
		{"a no-break space becomes a space", one("+49\u00a030 1234567"), "+49 30 1234567", ""},
		{"a plus inside is refused", one("49+301234567"), nil, MsgPhoneInvalid},
		{"a second plus is refused", one("++49301234567"), nil, MsgPhoneInvalid},
		{"letters are refused", one("0800-FLOWERS"), nil, MsgPhoneInvalid},
		{"non-ASCII digits are refused", one("٠١٢٣٤٥٦"), nil, MsgPhoneInvalid},
		{"4 digits are too few", one("1234"), nil, MsgPhoneInvalid},
		{"5 digits are enough", one("12345"), "12345", ""},
		{"20 digits are allowed", one("+" + strings.Repeat("1", 20)), "+" + strings.Repeat("1", 20), ""},
		{"21 digits are too many", one(strings.Repeat("1", 21)), nil, MsgPhoneInvalid},
		{"more than 32 characters are too long", one("1 - 2 - 3 - 4 - 5 - 6 - 7 - 8 - 9"), nil, MsgTooLong},
		{"separators alone are refused", one("+ ( ) -"), nil, MsgPhoneInvalid},
		{"two values are forged", []string{"12345", "67890"}, nil, MsgInvalid},
		{"empty is absent", one(""), nil, ""},
	})
}

func TestParseNumber(t *testing.T) {
	f := newField("height_cm", TypeNumber)
	f.Min, f.Max = ptr(1), ptr(10.5)
	runParse(t, f, []parseCase{
		{"a whole number is stored as float64", one("3"), 3.0, ""},
		{"a decimal is accepted", one("2.25"), 2.25, ""},
		{"a leading plus is accepted", one("+3"), 3.0, ""},
		{"surrounding white space is trimmed", one(" 4 "), 4.0, ""},
		{"an exponent is accepted", one("1e1"), 10.0, ""},
		{"the minimum is inclusive", one("1"), 1.0, ""},
		{"the maximum is inclusive", one("10.5"), 10.5, ""},
		{"below the minimum is too small", one("0.99"), nil, MsgNumberTooSmall},
		{"a bare fraction below the minimum is too small", one(".5"), nil, MsgNumberTooSmall},
		{"above the maximum is too large", one("10.51"), nil, MsgNumberTooLarge},
		{"words are refused", one("three"), nil, MsgNumberInvalid},
		{"NaN is refused", one("NaN"), nil, MsgNumberInvalid},
		{"infinity is refused", one("Inf"), nil, MsgNumberInvalid},
		{"an overflowing exponent is refused", one("1e400"), nil, MsgNumberInvalid},
		{"hexadecimal is refused", one("0x5"), nil, MsgNumberInvalid},
		{"digit separators are refused", one("1_0"), nil, MsgNumberInvalid},
		{"a decimal comma is refused", one("1,5"), nil, MsgNumberInvalid},
		{"inner space is refused", one("1 0"), nil, MsgNumberInvalid},
		{"a lone dot is refused", one("."), nil, MsgNumberInvalid},
		{"two values are forged", []string{"1", "2"}, nil, MsgInvalid},
		{"empty is absent", one(""), nil, ""},
	})
	t.Run("negative zero is stored as zero", func(t *testing.T) {
		got, _, errID := newField("n", TypeNumber).Parse(one("-0"))
		if v, ok := got.(float64); errID != "" || !ok || v != 0 || math.Signbit(v) {
			t.Fatalf("Parse(-0) = %#v, %q; want 0.0 without sign", got, errID)
		}
	})
	runParse(t, newField("n", TypeNumber), []parseCase{
		{"an underflowing exponent is zero", one("1e-400"), 0.0, ""},
		{"an unbounded field takes large numbers", one("-1.5e300"), -1.5e300, ""},
	})
}

func TestParseInteger(t *testing.T) {
	f := newField("quantity", TypeNumber)
	f.Integer, f.Min, f.Max = true, ptr(0), ptr(100)
	runParse(t, f, []parseCase{
		{"a whole number is stored as int64", one("42"), int64(42), ""},
		{"a whole decimal is accepted", one("42.0"), int64(42), ""},
		{"a whole exponent is accepted", one("1e2"), int64(100), ""},
		{"zero is the minimum", one("0"), int64(0), ""},
		{"negative zero is zero", one("-0"), int64(0), ""},
		{"a fraction is refused", one("42.5"), nil, MsgNumberWhole},
		{"below the minimum is too small", one("-1"), nil, MsgNumberTooSmall},
		{"above the maximum is too large", one("101"), nil, MsgNumberTooLarge},
	})
	unbounded := newField("n", TypeNumber)
	unbounded.Integer = true
	runParse(t, unbounded, []parseCase{
		{"the largest exact integer is accepted", one("9007199254740991"), int64(9007199254740991), ""},
		{"beyond the exact integers is too large", one("9007199254740993"), nil, MsgNumberTooLarge},
		{"below the exact integers is too small", one("-9007199254740993"), nil, MsgNumberTooSmall},
		{"a huge whole number is too large", one("1e300"), nil, MsgNumberTooLarge},
	})
}

func TestParseSingleChoice(t *testing.T) {
	f := newField("size", TypeSingleChoice)
	f.Options = options("S", "M", "L")
	runParse(t, f, []parseCase{
		{"an option value is accepted", one("M"), "M", ""},
		{"surrounding white space is trimmed", one(" M "), "M", ""},
		{"values are case-sensitive", one("m"), nil, MsgChoiceInvalid},
		{"an unknown value is refused", one("XL"), nil, MsgChoiceInvalid},
		{"an option's label is not its value", one("S " + "label"), nil, MsgChoiceInvalid},
		{"two values are forged", []string{"S", "M"}, nil, MsgInvalid},
		{"empty is absent", one(""), nil, ""},
	})
	runParse(t, required(f), []parseCase{
		{"required choice absent is required", nil, nil, MsgRequired},
	})
}

func TestParseMultipleChoice(t *testing.T) {
	f := newField("colours", TypeMultipleChoice)
	f.Options = options("red", "green", "blue")
	runParse(t, f, []parseCase{
		{"one value is a list", one("green"), []string{"green"}, ""},
		{"values are stored in option order", []string{"blue", "red"}, []string{"red", "blue"}, ""},
		{"repeated values are stored once", []string{"red", "red"}, []string{"red"}, ""},
		{"empty values are ignored", []string{"", "red", " "}, []string{"red"}, ""},
		{"values are trimmed", one(" green "), []string{"green"}, ""},
		{"an unknown value is refused", []string{"red", "purple"}, nil, MsgChoiceInvalid},
		{"broken UTF-8 is refused", []string{"red", "\xff"}, nil, MsgInvalidChars},
		{"each value is capped", []string{"red", strings.Repeat("r", 10_001)}, nil, MsgTooLong},
		{"no values are absent", nil, nil, ""},
		{"only empty values are absent", []string{"", ""}, nil, ""},
	})
	runParse(t, required(f), []parseCase{
		{"required means at least one", nil, nil, MsgRequired},
		{"empty values do not count", []string{"", " "}, nil, MsgRequired},
		{"one value satisfies required", one("blue"), []string{"blue"}, ""},
	})
}

func TestParseCheckbox(t *testing.T) {
	f := newField("newsletter", TypeCheckbox)
	runParse(t, f, []parseCase{
		{"on is checked", one("on"), true, ""},
		{"true is checked", one("true"), true, ""},
		{"1 is checked", one("1"), true, ""},
		{"yes is checked", one("yes"), true, ""},
		{"case does not matter", one("On"), true, ""},
		{"surrounding white space is trimmed", one(" yes "), true, ""},
		{"no is refused, an unchecked box sends nothing", one("no"), nil, MsgCheckboxInvalid},
		{"0 is refused", one("0"), nil, MsgCheckboxInvalid},
		{"off is refused", one("off"), nil, MsgCheckboxInvalid},
		{"two values are forged", []string{"on", "on"}, nil, MsgInvalid},
	})
	t.Run("an unchecked box is stored as false", func(t *testing.T) {
		for _, values := range [][]string{nil, {}, one(""), one(" ")} {
			got, present, errID := f.Parse(values)
			if got != false || !present || errID != "" {
				t.Errorf("Parse(%q) = %#v, %v, %q; want false, true, \"\"", values, got, present, errID)
			}
		}
	})
	runParse(t, required(f), []parseCase{
		{"a required box must be checked", nil, nil, MsgMustCheck},
		{"a required box sent empty must be checked", one(""), nil, MsgMustCheck},
		{"a checked required box is accepted", one("on"), true, ""},
	})
}

func TestParseDate(t *testing.T) {
	f := newField("arrival", TypeDate)
	f.MinDate, f.MaxDate = "2025-01-01", "2025-12-31"
	runParse(t, f, []parseCase{
		{"a day in range is accepted", one("2025-06-15"), "2025-06-15", ""},
		{"surrounding white space is trimmed", one(" 2025-06-15 "), "2025-06-15", ""},
		{"the first day is inclusive", one("2025-01-01"), "2025-01-01", ""},
		{"the last day is inclusive", one("2025-12-31"), "2025-12-31", ""},
		{"the day before is too early", one("2024-12-31"), nil, MsgDateTooEarly},
		{"the day after is too late", one("2026-01-01"), nil, MsgDateTooLate},
		{"a day that does not exist is refused", one("2025-02-29"), nil, MsgDateInvalid},
		{"single-digit months are refused", one("2025-6-15"), nil, MsgDateInvalid},
		{"other formats are refused", one("15.06.2025"), nil, MsgDateInvalid},
		{"a time is refused", one("2025-06-15T10:00"), nil, MsgDateInvalid},
		{"a signed year is refused", one("+2025-06-15"), nil, MsgDateInvalid},
		{"two values are forged", []string{"2025-06-15", "2025-06-16"}, nil, MsgInvalid},
		{"empty is absent", one(""), nil, ""},
	})
	runParse(t, newField("birthday", TypeDate), []parseCase{
		{"an unbounded field takes a leap day", one("2024-02-29"), "2024-02-29", ""},
	})
}

func TestParseCountry(t *testing.T) {
	runParse(t, newField("country", TypeCountry), []parseCase{
		{"an uppercase code is accepted", one("DE"), "DE", ""},
		{"a lowercase code is uppercased", one("de"), "DE", ""},
		{"mixed case is uppercased", one("fR"), "FR", ""},
		{"surrounding white space is trimmed", one(" ch "), "CH", ""},
		{"an unassigned code is refused", one("ZZ"), nil, MsgCountryInvalid},
		{"a region that is no country is refused", one("EU"), nil, MsgCountryInvalid},
		{"an alpha-3 code is refused", one("DEU"), nil, MsgCountryInvalid},
		{"a country name is refused", one("Germany"), nil, MsgCountryInvalid},
		{"one letter is refused", one("D"), nil, MsgCountryInvalid},
		{"a dotless i is not uppercased into a code", one("ıt"), nil, MsgCountryInvalid},
		{"two values are forged", []string{"DE", "FR"}, nil, MsgInvalid},
		{"empty is absent", one(""), nil, ""},
	})
}

// everyType returns one valid field of every type.
func everyType() []Field {
	out := make([]Field, len(types))
	for i, typ := range types {
		out[i] = newField("f_"+string(typ), typ)
	}
	return out
}

func TestParseRulesForEveryType(t *testing.T) {
	for _, f := range everyType() {
		t.Run(string(f.Type), func(t *testing.T) {
			t.Run("required and absent is refused", func(t *testing.T) {
				want := MsgRequired
				if f.Type == TypeCheckbox {
					want = MsgMustCheck
				}
				if _, _, errID := required(f).Parse(nil); errID != want {
					t.Errorf("Parse(nil) = %q, want %q", errID, want)
				}
			})
			t.Run("a value over 10000 bytes is refused first", func(t *testing.T) {
				if _, _, errID := f.Parse(one(strings.Repeat("1", 10_001))); errID != MsgTooLong {
					t.Errorf("Parse(10001 bytes) = %q, want %q", errID, MsgTooLong)
				}
			})
			t.Run("broken UTF-8 is refused", func(t *testing.T) {
				if _, _, errID := f.Parse(one("a\xffb")); errID != MsgInvalidChars {
					t.Errorf("Parse(broken UTF-8) = %q, want %q", errID, MsgInvalidChars)
				}
			})
			t.Run("several values are forged unless the type takes several", func(t *testing.T) {
				_, _, errID := f.Parse([]string{"a", "b"})
				if f.Type == TypeMultipleChoice {
					if errID == MsgInvalid {
						t.Errorf("multiple choice refused several values as forged")
					}
					return
				}
				if errID != MsgInvalid {
					t.Errorf("Parse(two values) = %q, want %q", errID, MsgInvalid)
				}
			})
			t.Run("an errored value yields no answer", func(t *testing.T) {
				answer, present, errID := f.Parse([]string{strings.Repeat("x", 10_001)})
				if errID == "" || answer != nil || present {
					t.Errorf("Parse = %#v, %v, %q", answer, present, errID)
				}
			})
		})
	}
}

// mixedForm is an event's form with fields of every scope.
func mixedForm() []Field {
	name := required(newField("name", TypeText))
	email := required(newField("email", TypeEmail))
	company := newField("company", TypeText)
	newsletter := newField("newsletter", TypeCheckbox)
	country := required(newField("country", TypeCountry))
	country.Scope = ScopeShipping
	printName := required(newField("print_name", TypeText))
	printName.Scope, printName.MaxLength = ScopeItem, 12
	size := required(newField("size", TypeSingleChoice))
	size.Scope, size.Options = ScopeItem, options("S", "M", "L")
	extras := newField("extras", TypeMultipleChoice)
	extras.Scope = ScopeItem
	return []Field{name, email, company, newsletter, country, printName, size, extras}
}

func TestValidateAnswers(t *testing.T) {
	submitted := map[string][]string{
		"name":              one("  Ada "),
		"email":             one("ada@EXAMPLE.com"),
		"company":           one(""),
		"is_admin":          one("true"),
		"country":           one("de"),
		"print_name":        one("forged bare item input"),
		"item.0.print_name": one("ADA"),
		"item.0.size":       one("M"),
		"item.1.print_name": one(""),
		"item.1.size":       one("XXL"),
		"item.1.is_admin":   one("true"),
	}
	tests := []struct {
		name   string
		scope  Scope
		prefix string
		values map[string][]string
		want   map[string]any
		errs   Errors
	}{
		{
			name:  "customer answers are normalised, optional empty fields omitted, unknown keys ignored",
			scope: ScopeCustomer, values: submitted,
			want: map[string]any{"name": "Ada", "email": "ada@example.com", "newsletter": false},
			errs: Errors{},
		},
		{
			name:  "shipping scope takes only shipping fields",
			scope: ScopeShipping, values: submitted,
			want: map[string]any{"country": "DE"},
			errs: Errors{},
		},
		{
			name:  "item fields are read under the item's prefix",
			scope: ScopeItem, prefix: "item.0.", values: submitted,
			want: map[string]any{"print_name": "ADA", "size": "M"},
			errs: Errors{},
		},
		{
			name:  "item errors are keyed by the item's input names",
			scope: ScopeItem, prefix: "item.1.", values: submitted,
			want: map[string]any{},
			errs: Errors{"item.1.print_name": MsgRequired, "item.1.size": MsgChoiceInvalid},
		},
		{
			name:  "customer errors are keyed by the field key",
			scope: ScopeCustomer, values: map[string][]string{"name": one("Ada"), "email": one("Ada <ada@example.com>"), "newsletter": one("maybe")},
			want: map[string]any{"name": "Ada"},
			errs: Errors{"email": MsgEmailInvalid, "newsletter": MsgCheckboxInvalid},
		},
		{
			name:  "an empty submission reports every required field",
			scope: ScopeCustomer, values: nil,
			want: map[string]any{"newsletter": false},
			errs: Errors{"name": MsgRequired, "email": MsgRequired},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := Errors{}
			got := ValidateAnswers(mixedForm(), tc.scope, tc.values, tc.prefix, errs)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("answers = %#v, want %#v", got, tc.want)
			}
			if !reflect.DeepEqual(errs, tc.errs) {
				t.Errorf("errors = %v, want %v", errs, tc.errs)
			}
		})
	}
	t.Run("answers marshal to the JSON stored with the order", func(t *testing.T) {
		f := newField("qty", TypeNumber)
		f.Integer = true
		fields := append(mixedForm(), f)
		values := map[string][]string{"name": one("Ada"), "email": one("a@b.de"), "newsletter": one("on"), "qty": one("2")}
		b, err := json.Marshal(ValidateAnswers(fields, ScopeCustomer, values, "", Errors{}))
		want := `{"email":"a@b.de","name":"Ada","newsletter":true,"qty":2}`
		if err != nil || string(b) != want {
			t.Errorf("json = %s, %v; want %s", b, err, want)
		}
	})
	t.Run("ItemPrefix names an item's inputs", func(t *testing.T) {
		if got := ItemPrefix(3); got != "item.3." {
			t.Errorf("ItemPrefix(3) = %q, want item.3.", got)
		}
	})
}

func TestErrors(t *testing.T) {
	t.Run("a new map is empty", func(t *testing.T) {
		if !(Errors{}).Empty() {
			t.Error("Errors{}.Empty() = false")
		}
	})
	t.Run("the first message for an input wins", func(t *testing.T) {
		errs := Errors{}
		errs.Add("email", MsgRequired)
		errs.Add("email", MsgEmailInvalid)
		if errs.Empty() || errs["email"] != MsgRequired {
			t.Errorf("errs = %v, want email: %s", errs, MsgRequired)
		}
	})
	t.Run("errors accumulate across calls", func(t *testing.T) {
		errs := Errors{}
		ValidateAnswers(mixedForm(), ScopeCustomer, nil, "", errs)
		ValidateAnswers(mixedForm(), ScopeItem, nil, ItemPrefix(0), errs)
		for _, name := range []string{"name", "email", "item.0.print_name", "item.0.size"} {
			if errs[name] != MsgRequired {
				t.Errorf("errs[%s] = %q, want %s", name, errs[name], MsgRequired)
			}
		}
	})
}

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

func TestSorted(t *testing.T) {
	at := func(key string, scope Scope, pos int) Field {
		f := newField(key, TypeText)
		f.Scope, f.Position = scope, pos
		return f
	}
	fields := []Field{
		at("zeta", ScopeCustomer, 1), at("size", ScopeItem, 0), at("alpha", ScopeCustomer, 1),
		at("first", ScopeCustomer, -5), at("street", ScopeShipping, 0), at("last", ScopeCustomer, 9),
	}
	keys := func(fs []Field) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Key)
		}
		return out
	}
	tests := []struct {
		name  string
		scope Scope
		want  []string
	}{
		{"fields are ordered by position, then key", ScopeCustomer, []string{"first", "alpha", "zeta", "last"}},
		{"only the scope's fields are returned", ScopeShipping, []string{"street"}},
		{"a scope without fields is empty", Scope("none"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keys(Sorted(fields, tc.scope)); !slices.Equal(got, tc.want) {
				t.Errorf("Sorted = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("the input is left unchanged", func(t *testing.T) {
		if got := keys(fields); got[0] != "zeta" || got[2] != "alpha" {
			t.Errorf("fields reordered: %v", got)
		}
	})
}

func TestLabelFor(t *testing.T) {
	f := newField("size", TypeSingleChoice)
	f.Label = map[string]string{"en": "Size", "de": "Größe", "fr": " "}
	f.Help = map[string]string{"nl": "Maat kiezen", "es": "Elige la talla"}
	tests := []struct {
		name, got, want string
	}{
		{"the locale's label is used", f.LabelFor("de", "en"), "Größe"},
		{"a regional locale falls back to its language", f.LabelFor("de-AT", "en"), "Größe"},
		{"an underscore regional locale falls back to its language", f.LabelFor("de_CH", "en"), "Größe"},
		{"a missing locale falls back to the fallback", f.LabelFor("it", "en"), "Size"},
		{"a blank label falls back to the fallback", f.LabelFor("fr", "de"), "Größe"},
		{"a missing fallback falls back to the first locale", f.LabelFor("it", "pt"), "Größe"},
		{"help falls back to the first locale alphabetically", f.HelpFor("de", "en"), "Elige la talla"},
		{"help in the locale is used", f.HelpFor("nl", "en"), "Maat kiezen"},
		{"no help is empty", newField("x", TypeText).HelpFor("en", "en"), ""},
		{"a field without labels shows its key", Field{Key: "size"}.LabelFor("en", "en"), "size"},
		{"an option's label is used", Option{Value: "m", Label: map[string]string{"de": "Mittel", "en": "Medium"}}.LabelFor("de", "en"), "Mittel"},
		{"an option falls back to the fallback", Option{Value: "m", Label: map[string]string{"de": "Mittel", "en": "Medium"}}.LabelFor("fr", "en"), "Medium"},
		{"an option without labels shows its value", Option{Value: "m"}.LabelFor("en", "en"), "m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

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
