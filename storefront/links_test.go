package storefront

import (
	"testing"

	"github.com/google/uuid"
)

func TestOrderLinks(t *testing.T) {
	links := OrderLinks{Key: []byte("0123456789abcdef0123456789abcdef")}
	ev, other := uuid.New(), uuid.New()
	sig := links.Sign(ev, "K7M3-Q9XZ")
	tests := []struct {
		name     string
		tenant   uuid.UUID
		number   string
		sig      string
		accepted bool
	}{
		{"the signed link is accepted", ev, "K7M3-Q9XZ", sig, true},
		{"another order number is refused", ev, "K7M3-Q9XY", sig, false},
		{"another event is refused", other, "K7M3-Q9XZ", sig, false},
		{"a tampered signature is refused", ev, "K7M3-Q9XZ", tamper(sig, 10), false},
		{"an empty signature is refused", ev, "K7M3-Q9XZ", "", false},
		{"garbage is refused", ev, "K7M3-Q9XZ", "%%%", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := links.Verify(tc.tenant, tc.number, tc.sig); got != tc.accepted {
				t.Fatalf("Verify = %v, want %v", got, tc.accepted)
			}
		})
	}
	if (OrderLinks{Key: []byte("another key, also thirty-two bytes")}).Verify(ev, "K7M3-Q9XZ", sig) {
		t.Fatal("a link signed with another key was accepted")
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		minor             int64
		cur, locale, want string
	}{
		{1500, "EUR", "en", "€15.00"},
		{1500, "EUR", "de", "15,00\u00a0€"},
		{1500, "JPY", "en", "¥1,500"},
		{0, "USD", "en", "$0.00"},
	}
	for _, tc := range tests {
		if got := FormatMoney(tc.minor, tc.cur, tc.locale); got != tc.want {
			t.Errorf("FormatMoney(%d, %s, %s) = %q, want %q", tc.minor, tc.cur, tc.locale, got, tc.want)
		}
	}
}

// tamper changes the character at i to another base64url character, so the
// result always differs from sig.
func tamper(sig string, i int) string {
	b := []byte(sig)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestParsePrice(t *testing.T) {
	tests := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"35", "EUR", 3500, true}, {"35.50", "EUR", 3550, true}, {"35,5", "EUR", 3550, true}, {"", "EUR", 0, true},
		{"1500", "JPY", 1500, true}, {"-1", "EUR", 0, false}, {"1.234", "EUR", 0, false}, {"abc", "EUR", 0, false}, {"1.5", "JPY", 0, false},
	}
	for _, tc := range tests {
		got, err := ParsePrice("price", tc.in, tc.cur)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParsePrice(%q, %s) = %d, %v; want %d ok=%v", tc.in, tc.cur, got, err, tc.want, tc.ok)
		}
	}
}
