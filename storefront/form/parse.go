package form

import (
	"strings"
	"unicode/utf8"
)

// maxValueBytes caps every submitted value before any work, so a forged
// megabyte-long answer costs nothing to refuse.
const maxValueBytes = 10_000

// Parse validates what a form submitted for f: zero, one or several
// strings. It returns the normalised answer to store, whether there is one
// (optional fields left empty have none; a checkbox always has one), and
// the message ID of the first rule broken, or "".
func (f Field) Parse(values []string) (answer any, present bool, errID string) {
	for _, v := range values {
		if len(v) > maxValueBytes {
			return nil, false, MsgTooLong
		}
		if !utf8.ValidString(v) {
			return nil, false, MsgInvalidChars
		}
	}
	if f.Type == TypeMultipleChoice {
		return f.parseMultipleChoice(values)
	}
	if len(values) > 1 {
		return nil, false, MsgInvalid
	}
	var s string
	if len(values) == 1 {
		s = strings.TrimSpace(values[0])
	}
	if s == "" {
		return f.absent()
	}
	answer, errID = f.parseOne(s)
	if errID != "" {
		return nil, false, errID
	}
	return answer, true, ""
}

// absent is the outcome for a field left empty.
func (f Field) absent() (any, bool, string) {
	switch {
	case f.Type == TypeCheckbox && f.Required:
		return nil, false, MsgMustCheck
	case f.Type == TypeCheckbox:
		return false, true, ""
	case f.Required:
		return nil, false, MsgRequired
	}
	return nil, false, ""
}

// parseOne validates one trimmed, non-empty value by the field's type.
func (f Field) parseOne(s string) (any, string) {
	switch f.Type {
	case TypeText, TypeLongText:
		return f.parseText(s)
	case TypeEmail:
		return parseEmail(s)
	case TypePhone:
		return parsePhone(s)
	case TypeNumber:
		return f.parseNumber(s)
	case TypeSingleChoice:
		return f.parseSingleChoice(s)
	case TypeCheckbox:
		return parseCheckbox(s)
	case TypeDate:
		return f.parseDate(s)
	case TypeCountry:
		return parseCountry(s)
	}
	// An unknown type is a definition Validate refuses; accept nothing.
	return nil, MsgInvalid
}
