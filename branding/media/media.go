// Package media turns an event's uploaded images into safe, resized copies
// and keeps them in a Store: S3 in production (package s3store), a folder on
// disk in development (package diskstore). It knows no web framework; the
// console calls Process and Save, and pages link to Store.URL.
package media

import (
	"context"
	"io"
	"strings"

	"marquee"
)

// ImmutableCacheControl is the Cache-Control of every stored rendition: a key
// names its content (see Image.Hash), so a key never changes meaning and
// browsers and CDNs may keep it for a year without asking again.
const ImmutableCacheControl = "public, max-age=31536000, immutable"

// maxKeyLen keeps keys well inside S3's 1,024 bytes and any file system's
// path limits; a real key ("<uuid>/<sha256>/<width>.<ext>") is about 110.
const maxKeyLen = 512

// Object describes one stored file. Size is the length of the body in
// bytes: Put refuses a body of another length when Size is not zero, and
// Get reports the stored length.
type Object struct {
	Key          string
	ContentType  string
	CacheControl string
	Size         int64
}

// Store keeps image bytes. Keys look like "<tenant-uuid>/<sha256-hex>/<width>.<ext>";
// every method refuses a key that CheckKey refuses.
type Store interface {
	// Put stores body under obj.Key with obj's content type and cache
	// control, replacing what was there; readers see the old or the new
	// object, never a part.
	Put(ctx context.Context, obj Object, body io.Reader) error
	// Get opens a stored object; a missing key is a marquee ENOTFOUND
	// error. The caller closes the body.
	Get(ctx context.Context, key string) (io.ReadCloser, Object, error)
	// Delete removes an object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// URL says where a browser fetches the object: a public base URL, a
	// presigned URL, or the app's own path for disk ("/media/<key>").
	URL(ctx context.Context, key string) (string, error)
}

// CheckKey refuses keys a store must not accept: empty or longer than 512
// bytes, characters outside [a-z0-9/.-], a leading or trailing "/", empty
// segments, and segments that start with "." (which covers "." and "..",
// and keeps the disk store's temporary files apart from real keys). The
// error is a marquee EINVALID on field "key".
func CheckKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return keyError()
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '/' || c == '.' || c == '-') {
			return keyError()
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return keyError()
		}
	}
	return nil
}

func keyError() error { return marquee.Invalid("key", "media.key_invalid") }

// NotFound is the error a Store returns for a key it does not hold; cause
// is kept for logs and may be nil.
func NotFound(cause error) error {
	return marquee.Wrap(marquee.ENOTFOUND, "error.not_found", cause)
}
