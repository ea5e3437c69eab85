package backup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"marquee/branding"
	"marquee/branding/media"
	"marquee/branding/media/diskstore"
	"marquee/branding/media/s3store"
	"marquee/db"
	"marquee/db/backup"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// fakeS3 serves gofakes3 over HTTPS on 127.0.0.1 with the buckets created,
// reached through the real SDK; each bucket's Config is returned.
func fakeS3(t *testing.T, buckets ...string) map[string]s3store.Config {
	t.Helper()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	mem := s3mem.New()
	srv := httptest.NewTLSServer(gofakes3.New(mem, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	t.Cleanup(srv.Close)
	out := map[string]s3store.Config{}
	for _, b := range buckets {
		if err := mem.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
		out[b] = s3store.Config{Bucket: b, Region: "eu-central-1", Endpoint: srv.URL, PathStyle: true,
			AccessKeyID: "test-key", SecretAccessKey: "test-secret", HTTPClient: srv.Client()}
	}
	return out
}

// s3Media is a media store on the fake S3 bucket c.
func s3Media(t *testing.T, c s3store.Config) media.Store {
	t.Helper()
	s, err := s3store.New(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// s3Backups is a backup store on the fake S3 bucket c, under a prefix.
func s3Backups(t *testing.T, c s3store.Config) *backup.S3Store {
	t.Helper()
	s, err := backup.NewS3Store(context.Background(), c, "marquee/backups")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// diskMedia is a fresh media store on a folder.
func diskMedia(t *testing.T) *diskstore.Store {
	t.Helper()
	s, err := diskstore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// clock is a test's time, moved by hand.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time             { return c.t }
func (c *clock) Add(d time.Duration)        { c.t = c.t.Add(d) }
func newClock(s string) *clock              { t, _ := time.Parse(time.RFC3339, s); return &clock{t} }
func (c *clock) Set(s string) *clock        { c.t, _ = time.Parse(time.RFC3339, s); return c }
func (c *clock) String() string             { return c.t.Format(time.RFC3339) }
func runsOf(d *db.DB) *backup.Runs          { return &backup.Runs{InPlatform: d.InPlatform} }
func sum(b []byte) string                   { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
func keyFor(ev uuid.UUID, n int) string     { return fmt.Sprintf("%s/%064x/%d.jpg", ev, n, 640) }
func randomBody(t *testing.T, n int) []byte { b := make([]byte, n); _, _ = rand.Read(b); return b }

// seeded is what seed wrote: the media keys the database references and
// one that it does not.
type seeded struct {
	events       []*tenant.Tenant
	keys         []string
	unreferenced string
}

// seed fills d with two events, each with a shop, orders, a branding whose
// logo and hero are images in store and a product picture, and a staff
// member; plus one object in store that no row references.
func seed(t *testing.T, d *db.DB, store media.Store) seeded {
	t.Helper()
	ctx := context.Background()
	var s seeded
	staffStore := db.NewStaffStore(d, staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}})
	for i, slug := range []string{"drill-one", "drill-two"} {
		ev := dbtest.Event(t, d, slug, tenant.StatusActive, branding.DefaultColours)
		s.events = append(s.events, ev)
		shop := dbtest.NewShop(t, d, ev.ID)
		for j, name := range []string{"Ada Lovelace", "Grace Hopper", "Émilie du Châtelet"} {
			_, err := d.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: fmt.Sprintf("a%d@example.com", j),
				Name: name, Locale: "en", Lines: []storefront.Line{{ProductID: shop.Shirt.ID, VariantID: shop.Shirt.Variants[j%2].ID, Quantity: 1}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		dbtest.PlaceLine(t, d, ev.ID, shop.Hoodie, 0, 2)
		logo, hero, pic := keyFor(ev.ID, 1), keyFor(ev.ID, 2), keyFor(ev.ID, 3)
		for n, k := range []string{logo, hero, pic} {
			body := randomBody(t, 2000+1000*n+i)
			if err := store.Put(ctx, media.Object{Key: k, ContentType: "image/jpeg", CacheControl: media.ImmutableCacheControl, Size: int64(len(body))}, bytes.NewReader(body)); err != nil {
				t.Fatal(err)
			}
		}
		b, _, err := d.BrandingDraft(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		b.LogoKey, b.HeroKey = logo, hero
		if _, err := d.SaveBrandingDraft(ctx, ev.ID, b); err != nil {
			t.Fatal(err)
		}
		if err := d.SetProductImage(ctx, ev.ID, shop.Hoodie.ID, pic); err != nil {
			t.Fatal(err)
		}
		dbtest.Member(t, staffStore, fmt.Sprintf("staff%d@example.com", i), "Staff", false, ev, staff.RoleOwner)
		s.keys = append(s.keys, logo, hero, pic)
	}
	s.unreferenced = keyFor(s.events[0].ID, 99)
	if err := store.Put(ctx, media.Object{Key: s.unreferenced, ContentType: "image/png"}, bytes.NewReader([]byte("orphan"))); err != nil {
		t.Fatal(err)
	}
	return s
}

// tableDigests is every table's rows (md5 of their text, in order) and
// every sequence's position, read as a superuser so that row-level
// security hides nothing.
func tableDigests(t *testing.T, adminURL string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind::text FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'S') AND n.nspname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type rel struct{ Name, Kind string }
	rels, err := pgx.CollectRows(rows, pgx.RowToStructByPos[rel])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rels {
		q := "SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') FROM " + r.Name + " x"
		if r.Kind == "S" {
			q = "SELECT last_value || ':' || is_called FROM " + r.Name
		}
		var d string
		if err := conn.QueryRow(ctx, q).Scan(&d); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		out[r.Name] = d
	}
	return out
}

// objectSum is the checksum and content type of a stored object.
func objectSum(t *testing.T, s media.Store, key string) string {
	t.Helper()
	body, obj, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return sum(b) + " " + obj.ContentType
}
