package console

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"marquee/db"
	"marquee/db/backup"
	"marquee/db/dbtest"
	"marquee/tenant/staff"
)

// backupDesk keeps the server's backups in a folder of the test's, made
// from its database (as its owner, as the workers do) and its images.
func (s *testServer) backupDesk() BackupDesk {
	eng := &backup.Engine{Store: backup.Dir{Root: s.t.TempDir()}, DatabaseURL: s.ownerURL, Media: s.images,
		Runs: &backup.Runs{InPlatform: s.db.InPlatform}, Log: s.log}
	return BackupDesk{Engine: eng, Client: s.jobClient, InPlatform: s.db.InPlatform}
}

// startBackupWorkers works the backup jobs, as serve's workers do.
func (s *testServer) startBackupWorkers() {
	s.t.Helper()
	pool, err := db.OpenPlatformPool(context.Background(), s.ownerURL, 4)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(pool.Close)
	workers := river.NewWorkers()
	cfg := &river.Config{Workers: workers, Logger: s.log}
	(&backup.Scheduler{Engine: s.backups.(BackupDesk).Engine}).Configure(workers, cfg, false)
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = client.Stop(ctx)
	})
}

func TestBackupsPage(t *testing.T) {
	s, ev, _ := consoleServer(t)
	dbtest.NewShop(t, s.db, ev.ID)
	s.startBackupWorkers()
	admin := platformAdmin(t, s)
	desk := s.backups.(BackupDesk)

	t.Run("before any backup the page says when the first will come", func(t *testing.T) {
		r := consolePage(t, admin, "/platform/backups")
		if !strings.HasPrefix(r.text("#no-backups p"), "No backups stored yet.") || r.text("#last-success") != "None yet" {
			t.Fatalf("empty page: %q", r.text("main"))
		}
		if r.text("#schedule") != "A backup every 4 h, at fixed times from midnight UTC." ||
			r.text("#retention") != "Every backup for 30 days; after that the first of each week for 365 days; older ones are deleted." {
			t.Fatalf("schedule %q, retention %q", r.text("#schedule"), r.text("#retention"))
		}
		if r.doc.Find("#backup-missed").Length() != 1 {
			t.Fatal("no backup ever: the schedule's backup is missing, and the page does not say so")
		}
	})
	var id string
	t.Run("create now makes a backup in the background, listed with its size and age", func(t *testing.T) {
		page := consolePage(t, admin, "/platform/backups")
		r := admin.post("/platform/backups", url.Values{"csrf": {csrfOf(page)}})
		if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "saved=backup_") {
			t.Fatalf("create now: %d %q", r.status, r.header.Get("Location"))
		}
		waitFor(t, 2*time.Minute, func() bool {
			// The run is recorded as done just after the manifest is stored.
			list, err := desk.List(context.Background())
			st, serr := desk.Status(context.Background(), time.Now())
			return err == nil && serr == nil && len(list) == 1 && list[0].State == backup.StateComplete && st.LastSuccess != nil
		})
		page = consolePage(t, admin, "/platform/backups")
		row := page.doc.Find("table.backups tbody tr")
		id, _ = row.Attr("data-id")
		if row.Length() != 1 || row.Find("td.kind").Text() != "Made by hand" || row.Find("td.state").Text() != "Complete" ||
			!strings.HasSuffix(row.Find("td.size").Text(), "KB") && !strings.HasSuffix(row.Find("td.size").Text(), "MB") || row.Find("td.age").Text() != "0 min" {
			t.Fatalf("row %q", row.Text())
		}
		if page.doc.Find("#backup-missed").Length() != 0 || !strings.Contains(page.text("#last-success"), "ago") {
			t.Fatalf("after a backup: %q", page.text(".backup-schedule"))
		}
	})
	t.Run("a download is the backup as one tar, and is in the audit log", func(t *testing.T) {
		r := admin.get("/platform/backups/" + id + "/download")
		if r.status != 200 || r.header.Get("Content-Type") != "application/x-tar" {
			t.Fatalf("download: %d %q", r.status, r.header.Get("Content-Type"))
		}
		names := map[string]bool{}
		tr := tar.NewReader(strings.NewReader(r.body))
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			names[h.Name] = true
		}
		if !names["manifest.json"] || !names["database.dump"] {
			t.Fatalf("tar holds %v", names)
		}
		if got := subjects(consolePage(t, admin, "/platform/audit?action="+staff.ActionBackupDownloaded)); len(got) != 1 || got[0] != id {
			t.Fatalf("audit entries %q", got)
		}
	})
	t.Run("a bad or unknown id is refused, and members never see the page", func(t *testing.T) {
		if r := admin.get("/platform/backups/..%2F..%2Fetc/download"); r.status != 400 && r.status != 404 {
			t.Fatalf("a path in the id: %d", r.status)
		}
		if r := admin.get("/platform/backups/20270101-000000-manual-abcdef/delete"); r.status != 404 {
			t.Fatalf("an unknown backup: %d", r.status)
		}
		owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
		for _, path := range []string{"/platform/backups", "/platform/backups/" + id + "/download", "/platform/backups/" + id + "/delete"} {
			if r := owner.get(path); r.status != 404 {
				t.Errorf("%s for an event's owner: %d", path, r.status)
			}
		}
	})
	t.Run("delete asks first, waits for a running backup, then deletes", func(t *testing.T) {
		ask := consolePage(t, admin, "/platform/backups/"+id+"/delete")
		// Another process's backup holds the engine's lock (db/backup/lock.go).
		busy, err := pgx.Connect(context.Background(), s.adminURL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := busy.Exec(context.Background(), "SELECT pg_advisory_lock($1)", int64(0x6d71_6261_636b)); err != nil {
			t.Fatal(err)
		}
		r := admin.post("/platform/backups/"+id+"/delete", url.Values{"csrf": {csrfOf(ask)}})
		busy.Close(context.Background())
		if r.status != http.StatusConflict || !strings.HasPrefix(r.text("#problem"), "Another backup, prune or deletion is running.") ||
			r.doc.Find("table.backups tbody tr").Length() != 1 {
			t.Fatalf("delete while busy: %d %q", r.status, r.text("#problem"))
		}
		if !strings.HasPrefix(ask.text("#confirm-heading"), "Delete the backup of ") || ask.text(".confirm-items li") != id {
			t.Fatalf("confirm page %q", ask.text("main"))
		}
		if list, _ := desk.List(context.Background()); len(list) != 1 {
			t.Fatal("asking deleted the backup")
		}
		r = admin.post("/platform/backups/"+id+"/delete", url.Values{"csrf": {"forged"}})
		if r.status != 403 {
			t.Fatalf("forged token: %d", r.status)
		}
		r = admin.post("/platform/backups/"+id+"/delete", url.Values{"csrf": {csrfOf(ask)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("delete: %d", r.status)
		}
		page := consolePage(t, admin, r.header.Get("Location"))
		if page.text("#flash") != "The backup is deleted." || page.doc.Find("table.backups").Length() != 0 {
			t.Fatalf("after delete: flash %q, %q", page.text("#flash"), page.text("main"))
		}
		for action, want := range map[string]int{staff.ActionBackupRequested: 1, staff.ActionBackupDeleted: 1} {
			if got := subjects(consolePage(t, admin, "/platform/audit?action="+action)); len(got) != want {
				t.Errorf("%s entries %q, want %d", action, got, want)
			}
		}
	})
	t.Run("a failed backup is an alert with its error", func(t *testing.T) {
		// A store whose root is a file: the dump cannot be written.
		notADir := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(notADir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		eng := *desk.Engine
		eng.Store = backup.Dir{Root: notADir}
		if _, err := eng.Create(context.Background(), backup.KindManual); err == nil {
			t.Fatal("a backup of no database succeeded")
		}
		page := consolePage(t, admin, "/platform/backups")
		if page.doc.Find("#backup-failed").Length() != 1 || page.text("#backup-failed code") == "" {
			t.Fatalf("failure not shown: %q", page.text("main"))
		}
	})
	t.Run("without a place to keep them, the page says how to turn them on", func(t *testing.T) {
		s.backups = nil
		s.serve()
		admin := platformAdmin2(t, s)
		r := consolePage(t, admin, "/platform/backups")
		if !strings.HasPrefix(r.text("#backups-off p"), "Backups are off") || r.doc.Find("#create-backup").Length() != 0 {
			t.Fatalf("off: %q", r.text("main"))
		}
		if r := admin.post("/platform/backups", url.Values{"csrf": {csrfOf(r)}}); r.status != 404 {
			t.Fatalf("create without backups: %d", r.status)
		}
	})
}

// platformAdmin2 signs in the platform admin platformAdmin created.
func platformAdmin2(t *testing.T, s *testServer) *shop {
	t.Helper()
	b := s.browser()
	if r := signIn(b, "ops@example.com", dbtest.Password); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	return b
}
