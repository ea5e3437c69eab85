package form

import (
	"math"
	"regexp"
	"strconv"
)

// decimalNumber is the plain decimal syntax a number input sends.
// strconv.ParseFloat alone would also take "inf", "NaN", hexadecimal and
// digit separators, none of which a person means as a quantity.
var decimalNumber = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// maxSafeInteger is the largest whole number a float64, and so a JSON
// reader such as JavaScript's, holds exactly.
const maxSafeInteger = 1<<53 - 1

// parseNumber validates a number answer: a float64, or an int64 when the
// field wants whole numbers.
func (f Field) parseNumber(s string) (any, string) {
	if !decimalNumber.MatchString(s) {
		return nil, MsgNumberInvalid
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !finite(v) {
		return nil, MsgNumberInvalid
	}
	v += 0 // turns -0 into 0
	if f.Integer && v != math.Trunc(v) {
		return nil, MsgNumberWhole
	}
	if id := f.numberRangeProblem(v); id != "" {
		return nil, id
	}
	if f.Integer {
		return int64(v), ""
	}
	return v, ""
}

// numberRangeProblem checks v against the field's range and, for whole
// numbers, against what an int64 and a JSON reader hold exactly.
func (f Field) numberRangeProblem(v float64) string {
	switch {
	case f.Min != nil && v < *f.Min:
		return MsgNumberTooSmall
	case f.Max != nil && v > *f.Max:
		return MsgNumberTooLarge
	case f.Integer && v < -maxSafeInteger:
		return MsgNumberTooSmall
	case f.Integer && v > maxSafeInteger:
		return MsgNumberTooLarge
	}
	return ""
}
