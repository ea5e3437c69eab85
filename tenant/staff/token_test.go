package staff_test

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"marquee/tenant/staff"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		plain, hash := staff.NewToken()
		raw, err := base64.RawURLEncoding.DecodeString(plain)
		if err != nil {
			t.Fatalf("token %q is not unpadded base64url: %v", plain, err)
		}
		if len(raw)*8 < 128 {
			t.Fatalf("token carries %d bits, want at least 128", len(raw)*8)
		}
		if seen[plain] {
			t.Fatalf("token %q came twice", plain)
		}
		seen[plain] = true
		if want := sha256.Sum256([]byte(plain)); string(hash) != string(want[:]) {
			t.Fatal("the stored hash is not the SHA-256 of the token")
		}
		if string(staff.HashToken(plain)) != string(hash) {
			t.Fatal("HashToken disagrees with NewToken")
		}
	}
}

func TestHashTokenRefusesWhatIsNoToken(t *testing.T) {
	for _, s := range []string{"", "short", "not base64 at all, but long enough to be a token!!", "AAAA"} {
		if h := staff.HashToken(s); h != nil {
			t.Errorf("HashToken(%q) = %x, want nil", s, h)
		}
	}
}
