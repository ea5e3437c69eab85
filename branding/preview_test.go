package branding

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestPreviewLinks(t *testing.T) {
	links := PreviewLinks{Key: []byte("0123456789abcdef0123456789abcdef")}
	ev, other := uuid.New(), uuid.New()
	now := time.Unix(1_800_000_000, 0)
	token := links.Token(ev, now.Add(time.Hour))
	tests := []struct {
		name   string
		tenant uuid.UUID
		token  string
		at     time.Time
		valid  bool
	}{
		{"a fresh link works", ev, token, now, true},
		{"an expired link does not", ev, token, now.Add(2 * time.Hour), false},
		{"another event's link does not", other, token, now, false},
		{"a tampered link does not", ev, tamper(token, 20), now, false},
		{"a link with a pushed-out expiry does not", ev, tamper(token, 5), now, false},
		{"garbage does not", ev, "%%%", now, false},
		{"an empty token does not", ev, "", now, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := links.Valid(tc.tenant, tc.token, tc.at); got != tc.valid {
				t.Fatalf("Valid = %v, want %v", got, tc.valid)
			}
		})
	}
	if (PreviewLinks{Key: []byte("another key of thirty-two bytes!!")}).Valid(ev, token, now) {
		t.Fatal("a link signed with another key works")
	}
}

// tamper changes the character at i to another base64url character.
func tamper(token string, i int) string {
	b := []byte(token)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
