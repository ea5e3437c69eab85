package form

import "time"

// dateLayout is the only date format accepted: what <input type="date">
// submits whatever the browser's language.
const dateLayout = "2006-01-02"

// parseDate accepts a calendar day within the field's range. Days in
// YYYY-MM-DD order as strings, so the range needs no parsing.
func (f Field) parseDate(s string) (any, string) {
	switch {
	case !isDate(s):
		return nil, MsgDateInvalid
	case f.MinDate != "" && s < f.MinDate:
		return nil, MsgDateTooEarly
	case f.MaxDate != "" && s > f.MaxDate:
		return nil, MsgDateTooLate
	}
	return s, ""
}

// isDate reports whether s is a real calendar day written YYYY-MM-DD.
func isDate(s string) bool {
	t, err := time.Parse(dateLayout, s)
	return err == nil && t.Format(dateLayout) == s
}
