package s3store_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"marquee/branding/media"
	"marquee/branding/media/mediatest"
	"marquee/branding/media/s3store"
)

const bucket = "marquee-media"

// fakeS3 serves gofakes3 over HTTPS on 127.0.0.1 with the bucket created,
// and returns a Config that reaches it through the real SDK. HTTPS matters:
// over it the SDK's default checksums would send aws-chunked bodies, which
// gofakes3 stores verbatim.
func fakeS3(t *testing.T) s3store.Config {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	srv := httptest.NewTLSServer(&keepCacheControl{next: faker.Server(), byPath: map[string]string{}})
	t.Cleanup(srv.Close)
	return s3store.Config{
		Bucket:          bucket,
		Region:          "eu-central-1",
		Endpoint:        srv.URL,
		PathStyle:       true,
		AccessKeyID:     "test-key",
		SecretAccessKey: "test-secret",
		HTTPClient:      srv.Client(),
	}
}

func newStore(t *testing.T, c s3store.Config) *s3store.Store {
	t.Helper()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // never reach for an instance role
	s, err := s3store.New(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreSuite(t *testing.T) {
	mediatest.StoreSuite(t, newStore(t, fakeS3(t)))
}

const key = "0b7e8f3c-4f1d-4c55-9a43-0d6c3e1f2a10/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/640.jpg"

func TestURL(t *testing.T) {
	c := fakeS3(t)
	body := []byte("\xff\xd8\xff pretend jpeg")
	put := func(t *testing.T, s *s3store.Store) {
		t.Helper()
		obj := media.Object{Key: key, ContentType: "image/jpeg", CacheControl: media.ImmutableCacheControl, Size: int64(len(body))}
		if err := s.Put(context.Background(), obj, bytes.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("with a public base URL it is that URL and the key", func(t *testing.T) {
		c := c
		c.PublicBaseURL = "https://media.example.com/shop/"
		u, err := newStore(t, c).URL(context.Background(), key)
		if err != nil || u != "https://media.example.com/shop/"+key {
			t.Errorf("URL = %q, %v", u, err)
		}
	})

	t.Run("without one it is a GET presigned for an hour that fetches the object", func(t *testing.T) {
		s := newStore(t, c)
		put(t, s)
		u, err := s.URL(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		q := parsed.Query()
		if want := strings.TrimPrefix(c.Endpoint, "https://"); parsed.Host != want || parsed.Path != "/"+bucket+"/"+key {
			t.Errorf("URL %q: want host %s and path-style path /%s/%s", u, want, bucket, key)
		}
		if q.Get("X-Amz-Expires") != "5400" || q.Get("X-Amz-Signature") == "" || !strings.Contains(q.Get("X-Amz-Credential"), "eu-central-1/s3") {
			t.Errorf("URL %q is not a SigV4 GET presigned for 5400 s in eu-central-1", u)
		}
		// Signed as of the start of the half hour: valid at least an hour
		// from now, and the same URL for every page in the half hour.
		signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
		if err != nil || signed.Minute()%30 != 0 || signed.Second() != 0 || time.Since(signed) > 30*time.Minute {
			t.Errorf("X-Amz-Date %q is not the start of the current half hour", q.Get("X-Amz-Date"))
		}
		resp, err := c.HTTPClient.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("GET presigned URL: %s %q %q", resp.Status, resp.Header.Get("Content-Type"), got)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	ok := s3store.Config{Bucket: "b", Region: "eu-central-1"}
	for name, tc := range map[string]struct {
		mutate func(*s3store.Config)
		valid  bool
	}{
		"bucket and region are enough":          {func(*s3store.Config) {}, true},
		"a bucket is required":                  {func(c *s3store.Config) { c.Bucket = "" }, false},
		"a region is required":                  {func(c *s3store.Config) { c.Region = "" }, false},
		"an access key needs its secret":        {func(c *s3store.Config) { c.AccessKeyID = "k" }, false},
		"a secret needs its access key":         {func(c *s3store.Config) { c.SecretAccessKey = "s" }, false},
		"an endpoint must be an http(s) URL":    {func(c *s3store.Config) { c.Endpoint = "127.0.0.1:9000" }, false},
		"a public base URL must be http(s)":     {func(c *s3store.Config) { c.PublicBaseURL = "ftp://cdn" }, false},
		"an endpoint with a scheme is accepted": {func(c *s3store.Config) { c.Endpoint = "http://127.0.0.1:9000" }, true},
	} {
		t.Run(name, func(t *testing.T) {
			c := ok
			tc.mutate(&c)
			if err := c.Validate(); (err == nil) != tc.valid {
				t.Errorf("Validate() = %v, want valid=%v", err, tc.valid)
			}
		})
	}
}

// keepCacheControl adds the one piece of S3 that this store relies on and
// gofakes3 (v1.2.0) lacks: S3 keeps the Cache-Control header of a PUT and
// sends it back with every GET and HEAD of the object, while gofakes3 keeps
// only Content-Type, Content-Disposition, Content-Encoding and X-Amz-*
// headers. It records exactly what the SDK sent, so the suite still checks
// that Put sends the header and Get reads it back.
type keepCacheControl struct {
	next   http.Handler
	mu     sync.Mutex
	byPath map[string]string
}

func (h *keepCacheControl) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	switch r.Method {
	case http.MethodPut:
		h.byPath[r.URL.Path] = r.Header.Get("Cache-Control")
	case http.MethodDelete:
		delete(h.byPath, r.URL.Path)
	case http.MethodGet, http.MethodHead:
		if cc := h.byPath[r.URL.Path]; cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
	}
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}
