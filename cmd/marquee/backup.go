package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"marquee/db/backup"
)

// backupCommands are the subcommands of marquee backup.
var backupCommands = []subcommand{
	{"create", "back up the database and its media now (--scheduled: only if the schedule says so, then prune)", runBackupCreate},
	{"list", "list the backups, newest first, with the schedule's status", runBackupList},
	{"restore", "restore a backup into an empty database and the media store", runBackupRestore},
	{"prune", "remove the backups the retention rules no longer keep", runBackupPrune},
	{"copy-binary", "copy this program into a folder, for a pod whose image has the PostgreSQL client", runBackupCopyBinary},
}

// runBackupCopyBinary copies the running binary to DIR/marquee: the
// CronJob's init container runs it from the marquee image into a shared
// volume, and its main container, from PostgreSQL's image (pg_dump of the
// server's version), runs the copy. The binary is static, so it runs there.
func runBackupCopyBinary(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup copy-binary", "backup copy-binary DIR\n\nCopies this program to DIR/marquee (the backup CronJob's init container).")
	dir, err := parseWithArg(fs, args)
	if err != nil {
		return err
	}
	if dir == "" {
		return usageError{"backup copy-binary: which folder?"}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	in, err := os.Open(self)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(filepath.Join(dir, "marquee"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copied %s to %s\n", self, filepath.Join(dir, "marquee"))
	return nil
}

func runBackupCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup create", "backup create [--scheduled]\n\nBacks up the database (pg_dump of the server's version) and the media its rows\nreference. With --scheduled it makes the current slot's backup only if it has\nnone yet, then prunes; with BACKUP_SCHEDULER=cronjob it then makes the backups\nasked for on the console. This is what the Kubernetes CronJob runs.\n\n"+backupSettingsHelp)
	scheduled := fs.Bool("scheduled", false, "make the schedule's backup if one is due, then prune")
	be, err := parseAndOpenBackups(ctx, e, fs, args, true)
	if err != nil {
		return err
	}
	defer be.close()
	if *scheduled {
		s := &backup.Scheduler{Engine: be.engine, Config: be.settings.Schedule}
		tick, err := s.Tick(ctx)
		if err != nil {
			return err
		}
		if tick.Created != nil {
			printBackup(e, *tick.Created)
		} else {
			fmt.Fprintf(e.stdout, "no backup due (%s)\n", tick.Skipped)
		}
		for _, b := range tick.Pruned {
			fmt.Fprintf(e.stdout, "pruned %s\n", b.ID)
		}
		if be.settings.Scheduler != "cronjob" {
			return nil
		}
		n, err := workRequested(ctx, be, s)
		if n > 0 {
			fmt.Fprintf(e.stdout, "made %d requested backups\n", n)
		}
		return err
	}
	b, err := be.engine.Create(ctx, backup.KindManual)
	if err != nil {
		return err
	}
	printBackup(e, b)
	return nil
}

// parseAndOpenBackups parses a backup command's flags, then opens the
// backups (and the database when withDB); the caller closes them.
func parseAndOpenBackups(ctx context.Context, e *env, fs *flag.FlagSet, args []string, withDB bool) (*backupEnv, error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	return openBackups(ctx, e, withDB)
}

func printBackup(e *env, b backup.Backup) {
	fmt.Fprintf(e.stdout, "created %s: %s, %d rows, %d media objects, schema version %d\n", b.ID, humanBytes(b.Size), b.Rows, b.Objects, b.SchemaVersion)
}

func runBackupList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup list", "backup list [--json]\n\nLists the backups, newest first, and the schedule: the last success and\nfailure, and whether a scheduled backup is missing.\n\n"+backupSettingsHelp)
	asJSON := fs.Bool("json", false, "print JSON")
	be, err := parseAndOpenBackups(ctx, e, fs, args, true)
	if err != nil {
		return err
	}
	defer be.close()
	list, err := be.engine.List(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	st, err := be.engine.Runs.Status(ctx, be.settings.Schedule, now)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, map[string]any{"backups": list, "status": st})
	}
	w := newTable(e.stdout)
	fmt.Fprintln(w, "ID\tKIND\tSTATE\tCREATED\tAGE\tSIZE\tROWS\tMEDIA\tSCHEMA")
	for _, b := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", b.ID, b.Kind, b.State, b.CreatedAt.Format("2006-01-02 15:04 MST"),
			b.Age(now).Round(time.Minute), humanBytes(b.Size), b.Rows, b.Objects, b.SchemaVersion)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nschedule: every %v, all kept %v, one a week kept %v; next due %s\n", st.Config.Interval, st.Config.KeepAll,
		st.Config.KeepWeekly, st.Next.Format("2006-01-02 15:04 MST"))
	if st.LastSuccess != nil {
		fmt.Fprintf(e.stdout, "last success: %s (%s)\n", st.LastSuccess.StartedAt.Format("2006-01-02 15:04 MST"), st.LastSuccess.ID)
	}
	if st.LastFailure != nil {
		fmt.Fprintf(e.stdout, "last failure: %s (%s): %s\n", st.LastFailure.StartedAt.Format("2006-01-02 15:04 MST"), st.LastFailure.ID, st.LastFailure.Error)
	}
	if st.Missed {
		fmt.Fprintf(e.stdout, "MISSED: no backup has succeeded since %s\n", st.Due.Format("2006-01-02 15:04 MST"))
	}
	return nil
}

func runBackupRestore(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup restore", "backup restore ID [--force] [--skip-media]\n\nRestores backup ID into DATABASE_DIRECT_URL (or DATABASE_URL), which must be\nempty unless --force, and copies its media into MEDIA_DIR or S3_BUCKET. Every\nfile's checksum and every table's row count are checked. Run 'marquee migrate up'\nafterwards when the backup is of an older release.\n\n"+backupSettingsHelp)
	force := fs.Bool("force", false, "replace a database that is not empty (its public schema is dropped first)")
	skipMedia := fs.Bool("skip-media", false, "restore the database only")
	id, err := parseWithArg(fs, args)
	if err != nil {
		return err
	}
	if id == "" {
		return usageError{"backup restore: which backup? (marquee backup list shows their IDs)"}
	}
	if err := backup.CheckID(id); err != nil {
		return usageError{fmt.Sprintf("backup restore: %q is not a backup ID (marquee backup list shows them)", id)}
	}
	be, err := openBackups(ctx, e, false)
	if err != nil {
		return err
	}
	defer be.close()
	r, err := be.engine.Restore(ctx, id, backup.RestoreOptions{DatabaseURL: be.engine.DatabaseURL, Media: be.engine.Media,
		SkipMedia: *skipMedia, Force: *force})
	if err != nil {
		return err
	}
	var rows int64
	for _, n := range r.Tables {
		rows += n
	}
	fmt.Fprintf(e.stdout, "restored %s: %d tables, %d rows, %d media objects, schema version %d\n", r.ID, len(r.Tables), rows, r.Objects, r.SchemaVersion)
	return nil
}

func runBackupPrune(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup prune", "backup prune [--dry-run]\n\nRemoves the backups the retention rules no longer keep: every backup is kept\nBACKUP_KEEP_ALL, the first of each week BACKUP_KEEP_WEEKLY, the newest always.\n\n"+backupSettingsHelp)
	dryRun := fs.Bool("dry-run", false, "print what would be removed, remove nothing")
	be, err := parseAndOpenBackups(ctx, e, fs, args, false)
	if err != nil {
		return err
	}
	defer be.close()
	var gone []backup.Backup
	if *dryRun {
		list, err := be.engine.List(ctx)
		if err != nil {
			return err
		}
		gone = backup.Plan(list, be.settings.Schedule, time.Now())
	} else if gone, err = be.engine.Prune(ctx, be.settings.Schedule); err != nil {
		return err
	}
	verb := "pruned"
	if *dryRun {
		verb = "would prune"
	}
	for _, b := range gone {
		fmt.Fprintf(e.stdout, "%s %s (%s)\n", verb, b.ID, b.State)
	}
	fmt.Fprintf(e.stdout, "%d backups %s\n", len(gone), verb)
	return nil
}

// humanBytes is n in B, KB, MB or GB (powers of 1,024).
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGT"[exp])
}
