package form

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// parseText validates a text or long_text answer. Text is stored in NFC so
// that "é" typed on different keyboards is one string, and its length is
// what a person counts.
func (f Field) parseText(s string) (any, string) {
	s = strings.TrimSpace(norm.NFC.String(s))
	if f.Type == TypeLongText {
		// Browsers submit a textarea's line breaks as CRLF.
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	if id := f.charsProblem(s); id != "" {
		return nil, id
	}
	switch n := utf8.RuneCountInString(s); {
	case n > f.maxLength():
		return nil, MsgTooLong
	case n < f.MinLength:
		return nil, MsgTooShort
	}
	return s, ""
}

// charsProblem refuses line breaks in one-line text and control
// characters everywhere except the newlines and tabs of long text.
func (f Field) charsProblem(s string) string {
	for _, r := range s {
		switch {
		case f.Type == TypeText && isLineBreak(r):
			return MsgSingleLine
		case f.Type == TypeLongText && (r == '\n' || r == '\t'):
		case unicode.IsControl(r):
			return MsgInvalidChars
		}
	}
	return ""
}

// isLineBreak reports whether r ends a line: CR, LF, NEL and Unicode's
// line and paragraph separators.
func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}
