package route53

import (
	"strings"
	"testing"
)

func TestTXTQuoting(t *testing.T) {
	long := strings.Repeat("a", 300)
	cases := []struct {
		rule  string
		text  string
		value string
	}{
		{"a token is quoted", "token1", `"token1"`},
		{"an empty text is an empty string", "", `""`},
		{"quotes and backslashes are escaped", `say "hi" \o/`, `"say \"hi\" \\o/"`},
		{"bytes outside printable ASCII are octal escapes", "é\n", `"\303\251\012"`},
		{"a text over 255 bytes is split into strings", long, `"` + long[:255] + `" "` + long[255:] + `"`},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := quoteTXT(c.text); got != c.value {
				t.Errorf("quoteTXT(%q) = %s, want %s", c.text, got, c.value)
			}
			if got := unquoteTXT(c.value); got != c.text {
				t.Errorf("unquoteTXT(%s) = %q, want %q", c.value, got, c.text)
			}
		})
	}

	t.Run("values written by others read as their text", func(t *testing.T) {
		for value, want := range map[string]string{`"v=spf1" " -all"`: "v=spf1 -all", `plain`: "plain", `"a\"b"`: `a"b`} {
			if got := unquoteTXT(value); got != want {
				t.Errorf("unquoteTXT(%s) = %q, want %q", value, got, want)
			}
		}
	})
}
