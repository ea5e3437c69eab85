package diskstore_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"marquee"
	"marquee/branding/media"
	"marquee/branding/media/diskstore"
	"marquee/branding/media/mediatest"
)

func newStore(t *testing.T) (*diskstore.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := diskstore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

func TestStoreSuite(t *testing.T) {
	s, _ := newStore(t)
	mediatest.StoreSuite(t, s)
}

const key = "0b7e8f3c-4f1d-4c55-9a43-0d6c3e1f2a10/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/640.jpg"

func TestURLIsTheAppsOwnPath(t *testing.T) {
	s, _ := newStore(t)
	u, err := s.URL(context.Background(), key)
	if err != nil || u != "/media/"+key {
		t.Errorf("URL = %q, %v; want /media/%s", u, err, key)
	}
}

func TestOpenServesTheFileAsStored(t *testing.T) {
	s, dir := newStore(t)
	body := []byte("\xff\xd8\xff pretend jpeg")
	obj := media.Object{Key: key, ContentType: "image/jpeg", CacheControl: media.ImmutableCacheControl, Size: int64(len(body))}
	if err := s.Put(context.Background(), obj, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}

	t.Run("open returns a seekable file with the stored metadata", func(t *testing.T) {
		f, got, err := s.Open(key)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got != obj {
			t.Errorf("Open = %+v, want %+v", got, obj)
		}
		if _, err := f.Seek(12, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(f)
		if string(rest) != "jpeg" {
			t.Errorf("after seeking: %q", rest)
		}
	})

	t.Run("the file on disk holds exactly the bytes put and no temporary file is left", func(t *testing.T) {
		onDisk, err := os.ReadFile(filepath.Join(dir, "objects", filepath.FromSlash(key)))
		if err != nil || !bytes.Equal(onDisk, body) {
			t.Errorf("objects/<key> = %q, %v", onDisk, err)
		}
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
				t.Errorf("temporary file left: %s", p)
			}
			return err
		})
	})

	t.Run("an object copied in by hand gets its type from the extension", func(t *testing.T) {
		k := "manual/1.png"
		p := filepath.Join(dir, "objects", "manual", "1.png")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("png"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, got, err := s.Open(k)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if got.ContentType != "image/png" || got.Size != 3 {
			t.Errorf("Open = %+v, want image/png of 3 bytes", got)
		}
	})
}

func TestSymlinkOutOfTheFolderIsNotFollowed(t *testing.T) {
	s, dir := newStore(t)
	secret := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "objects", "evil", "1.png")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal("create the symlink the test needs:", err)
	}
	rc, _, err := s.Get(context.Background(), "evil/1.png")
	if err == nil {
		data, _ := io.ReadAll(rc)
		rc.Close()
		t.Fatalf("Get read %q through a symlink out of the store", data)
	}
	if code := marquee.ErrorCode(err); code != marquee.EINTERNAL && code != marquee.ENOTFOUND {
		t.Errorf("Get = %v", err)
	}
}
