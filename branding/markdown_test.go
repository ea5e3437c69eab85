package branding

import (
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	m := NewMarkdown()
	tests := []struct {
		name, src    string
		want, forbid []string
	}{
		{"emphasis and lists render", "**Free** shirt\n\n- one\n- two", []string{"<strong>Free</strong>", "<li>one</li>"}, nil},
		{"raw HTML scripts are dropped (their text stays inert)", "Hi <script>alert(1)</script>", []string{"Hi"}, []string{"<script"}},
		{"event handlers are dropped", `<img src="x" onerror="alert(1)">`, nil, []string{"onerror"}},
		{"javascript links are dropped", "[click](javascript:alert(1))", nil, []string{"javascript:"}},
		{"links get nofollow and open safely", "[site](https://example.com)", []string{`rel="nofollow noopener"`, `target="_blank"`}, nil},
		{"iframes are dropped", `<iframe src="https://evil.example"></iframe>`, nil, []string{"<iframe"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(m.HTML(tc.src))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, f := range tc.forbid {
				if strings.Contains(got, f) {
					t.Errorf("%q contains %q", got, f)
				}
			}
		})
	}
}
