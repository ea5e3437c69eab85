package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"marquee"
)

// Password length bounds. The upper one keeps hashing cheap to ask for;
// 256 bytes is far beyond any passphrase.
const (
	MinPasswordChars = 12
	MaxPasswordBytes = 256
)

// The default argon2id cost: 64 MiB of memory, 3 passes, 2 lanes, a 16-byte
// salt and a 32-byte hash. That is above OWASP's minimum (19 MiB, 2 passes)
// and takes about 0.3 s on one server core pair; raise it here when servers
// get faster: existing hashes keep their own parameters (they are in the
// hash string) and are re-hashed with the new ones at the next login.
const (
	DefaultMemoryKiB   = 64 * 1024
	DefaultIterations  = 3
	DefaultParallelism = 2
	saltLen            = 16
	keyLen             = 32
)

// Upper bounds accepted when reading a stored hash, so that a corrupted
// row cannot make one check allocate gigabytes or run for minutes.
const (
	maxMemoryKiB  = 1024 * 1024
	maxIterations = 64
)

// Params are argon2id's cost parameters.
type Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// DefaultParams returns the cost new hashes get in production.
func DefaultParams() Params {
	return Params{MemoryKiB: DefaultMemoryKiB, Iterations: DefaultIterations, Parallelism: DefaultParallelism}
}

// ValidatePassword checks a new password: at least 12 characters, at most
// 256 bytes. Nothing else: length is what makes a password strong.
func ValidatePassword(pw string) error {
	if len(pw) > MaxPasswordBytes {
		return marquee.Invalid("password", "staff.password_too_long")
	}
	if utf8.RuneCountInString(pw) < MinPasswordChars {
		return marquee.Invalid("password", "staff.password_too_short")
	}
	return nil
}

// HashPassword hashes pw with argon2id at the default cost into a PHC
// string: $argon2id$v=19$m=65536,t=3,p=2$SALT$HASH (unpadded base64).
func HashPassword(pw string) (string, error) {
	return DefaultParams().Hash(pw)
}

// Hash hashes pw with argon2id at cost p into a PHC string.
func (p Params) Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, keyLen)
	return p.format(salt, key), nil
}

func (p Params) format(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether pw matches hash, in constant time for a
// given hash. The cost is read from the hash itself, so hashes made before
// a change of DefaultParams keep working. A malformed hash matches nothing.
func CheckPassword(hash, pw string) bool {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// NeedsRehash reports whether hash was made with another cost than p (or
// cannot be read), so that a login may store a fresh hash.
func NeedsRehash(hash string, p Params) bool {
	got, _, _, err := parseHash(hash)
	return err != nil || got != p
}

// HashParams returns the cost a hash was made with.
func HashParams(hash string) (Params, error) {
	p, _, _, err := parseHash(hash)
	return p, err
}

func parseHash(hash string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id PHC string")
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, fmt.Errorf("argon2 version %q", parts[2])
	}
	// Read, then written back: anything but the canonical form is refused.
	_, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism)
	if err != nil || parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.MemoryKiB, p.Iterations, p.Parallelism) {
		return p, nil, nil, fmt.Errorf("argon2 parameters %q", parts[3])
	}
	if p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxMemoryKiB ||
		p.Iterations < 1 || p.Iterations > maxIterations || p.Parallelism < 1 {
		return p, nil, nil, fmt.Errorf("argon2 parameters out of range: %+v", p)
	}
	b64 := base64.RawStdEncoding.Strict()
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("argon2 salt: %v", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("argon2 hash: %v", err)
	}
	return p, salt, key, nil
}
