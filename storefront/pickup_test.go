package storefront

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestPickupTokens(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tokens := PickupTokens{Key: key}
	ev, other := uuid.New(), uuid.New()
	tok := tokens.Token(ev, "K7M3-Q9XZ")
	if !strings.HasPrefix(tok, "MQP1.K7M3-Q9XZ.") {
		t.Fatalf("Token = %q, want MQP1.K7M3-Q9XZ.<mac>", tok)
	}
	sig := tok[len("MQP1.K7M3-Q9XZ."):]
	links := OrderLinks{Key: key}
	tests := []struct {
		name   string
		tenant uuid.UUID
		token  string
		want   string
	}{
		{"the event's token gives its number", ev, tok, "K7M3-Q9XZ"},
		{"spaces around the token are ignored", ev, "  " + tok + "\n", "K7M3-Q9XZ"},
		{"another event's token is refused", other, tok, ""},
		{"another order number is refused", ev, "MQP1.K7M3-Q9XY." + sig, ""},
		{"a tampered MAC is refused", ev, "MQP1.K7M3-Q9XZ." + tamper(sig, 3), ""},
		{"a truncated MAC is refused", ev, tok[:len(tok)-1], ""},
		{"another version is refused", ev, "MQP2" + tok[4:], ""},
		{"lower case is refused", ev, strings.ToLower(tok[:4]) + tok[4:], ""},
		{"spaces inside are refused", ev, strings.Replace(tok, ".", ". ", 1), ""},
		{"an extra part is refused", ev, tok + ".x", ""},
		{"no number is refused", ev, "MQP1.." + sig, ""},
		{"the status link's signature is refused", ev, "MQP1.K7M3-Q9XZ." + links.Sign(ev, "K7M3-Q9XZ"), ""},
		{"the status link is refused", ev, links.Path(ev, "K7M3-Q9XZ"), ""},
		{"an order number alone is refused", ev, "K7M3-Q9XZ", ""},
		{"empty is refused", ev, "", ""},
		{"garbage is refused", ev, "MQP1.K7M3-Q9XZ.%%%", ""},
		{"a long text is refused", ev, tok + strings.Repeat(" ", 300) + "x", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tokens.Parse(tc.tenant, tc.token)
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("Parse(%q) = %q, %v; want %q", tc.token, got, ok, tc.want)
			}
		})
	}
	if _, ok := (PickupTokens{Key: []byte("another key, also thirty-two bytes")}).Parse(ev, tok); ok {
		t.Fatal("a token made with another key was accepted")
	}
	if tokens.Token(ev, "K7M3-Q9XZ") != tok || tokens.Token(other, "K7M3-Q9XZ") == tok {
		t.Fatal("a token is not stable per event and order, or is the same for two events")
	}
}
