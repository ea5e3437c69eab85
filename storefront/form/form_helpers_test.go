package form

import (
	"reflect"
	"strings"
	"testing"
)

// en returns a label map with one English text.
func en(s string) map[string]string { return map[string]string{"en": s} }

// ptr returns a pointer to x, for Min and Max.
func ptr(x float64) *float64 { return &x }

// newField returns a valid optional customer field of type typ.
func newField(key string, typ Type) Field {
	f := Field{Key: key, Scope: ScopeCustomer, Type: typ, Label: en(key)}
	if typ.HasOptions() {
		f.Options = options("a", "b")
	}
	return f
}

// required returns f made required.
func required(f Field) Field {
	f.Required = true
	return f
}

// options returns options with the given values, labelled by value.
func options(values ...string) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: v, Label: en(strings.ToUpper(v))}
	}
	return out
}

// parseCase is one submission for a field and the outcome Parse must give.
type parseCase struct {
	name   string
	values []string
	want   any    // the stored answer; nil when there is none
	errID  string // "" when the submission is accepted
}

// runParse checks every case against f. A case with neither want nor
// errID expects an absent optional answer.
func runParse(t *testing.T, f Field, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, present, errID := f.Parse(tc.values)
			if errID != tc.errID {
				t.Fatalf("Parse(%.80q) error = %q, want %q (answer %.80v)", tc.values, errID, tc.errID, got)
			}
			if wantPresent := tc.errID == "" && tc.want != nil; present != wantPresent {
				t.Fatalf("Parse(%.80q) present = %v, want %v", tc.values, present, wantPresent)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse(%.80q) = %#.80v, want %#.80v", tc.values, got, tc.want)
			}
		})
	}
}

// one returns the values of an input submitted once.
func one(s string) []string { return []string{s} }
