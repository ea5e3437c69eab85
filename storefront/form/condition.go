package form

import (
	"fmt"
	"slices"
)

// Condition makes a field conditional: it is asked only when the field
// named Key (of the same scope; for item fields, of the same item) has the
// answer Equals. For a checkbox Equals is "true" or "false"; for a
// multiple choice the condition holds when Equals is among the answers.
type Condition struct {
	Key    string
	Equals string
}

// MsgDefConditionInvalid is the definition error of a condition that names
// no earlier, unconditional field of its scope, or a value that field
// cannot have.
const MsgDefConditionInvalid = "form.def.condition_invalid"

// holds reports whether answer (a parsed answer, or nil when absent)
// satisfies the condition.
func (c Condition) holds(answer any) bool {
	switch a := answer.(type) {
	case nil:
		return false
	case bool:
		return fmt.Sprint(a) == c.Equals
	case []string:
		return slices.Contains(a, c.Equals)
	default:
		return fmt.Sprint(a) == c.Equals
	}
}

// conditionProblem checks f's condition against the fields before it in
// the form: the named field must exist in the same scope, not be
// conditional itself (no chains), and be able to give the value.
func conditionProblem(f Field, fields []Field) bool {
	if f.ShowIf == nil {
		return false
	}
	for _, g := range fields {
		if g.Key != f.ShowIf.Key || g.Scope != f.Scope || g.Key == f.Key || g.ShowIf != nil {
			continue
		}
		switch {
		case g.Type == TypeCheckbox:
			return f.ShowIf.Equals != "true" && f.ShowIf.Equals != "false"
		case g.Type.HasOptions():
			return !g.hasOption(f.ShowIf.Equals)
		default:
			return f.ShowIf.Equals == ""
		}
	}
	return true
}
