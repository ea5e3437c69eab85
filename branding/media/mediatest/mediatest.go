// Package mediatest holds the conformance suite every media.Store passes,
// so the disk store in development and S3 in production behave alike.
package mediatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"marquee"
	"marquee/branding/media"
)

// StoreSuite checks the contract of media.Store on s. Every key it writes
// lies under a fresh random tenant prefix and is deleted at the end, so it
// may run against a shared bucket.
func StoreSuite(t *testing.T, s media.Store) {
	prefix := uuid.NewString() + "/" + strings.Repeat("ab", 32)
	key := func(name string) string { return prefix + "/" + name }
	t.Cleanup(func() {
		for _, name := range []string{"640.jpg", "320.png", "1280.jpg", "dir/1.png", "0.png", "short.png", "race.png"} {
			_ = s.Delete(context.Background(), key(name))
		}
	})

	t.Run("put then get returns the same bytes, type and cache control", func(t *testing.T) {
		body := randomBytes(t, 300_000)
		obj := media.Object{Key: key("640.jpg"), ContentType: "image/jpeg", CacheControl: media.ImmutableCacheControl, Size: int64(len(body))}
		mustPut(t, s, obj, body)
		got, gotObj := mustGet(t, s, obj.Key)
		if !bytes.Equal(got, body) {
			t.Fatalf("got %d bytes back, want the %d put (first differ at %s)", len(got), len(body), firstDiff(got, body))
		}
		if gotObj != obj {
			t.Errorf("got object %+v, want %+v", gotObj, obj)
		}
	})

	t.Run("an empty body round-trips", func(t *testing.T) {
		obj := media.Object{Key: key("0.png"), ContentType: "image/png", CacheControl: "no-cache"}
		mustPut(t, s, obj, nil)
		got, gotObj := mustGet(t, s, obj.Key)
		if len(got) != 0 || gotObj.Size != 0 || gotObj.ContentType != "image/png" || gotObj.CacheControl != "no-cache" {
			t.Errorf("got %d bytes and %+v, want nothing with the type and cache control put", len(got), gotObj)
		}
	})

	t.Run("put replaces an object", func(t *testing.T) {
		k := key("320.png")
		mustPut(t, s, media.Object{Key: k, ContentType: "image/jpeg"}, []byte("first version, longer than the second"))
		mustPut(t, s, media.Object{Key: k, ContentType: "image/png", CacheControl: media.ImmutableCacheControl}, []byte("second"))
		got, obj := mustGet(t, s, k)
		if string(got) != "second" || obj.ContentType != "image/png" || obj.Size != 6 {
			t.Errorf("got %q as %+v, want the second version", got, obj)
		}
	})

	t.Run("get of a missing key is not found", func(t *testing.T) {
		for _, k := range []string{key("missing.png"), uuid.NewString() + "/x/1.png"} {
			_, _, err := s.Get(context.Background(), k)
			if marquee.ErrorCode(err) != marquee.ENOTFOUND {
				t.Errorf("Get(%q) = %v, want ENOTFOUND", k, err)
			}
		}
	})

	t.Run("a prefix of a stored key is not an object", func(t *testing.T) {
		mustPut(t, s, media.Object{Key: key("dir/1.png"), ContentType: "image/png"}, []byte("x"))
		for _, k := range []string{key("dir"), prefix, key("dir/1.png/more")} {
			if _, _, err := s.Get(context.Background(), k); marquee.ErrorCode(err) != marquee.ENOTFOUND {
				t.Errorf("Get(%q) = %v, want ENOTFOUND", k, err)
			}
		}
	})

	t.Run("delete removes the object and deleting again is fine", func(t *testing.T) {
		k := key("1280.jpg")
		mustPut(t, s, media.Object{Key: k, ContentType: "image/jpeg"}, []byte("bye"))
		for range 2 {
			if err := s.Delete(context.Background(), k); err != nil {
				t.Fatalf("Delete: %v", err)
			}
		}
		if _, _, err := s.Get(context.Background(), k); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Errorf("Get after Delete = %v, want ENOTFOUND", err)
		}
	})

	t.Run("a body of another length than declared is refused and not stored", func(t *testing.T) {
		obj := media.Object{Key: key("short.png"), ContentType: "image/png", Size: 100}
		for _, body := range [][]byte{make([]byte, 50), make([]byte, 150)} {
			if err := s.Put(context.Background(), obj, bytes.NewReader(body)); err == nil {
				t.Errorf("Put of %d bytes declared as %d succeeded", len(body), obj.Size)
			}
		}
		if _, _, err := s.Get(context.Background(), obj.Key); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Errorf("Get = %v, want ENOTFOUND", err)
		}
	})

	t.Run("concurrent puts of one key leave one whole object", func(t *testing.T) {
		k := key("race.png")
		bodies := make([][]byte, 6)
		var wg sync.WaitGroup
		for i := range bodies {
			bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, 64<<10)
			wg.Go(func() {
				if err := s.Put(context.Background(), media.Object{Key: k, ContentType: "image/png"}, bytes.NewReader(bodies[i])); err != nil {
					t.Errorf("Put %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		got, _ := mustGet(t, s, k)
		for _, b := range bodies {
			if bytes.Equal(got, b) {
				return
			}
		}
		t.Errorf("got %d bytes that match none of the bodies put", len(got))
	})

	t.Run("url names the key", func(t *testing.T) {
		k := key("640.jpg")
		u, err := s.URL(context.Background(), k)
		if err != nil || !strings.Contains(u, k) {
			t.Errorf("URL(%q) = %q, %v; want a URL holding the key", k, u, err)
		}
	})

	t.Run("keys with odd characters are refused", func(t *testing.T) {
		for _, k := range OddKeys() {
			ctx := context.Background()
			errs := map[string]error{
				"Put":    s.Put(ctx, media.Object{Key: k, ContentType: "image/png"}, strings.NewReader("x")),
				"Delete": s.Delete(ctx, k),
			}
			_, _, errs["Get"] = s.Get(ctx, k)
			_, errs["URL"] = s.URL(ctx, k)
			for op, err := range errs {
				if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorMessage(err) != "media.key_invalid" {
					t.Errorf("%s(%q) = %v, want EINVALID media.key_invalid", op, k, err)
				}
			}
		}
	})
}

// OddKeys are keys every store refuses: path tricks, characters outside
// [a-z0-9/.-], and a key too long.
func OddKeys() []string {
	return []string{
		"", "/abs/1.png", "../1.png", "a/../../1.png", "a/./1.png", "a//1.png", "a/1.png/",
		".hidden/1.png", "a/.1.png", "A/1.png", "a/1.PNG", "a b/1.png", `a\1.png`, "a/1.png?x=1",
		"a/1.png#f", "a/%2e%2e/1.png", "a/1.png\x00.txt", "a/\n1.png", "ä/1.png", "a:1.png",
		"a/" + strings.Repeat("x", 600) + ".png",
	}
}

func mustPut(t *testing.T, s media.Store, obj media.Object, body []byte) {
	t.Helper()
	if err := s.Put(context.Background(), obj, bytes.NewReader(body)); err != nil {
		t.Fatalf("Put(%q): %v", obj.Key, err)
	}
}

func mustGet(t *testing.T, s media.Store, key string) ([]byte, media.Object) {
	t.Helper()
	rc, obj, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): reading: %v", key, err)
	}
	return data, obj
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func firstDiff(a, b []byte) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprint(i)
		}
	}
	return "the end"
}
