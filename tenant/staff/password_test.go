package staff_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"marquee"
	"marquee/tenant/staff"
)

// cheap keeps the tests that do not measure the default cost fast.
var cheap = staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

func TestHashPasswordRoundTrip(t *testing.T) {
	const pw = "correct horse battery staple"
	hash, err := staff.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("is a PHC string with the default parameters", func(t *testing.T) {
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") {
			t.Fatalf("hash %q", hash)
		}
	})
	t.Run("the right password matches", func(t *testing.T) {
		if !staff.CheckPassword(hash, pw) {
			t.Fatal("CheckPassword refused the password it hashed")
		}
	})
	t.Run("a wrong password does not", func(t *testing.T) {
		for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", pw + " "} {
			if staff.CheckPassword(hash, wrong) {
				t.Errorf("CheckPassword accepted %q", wrong)
			}
		}
	})
	t.Run("the same password hashes differently each time (salt)", func(t *testing.T) {
		again, err := staff.HashPassword(pw)
		if err != nil || again == hash {
			t.Fatalf("second hash %q (err %v) equals the first", again, err)
		}
	})
}

func TestCheckPasswordRefusesTamperedHashes(t *testing.T) {
	const pw = "twelve chars or more"
	hash, err := cheap.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(hash, "$")
	flip := func(s string) string { // change the first character, keeping it base64
		if s[0] == 'A' {
			return "B" + s[1:]
		}
		return "A" + s[1:]
	}
	for name, tampered := range map[string]string{
		"hash changed":          strings.Join(append(parts[:5:5], flip(parts[5])), "$"),
		"salt changed":          strings.Join(append(parts[:4:4], flip(parts[4]), parts[5]), "$"),
		"parameters changed":    strings.Replace(hash, "t=1", "t=2", 1),
		"other algorithm":       strings.Replace(hash, "argon2id", "argon2i", 1),
		"other version":         strings.Replace(hash, "v=19", "v=16", 1),
		"non-canonical params":  strings.Replace(hash, "t=1", "t=01", 1),
		"memory out of range":   strings.Replace(hash, "m=1024", "m=99999999", 1),
		"hash cut short":        hash[:len(hash)-20],
		"not base64":            strings.Join(append(parts[:5:5], "!!!!"), "$"),
		"empty":                 "",
		"trailing field":        hash + "$x",
		"plain text in the row": pw,
	} {
		t.Run(name, func(t *testing.T) {
			if staff.CheckPassword(tampered, pw) {
				t.Fatalf("CheckPassword(%q) accepted the password", tampered)
			}
		})
	}
}

func TestCheckPasswordReadsParametersFromTheHash(t *testing.T) {
	// A hash made elsewhere with other (OWASP minimum) parameters, as an
	// older deployment would have stored it.
	salt := []byte("sixteen byte slt")
	key := argon2.IDKey([]byte("an older password"), salt, 2, 19456, 1, 32)
	b64 := base64.RawStdEncoding
	old := "$argon2id$v=19$m=19456,t=2,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)

	if !staff.CheckPassword(old, "an older password") {
		t.Fatal("a hash with other parameters does not verify")
	}
	p, err := staff.HashParams(old)
	if err != nil || p != (staff.Params{MemoryKiB: 19456, Iterations: 2, Parallelism: 1}) {
		t.Fatalf("HashParams = %+v, %v", p, err)
	}
	if !staff.NeedsRehash(old, staff.DefaultParams()) {
		t.Fatal("a hash below the default cost should be re-hashed")
	}
	current, _ := staff.HashPassword("an older password")
	if staff.NeedsRehash(current, staff.DefaultParams()) {
		t.Fatal("a hash at the default cost should not be re-hashed")
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		name, pw, message string
	}{
		{"eleven characters are too short", "elevenchars", "staff.password_too_short"},
		{"twelve characters are enough", "twelve chars", ""},
		{"twelve non-ASCII characters are enough", "ßßßßßßßßßßßß", ""},
		{"256 bytes are fine", strings.Repeat("a", 256), ""},
		{"257 bytes are too long", strings.Repeat("a", 257), "staff.password_too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := staff.ValidatePassword(tc.pw)
			if got := messageOf(err); got != tc.message {
				t.Fatalf("ValidatePassword: message %q, want %q", got, tc.message)
			}
			if err != nil && (marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != "password") {
				t.Fatalf("ValidatePassword: %v, want invalid on field password", err)
			}
		})
	}
}

func messageOf(err error) string {
	if err == nil {
		return ""
	}
	return marquee.ErrorMessage(err)
}
