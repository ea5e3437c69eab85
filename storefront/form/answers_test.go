package form

import (
	"encoding/json"
	"reflect"
	"testing"
)

// mixedForm is an event's form with fields of every scope.
func mixedForm() []Field {
	name := required(newField("name", TypeText))
	email := required(newField("email", TypeEmail))
	company := newField("company", TypeText)
	newsletter := newField("newsletter", TypeCheckbox)
	country := required(newField("country", TypeCountry))
	country.Scope = ScopeShipping
	printName := required(newField("print_name", TypeText))
	printName.Scope, printName.MaxLength = ScopeItem, 12
	size := required(newField("size", TypeSingleChoice))
	size.Scope, size.Options = ScopeItem, options("S", "M", "L")
	extras := newField("extras", TypeMultipleChoice)
	extras.Scope = ScopeItem
	return []Field{name, email, company, newsletter, country, printName, size, extras}
}

func TestValidateAnswers(t *testing.T) {
	submitted := map[string][]string{
		"name":              one("  Ada "),
		"email":             one("ada@EXAMPLE.com"),
		"company":           one(""),
		"is_admin":          one("true"),
		"country":           one("de"),
		"print_name":        one("forged bare item input"),
		"item.0.print_name": one("ADA"),
		"item.0.size":       one("M"),
		"item.1.print_name": one(""),
		"item.1.size":       one("XXL"),
		"item.1.is_admin":   one("true"),
	}
	tests := []struct {
		name   string
		scope  Scope
		prefix string
		values map[string][]string
		want   map[string]any
		errs   Errors
	}{
		{
			name:  "customer answers are normalised, optional empty fields omitted, unknown keys ignored",
			scope: ScopeCustomer, values: submitted,
			want: map[string]any{"name": "Ada", "email": "ada@example.com", "newsletter": false},
			errs: Errors{},
		},
		{
			name:  "shipping scope takes only shipping fields",
			scope: ScopeShipping, values: submitted,
			want: map[string]any{"country": "DE"},
			errs: Errors{},
		},
		{
			name:  "item fields are read under the item's prefix",
			scope: ScopeItem, prefix: "item.0.", values: submitted,
			want: map[string]any{"print_name": "ADA", "size": "M"},
			errs: Errors{},
		},
		{
			name:  "item errors are keyed by the item's input names",
			scope: ScopeItem, prefix: "item.1.", values: submitted,
			want: map[string]any{},
			errs: Errors{"item.1.print_name": MsgRequired, "item.1.size": MsgChoiceInvalid},
		},
		{
			name:  "customer errors are keyed by the field key",
			scope: ScopeCustomer, values: map[string][]string{"name": one("Ada"), "email": one("Ada <ada@example.com>"), "newsletter": one("maybe")},
			want: map[string]any{"name": "Ada"},
			errs: Errors{"email": MsgEmailInvalid, "newsletter": MsgCheckboxInvalid},
		},
		{
			name:  "an empty submission reports every required field",
			scope: ScopeCustomer, values: nil,
			want: map[string]any{"newsletter": false},
			errs: Errors{"name": MsgRequired, "email": MsgRequired},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := Errors{}
			got := ValidateAnswers(mixedForm(), tc.scope, tc.values, tc.prefix, errs)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("answers = %#v, want %#v", got, tc.want)
			}
			if !reflect.DeepEqual(errs, tc.errs) {
				t.Errorf("errors = %v, want %v", errs, tc.errs)
			}
		})
	}
	t.Run("answers marshal to the JSON stored with the order", func(t *testing.T) {
		f := newField("qty", TypeNumber)
		f.Integer = true
		fields := append(mixedForm(), f)
		values := map[string][]string{"name": one("Ada"), "email": one("a@b.de"), "newsletter": one("on"), "qty": one("2")}
		b, err := json.Marshal(ValidateAnswers(fields, ScopeCustomer, values, "", Errors{}))
		want := `{"email":"a@b.de","name":"Ada","newsletter":true,"qty":2}`
		if err != nil || string(b) != want {
			t.Errorf("json = %s, %v; want %s", b, err, want)
		}
	})
	t.Run("ItemPrefix names an item's inputs", func(t *testing.T) {
		if got := ItemPrefix(3); got != "item.3." {
			t.Errorf("ItemPrefix(3) = %q, want item.3.", got)
		}
	})
}

func TestErrors(t *testing.T) {
	t.Run("a new map is empty", func(t *testing.T) {
		if !(Errors{}).Empty() {
			t.Error("Errors{}.Empty() = false")
		}
	})
	t.Run("the first message for an input wins", func(t *testing.T) {
		errs := Errors{}
		errs.Add("email", MsgRequired)
		errs.Add("email", MsgEmailInvalid)
		if errs.Empty() || errs["email"] != MsgRequired {
			t.Errorf("errs = %v, want email: %s", errs, MsgRequired)
		}
	})
	t.Run("errors accumulate across calls", func(t *testing.T) {
		errs := Errors{}
		ValidateAnswers(mixedForm(), ScopeCustomer, nil, "", errs)
		ValidateAnswers(mixedForm(), ScopeItem, nil, ItemPrefix(0), errs)
		for _, name := range []string{"name", "email", "item.0.print_name", "item.0.size"} {
			if errs[name] != MsgRequired {
				t.Errorf("errs[%s] = %q, want %s", name, errs[name], MsgRequired)
			}
		}
	})
}
