package domains

import (
	"testing"
)

func TestUnescapeTXT(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{`\"quoted\"`, `"quoted"`},
		{`back\\slash`, `back\slash`},
		{`tab\009end`, "tab\tend"},
		{`high\255`, "high\xff"},
		{`not\99digits`, "not99digits"},
		{`trailing\`, `trailing\`},
	}
	for _, tc := range cases {
		if got := unescapeTXT(tc.in); got != tc.want {
			t.Errorf("unescapeTXT(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
