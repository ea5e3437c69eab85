package form

import (
	"math"
	"strings"
	"testing"
)

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
