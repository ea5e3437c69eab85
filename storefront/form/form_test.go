package form

import (
	"slices"
	"testing"
)

func TestSorted(t *testing.T) {
	at := func(key string, scope Scope, pos int) Field {
		f := newField(key, TypeText)
		f.Scope, f.Position = scope, pos
		return f
	}
	fields := []Field{
		at("zeta", ScopeCustomer, 1), at("size", ScopeItem, 0), at("alpha", ScopeCustomer, 1),
		at("first", ScopeCustomer, -5), at("street", ScopeShipping, 0), at("last", ScopeCustomer, 9),
	}
	keys := func(fs []Field) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Key)
		}
		return out
	}
	tests := []struct {
		name  string
		scope Scope
		want  []string
	}{
		{"fields are ordered by position, then key", ScopeCustomer, []string{"first", "alpha", "zeta", "last"}},
		{"only the scope's fields are returned", ScopeShipping, []string{"street"}},
		{"a scope without fields is empty", Scope("none"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keys(Sorted(fields, tc.scope)); !slices.Equal(got, tc.want) {
				t.Errorf("Sorted = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("the input is left unchanged", func(t *testing.T) {
		if got := keys(fields); got[0] != "zeta" || got[2] != "alpha" {
			t.Errorf("fields reordered: %v", got)
		}
	})
}
