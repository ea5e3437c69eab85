package form

import (
	"testing"

	"marquee"
)

func conditionalForm() []Field {
	return []Field{
		{Key: "is_company", Scope: ScopeCustomer, Type: TypeCheckbox, Label: map[string]string{"en": "I order for a company"}},
		{Key: "vat_id", Scope: ScopeCustomer, Type: TypeText, Required: true, Label: map[string]string{"en": "VAT ID"},
			ShowIf: &Condition{Key: "is_company", Equals: "true"}, Position: 1},
		{Key: "diet", Scope: ScopeCustomer, Type: TypeSingleChoice, Label: map[string]string{"en": "Diet"}, Position: 2,
			Options: []Option{{Value: "none", Label: map[string]string{"en": "None"}}, {Value: "other", Label: map[string]string{"en": "Other"}}}},
		{Key: "diet_note", Scope: ScopeCustomer, Type: TypeText, Required: true, Label: map[string]string{"en": "Which?"},
			ShowIf: &Condition{Key: "diet", Equals: "other"}, Position: 3},
	}
}

func TestConditionalFields(t *testing.T) {
	tests := []struct {
		name     string
		values   map[string][]string
		errs     []string
		answered []string
		dropped  []string
	}{
		{"a condition that does not hold asks nothing and drops what was sent",
			map[string][]string{"vat_id": {"junk"}, "diet": {"none"}, "diet_note": {"junk"}}, nil, []string{"is_company", "diet"}, []string{"vat_id", "diet_note"}},
		{"a checkbox condition that holds makes the field required",
			map[string][]string{"is_company": {"on"}}, []string{"vat_id"}, nil, nil},
		{"a choice condition that holds makes the field required",
			map[string][]string{"diet": {"other"}}, []string{"diet_note"}, nil, nil},
		{"answers of fields whose condition holds are kept",
			map[string][]string{"is_company": {"on"}, "vat_id": {"DE123"}, "diet": {"other"}, "diet_note": {"vegan"}}, nil, []string{"vat_id", "diet_note"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := Errors{}
			answers := ValidateAnswers(conditionalForm(), ScopeCustomer, tc.values, "", errs)
			if len(errs) != len(tc.errs) {
				t.Fatalf("errors %v, want on %v", errs, tc.errs)
			}
			for _, e := range tc.errs {
				if errs[e] != MsgRequired {
					t.Errorf("%s: %q, want %s", e, errs[e], MsgRequired)
				}
			}
			for _, k := range tc.answered {
				if _, ok := answers[k]; !ok {
					t.Errorf("%s not answered: %v", k, answers)
				}
			}
			for _, k := range tc.dropped {
				if _, ok := answers[k]; ok {
					t.Errorf("%s stored though its condition does not hold", k)
				}
			}
		})
	}
}

func TestConditionDefinitions(t *testing.T) {
	base := conditionalForm()
	tests := []struct {
		name string
		cond *Condition
		ok   bool
	}{
		{"naming a checkbox with true", &Condition{Key: "is_company", Equals: "true"}, true},
		{"naming a choice with one of its options", &Condition{Key: "diet", Equals: "other"}, true},
		{"naming a field that does not exist", &Condition{Key: "nope", Equals: "x"}, false},
		{"naming a checkbox with something else", &Condition{Key: "is_company", Equals: "yes"}, false},
		{"naming a choice with a value it does not offer", &Condition{Key: "diet", Equals: "meat"}, false},
		{"naming a conditional field (no chains)", &Condition{Key: "vat_id", Equals: "x"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields := append(append([]Field{}, base...), Field{Key: "extra", Scope: ScopeCustomer, Type: TypeText,
				Label: map[string]string{"en": "Extra"}, ShowIf: tc.cond, Position: 9})
			err := ValidateForm(fields, "en")
			if (err == nil) != tc.ok {
				t.Fatalf("ValidateForm: %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok && marquee.ErrorMessage(err) != MsgDefConditionInvalid {
				t.Fatalf("message %s", marquee.ErrorMessage(err))
			}
		})
	}
}
