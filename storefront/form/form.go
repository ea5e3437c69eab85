// Package form holds the order form an event defines: the fields an
// attendee fills in when ordering, the rules that keep a field definition
// sound, and the server-side validation of what an attendee submits.
// Answers come back normalised and ready to store as JSONB with the order;
// problems come back as go-i18n message IDs keyed by input name, so the
// page can re-render with every entered value kept.
package form

import (
	"cmp"
	"slices"
)

// Scope says where in an order a field is asked.
type Scope string

// The scopes a field can have.
const (
	ScopeCustomer Scope = "customer" // asked once per order
	ScopeShipping Scope = "shipping" // asked only when the event ships
	ScopeItem     Scope = "item"     // asked per ordered item, e.g. the name to print on a shirt
)

// Valid reports whether s is one of the known scopes.
func (s Scope) Valid() bool {
	return s == ScopeCustomer || s == ScopeShipping || s == ScopeItem
}

// Type is the kind of answer a field takes.
type Type string

// The field types an event can use.
const (
	TypeText           Type = "text"            // one line of text
	TypeLongText       Type = "long_text"       // several lines of text
	TypeEmail          Type = "email"           // one email address
	TypePhone          Type = "phone"           // a phone number as people write it
	TypeNumber         Type = "number"          // a decimal number, optionally whole
	TypeSingleChoice   Type = "single_choice"   // one of the options
	TypeMultipleChoice Type = "multiple_choice" // any of the options
	TypeCheckbox       Type = "checkbox"        // yes or no, e.g. consent
	TypeDate           Type = "date"            // a calendar day, YYYY-MM-DD
	TypeCountry        Type = "country"         // an ISO 3166-1 alpha-2 code
)

// types lists every known type; Valid and the tests read it.
var types = []Type{
	TypeText, TypeLongText, TypeEmail, TypePhone, TypeNumber,
	TypeSingleChoice, TypeMultipleChoice, TypeCheckbox, TypeDate, TypeCountry,
}

// Valid reports whether t is one of the known types.
func (t Type) Valid() bool { return slices.Contains(types, t) }

// HasOptions reports whether fields of type t choose among options.
func (t Type) HasOptions() bool {
	return t == TypeSingleChoice || t == TypeMultipleChoice
}

// HasLength reports whether fields of type t take length limits.
func (t Type) HasLength() bool { return t == TypeText || t == TypeLongText }

// Option is one choice of a single or multiple choice field.
type Option struct {
	Value string            // stable machine value stored in answers
	Label map[string]string // by locale
}

// Field is one question of an event's order form.
type Field struct {
	Key       string            // stable name used in answers and form inputs
	Scope     Scope             // where in the order the field is asked
	Type      Type              // the kind of answer
	Label     map[string]string // by locale; at least the event's default locale
	Help      map[string]string // optional, by locale
	Required  bool              // an answer must be given (a checkbox must be checked)
	Options   []Option          // single_choice and multiple_choice only
	MinLength int               // text, long_text: fewest characters; 0 = no minimum
	MaxLength int               // text, long_text: most characters; 0 = the type's default
	Min, Max  *float64          // number: inclusive range; nil = unbounded
	MinDate   string            // date: earliest day, YYYY-MM-DD; "" = unbounded
	MaxDate   string            // date: latest day, YYYY-MM-DD; "" = unbounded
	Integer   bool              // number: whole numbers only
	Position  int               // order within the scope
	// ShowIf, when set, asks the field only when another field of its
	// scope has a given answer (see Condition).
	ShowIf *Condition
}

// Default longest answers, in characters, when MaxLength is 0. Email
// follows RFC 5321's path limit; phone leaves room for separators around
// the 20 digits a number may have.
const (
	defaultMaxText     = 200
	defaultMaxLongText = 2000
	maxEmailLength     = 254
	maxPhoneLength     = 32
)

// maxLength returns the longest answer f accepts, in characters.
func (f Field) maxLength() int {
	if f.MaxLength > 0 {
		return f.MaxLength
	}
	switch f.Type {
	case TypeLongText:
		return defaultMaxLongText
	case TypeEmail:
		return maxEmailLength
	case TypePhone:
		return maxPhoneLength
	}
	return defaultMaxText
}

// Sorted returns the fields of one scope ordered by Position, then Key.
func Sorted(fields []Field, scope Scope) []Field {
	var out []Field
	for _, f := range fields {
		if f.Scope == scope {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b Field) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Key, b.Key))
	})
	return out
}
