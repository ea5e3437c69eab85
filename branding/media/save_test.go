package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"testing"

	"github.com/google/uuid"

	"marquee"
	"marquee/branding/media"
	"marquee/branding/media/diskstore"
)

var tenantID = uuid.MustParse("0b7e8f3c-4f1d-4c55-9a43-0d6c3e1f2a10")

func diskStore(t *testing.T) *diskstore.Store {
	t.Helper()
	s, err := diskstore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestSave(t *testing.T) {
	s := diskStore(t)
	img := process(t, jpegOf(t, quadrants(1000, 60)))
	keys, err := media.Save(context.Background(), s, tenantID, img)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("every rendition is stored under its content-hash key", func(t *testing.T) {
		shape := regexp.MustCompile(`^` + tenantID.String() + `/` + img.Hash + `/(320|640|1000)\.jpg$`)
		if len(keys) != 3 {
			t.Fatalf("keys %v, want widths 320, 640 and 1000", keys)
		}
		for _, r := range img.Renditions {
			k := keys[r.Width]
			if !shape.MatchString(k) {
				t.Errorf("key %q", k)
			}
			rc, obj, err := s.Get(context.Background(), k)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			want := media.Object{Key: k, ContentType: "image/jpeg", CacheControl: "public, max-age=31536000, immutable", Size: int64(len(r.Data))}
			if !bytes.Equal(data, r.Data) || obj != want {
				t.Errorf("stored %d bytes as %+v, want the rendition's %d as %+v", len(data), obj, len(r.Data), want)
			}
		}
	})

	t.Run("saving an identical upload again gives the same keys", func(t *testing.T) {
		again, err := media.Save(context.Background(), s, tenantID, process(t, jpegOf(t, quadrants(1000, 60))))
		if err != nil {
			t.Fatal(err)
		}
		for w, k := range keys {
			if again[w] != k {
				t.Errorf("width %d: %q then %q", w, k, again[w])
			}
		}
	})

	t.Run("a PNG gets .png keys", func(t *testing.T) {
		keys, err := media.Save(context.Background(), s, tenantID, process(t, pngOf(t, halfTransparent(100, 100))))
		if err != nil || !regexp.MustCompile(`/100\.png$`).MatchString(keys[100]) {
			t.Errorf("Save = %v, %v", keys, err)
		}
	})
}

// failingStore refuses every Put after the first n.
type failingStore struct {
	media.Store
	n int
}

func (f *failingStore) Put(ctx context.Context, obj media.Object, body io.Reader) error {
	if f.n == 0 {
		return marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", errors.New("bucket down"))
	}
	f.n--
	return f.Store.Put(ctx, obj, body)
}

func TestSaveFailures(t *testing.T) {
	img := process(t, jpegOf(t, quadrants(1000, 60)))

	t.Run("a failing store's error is returned", func(t *testing.T) {
		keys, err := media.Save(context.Background(), &failingStore{Store: diskStore(t), n: 1}, tenantID, img)
		if marquee.ErrorCode(err) != marquee.EUNAVAILABLE || keys != nil {
			t.Errorf("Save = %v, %v; want EUNAVAILABLE and no keys", keys, err)
		}
	})

	for name, bad := range map[string]func() (uuid.UUID, media.Image){
		"no tenant": func() (uuid.UUID, media.Image) { return uuid.Nil, img },
		"no hash":   func() (uuid.UUID, media.Image) { return tenantID, media.Image{Renditions: img.Renditions} },
		"a hash of path": func() (uuid.UUID, media.Image) {
			return tenantID, media.Image{Hash: "../x", Renditions: img.Renditions}
		},
		"no renditions":  func() (uuid.UUID, media.Image) { return tenantID, media.Image{Hash: img.Hash} },
		"a zero Image{}": func() (uuid.UUID, media.Image) { return tenantID, media.Image{} },
	} {
		t.Run("an image with "+name+" is not saved", func(t *testing.T) {
			s := &failingStore{Store: diskStore(t)} // any Put would fail the test's expectations
			id, bad := bad()
			if _, err := media.Save(context.Background(), s, id, bad); marquee.ErrorCode(err) != marquee.EINTERNAL {
				t.Errorf("Save = %v, want EINTERNAL", err)
			}
		})
	}
}

func TestRefusedUploadStoresNothing(t *testing.T) {
	// The console's flow: Process, and Save only what Process accepted.
	s := diskStore(t)
	upload := pngBomb(t, 60000, 60000)
	img, err := media.Process(bytes.NewReader(upload), media.DefaultLimits())
	if err == nil {
		_, _ = media.Save(context.Background(), s, tenantID, img)
		t.Fatal("bomb accepted")
	}
	if _, err := media.Save(context.Background(), s, tenantID, img); marquee.ErrorCode(err) != marquee.EINTERNAL {
		t.Errorf("Save of a refused upload's Image = %v, want EINTERNAL", err)
	}
}
