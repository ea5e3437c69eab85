package main

import (
	"bytes"
	"context"
	"maps"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"marquee/branding"
	"marquee/branding/media"
	"marquee/branding/media/diskstore"
	"marquee/db"
	"marquee/db/backup"
	"marquee/db/dbtest"
	"marquee/tenant"
)

// TestBackupCommands runs marquee backup create, list, restore and prune
// against a real database, an S3-protocol server and media on disk, as an
// operator would.
func TestBackupCommands(t *testing.T) {
	ctx := context.Background()
	backend := s3mem.New()
	if err := backend.CreateBucket("backups"); err != nil {
		t.Fatal(err)
	}
	s3 := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	defer s3.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	src := dbtest.New(t)
	d := src.Open(t, db.Options{})
	ev := dbtest.Event(t, d, "backed-up", tenant.StatusActive, branding.DefaultColours)
	srcMedia := t.TempDir()
	logo := ev.ID.String() + "/" + strings.Repeat("ab", 32) + "/320.png"
	putObject(t, srcMedia, logo, "a logo")
	b, _, err := d.BrandingDraft(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.LogoKey = logo
	if _, err := d.SaveBrandingDraft(ctx, ev.ID, b); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DATABASE_URL": src.OwnerURL, "MEDIA_DIR": srcMedia, "BACKUP_S3_BUCKET": "backups",
		"BACKUP_S3_REGION": "eu-central-1", "BACKUP_S3_ENDPOINT": s3.URL, "BACKUP_S3_PATH_STYLE": "true", "LOG_LEVEL": "warn"}

	out, err := cli(t, vars, "backup", "create")
	id := regexp.MustCompile(`created (\S+):`).FindStringSubmatch(out)
	if err != nil || id == nil || !strings.Contains(out, "1 media objects") {
		t.Fatalf("backup create: %q, %v", out, err)
	}

	out, err = cli(t, vars, "backup", "list")
	if err != nil || !regexp.MustCompile(id[1]+`\s+manual\s+complete`).MatchString(out) || !strings.Contains(out, "last success:") || strings.Contains(out, "MISSED") {
		t.Errorf("backup list: %q, %v", out, err)
	}

	dst := dbtest.NewEmpty(t)
	dstMedia := t.TempDir()
	restoreVars := map[string]string{}
	for k, v := range vars {
		restoreVars[k] = v
	}
	restoreVars["DATABASE_URL"], restoreVars["MEDIA_DIR"] = dst.OwnerURL, dstMedia
	out, err = cli(t, restoreVars, "backup", "restore", id[1])
	if err != nil || !strings.Contains(out, "restored "+id[1]) || !strings.Contains(out, "1 media objects") {
		t.Fatalf("backup restore: %q, %v", out, err)
	}
	if n := dbtest.CountRows(t, dst.AdminURL, "SELECT count(*) FROM tenants WHERE slug = 'backed-up'"); n != 1 {
		t.Errorf("%d events restored, want 1", n)
	}
	if got := getObject(t, dstMedia, logo); got != "a logo" {
		t.Errorf("restored logo %q", got)
	}
	if _, err := cli(t, restoreVars, "backup", "restore", id[1]); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("a second restore into the now full database: %v, want a refusal naming --force", err)
	}
	if _, err := cli(t, restoreVars, "backup", "restore", "../../etc"); err == nil || !strings.Contains(err.Error(), "not a backup ID") {
		t.Errorf("restore of a bad ID: %v", err)
	}

	out, err = cli(t, vars, "backup", "create", "--scheduled")
	if err != nil || !strings.Contains(out, "created ") {
		t.Errorf("backup create --scheduled, the slot's first: %q, %v", out, err)
	}
	out, err = cli(t, vars, "backup", "create", "--scheduled")
	if err != nil || !strings.Contains(out, "no backup due (done)") {
		t.Errorf("backup create --scheduled, again: %q, %v", out, err)
	}
	t.Run("with BACKUP_SCHEDULER=cronjob the scheduled run makes the console's requested backup", func(t *testing.T) {
		inserter, err := river.NewClient(riverpgxv5.New(d.Pool), &river.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.InPlatform(ctx, func(tx pgx.Tx) error { _, err := backup.Request(ctx, inserter, tx); return err }); err != nil {
			t.Fatal(err)
		}
		cronVars := maps.Clone(vars)
		cronVars["BACKUP_SCHEDULER"] = "cronjob"
		out, err := cli(t, cronVars, "backup", "create", "--scheduled")
		if err != nil || !strings.Contains(out, "no backup due (done)") || !strings.Contains(out, "made 1 requested backups") {
			t.Errorf("backup create --scheduled with a request waiting: %q, %v", out, err)
		}
		out, _ = cli(t, vars, "backup", "list")
		if n := strings.Count(out, " manual "); n != 2 {
			t.Errorf("%d manual backups listed, want 2:\n%s", n, out)
		}
	})

	out, err = cli(t, vars, "backup", "prune", "--dry-run")
	if err != nil || !strings.Contains(out, "0 backups would prune") {
		t.Errorf("backup prune --dry-run: %q, %v", out, err)
	}
	out, err = cli(t, vars, "backup", "prune")
	if err != nil || !strings.Contains(out, "0 backups pruned") {
		t.Errorf("backup prune: %q, %v", out, err)
	}

	delete(vars, "BACKUP_S3_BUCKET")
	if _, err := cli(t, vars, "backup", "list"); err == nil || !strings.Contains(err.Error(), "BACKUP_S3_BUCKET or BACKUP_DIR is required") {
		t.Errorf("backup list without a place: %v", err)
	}
	vars["BACKUP_DIR"], vars["BACKUP_INTERVAL"] = t.TempDir(), "1s"
	if _, err := cli(t, vars, "backup", "list"); err == nil || !strings.Contains(err.Error(), "BACKUP_INTERVAL") {
		t.Errorf("backup list with a 1s interval: %v", err)
	}
}

func putObject(t *testing.T, dir, key, body string) {
	t.Helper()
	s, err := diskstore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(context.Background(), media.Object{Key: key, ContentType: "image/png"}, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
}

func getObject(t *testing.T, dir, key string) string {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
	s, err := diskstore.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	body, _, err := s.Get(context.Background(), key)
	if err != nil {
		return err.Error()
	}
	defer body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(body)
	return b.String()
}
