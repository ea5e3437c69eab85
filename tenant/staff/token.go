package staff

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// tokenBytes is the entropy of session tokens and one-time links: 256 bits.
const tokenBytes = 32

// NewToken returns a fresh random token: plain (unpadded base64url, 43
// characters) goes to the browser in a cookie or a link, hash (SHA-256 of
// plain) is what the database stores, so a copy of the database holds no
// usable token. A plain SHA-256 suffices because the token is random, not
// chosen by a person.
func NewToken() (plain string, hash []byte) {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+): it crashes instead
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain)
}

// HashToken returns what the database stores for a plain token, or nil for
// a string that cannot be one of ours (so it is never looked up).
func HashToken(plain string) []byte {
	if b, err := base64.RawURLEncoding.DecodeString(plain); err != nil || len(b) != tokenBytes {
		return nil
	}
	h := sha256.Sum256([]byte(plain))
	return h[:]
}
