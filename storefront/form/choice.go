package form

import (
	"slices"
	"strings"
)

// parseSingleChoice accepts exactly one of the option values.
func (f Field) parseSingleChoice(s string) (any, string) {
	if !f.hasOption(s) {
		return nil, MsgChoiceInvalid
	}
	return s, ""
}

// parseMultipleChoice accepts any number of option values, empty ones
// ignored, and stores them once each in the order of the options, so the
// answer does not depend on the order the browser sent them.
func (f Field) parseMultipleChoice(values []string) (any, bool, string) {
	chosen := make(map[string]bool, len(values))
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !f.hasOption(v) {
			return nil, false, MsgChoiceInvalid
		}
		chosen[v] = true
	}
	if len(chosen) == 0 {
		return f.absent()
	}
	answer := make([]string, 0, len(chosen))
	for _, o := range f.Options {
		if chosen[o.Value] {
			answer = append(answer, o.Value)
		}
	}
	return answer, true, ""
}

// hasOption reports whether v is the value of one of f's options.
func (f Field) hasOption(v string) bool {
	return slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == v })
}

// checkedValues are what browsers and hand-written clients send for a
// ticked checkbox; "on" is the HTML default.
var checkedValues = []string{"on", "true", "1", "yes"}

// parseCheckbox accepts a ticked checkbox; an unticked one sends nothing
// and never reaches here.
func parseCheckbox(s string) (any, string) {
	for _, c := range checkedValues {
		if strings.EqualFold(s, c) {
			return true, ""
		}
	}
	return nil, MsgCheckboxInvalid
}
