package form

import "strconv"

// Errors maps an input name to the message ID shown next to it.
type Errors map[string]string

// Add records messageID for the input name, keeping the first message
// when an input already has one.
func (e Errors) Add(name, messageID string) {
	if _, ok := e[name]; !ok {
		e[name] = messageID
	}
}

// Empty reports whether no input has an error.
func (e Errors) Empty() bool { return len(e) == 0 }

// ValidateAnswers checks the submitted values of every field of scope and
// returns the answers to store: one per present field, keyed by field key.
// values is the submitted form, keyed by input name: prefix+key, where
// prefix is "" for customer and shipping fields and "item.<index>." for
// the fields of one ordered item (see ItemPrefix). Errors are added to
// errs, which must not be nil, under the same input names. Fields of other
// scopes and inputs no field names are ignored.
func ValidateAnswers(fields []Field, scope Scope, values map[string][]string, prefix string, errs Errors) map[string]any {
	answers := make(map[string]any)
	for _, f := range fields {
		if f.Scope != scope {
			continue
		}
		// A field whose condition does not hold is not asked: nothing is
		// required and whatever was sent for it is dropped. Conditions
		// name unconditional fields only, so their answers are known here.
		if f.ShowIf != nil && !f.ShowIf.holds(conditionAnswer(fields, scope, f.ShowIf.Key, values, prefix)) {
			continue
		}
		answer, present, errID := f.Parse(values[prefix+f.Key])
		switch {
		case errID != "":
			errs.Add(prefix+f.Key, errID)
		case present:
			answers[f.Key] = answer
		}
	}
	return answers
}

// ItemPrefix returns the input name prefix of the item fields of the
// ordered item at index: "item.3." for the fourth.
func ItemPrefix(index int) string {
	return "item." + strconv.Itoa(index) + "."
}

// conditionAnswer is the parsed answer of the field a condition names, or
// nil when it is absent or invalid.
func conditionAnswer(fields []Field, scope Scope, key string, values map[string][]string, prefix string) any {
	for _, g := range fields {
		if g.Scope == scope && g.Key == key {
			answer, present, errID := g.Parse(values[prefix+g.Key])
			if errID != "" || !present {
				return nil
			}
			return answer
		}
	}
	return nil
}
