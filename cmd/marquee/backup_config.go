package main

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"marquee/branding/media/s3store"
	"marquee/db"
	"marquee/db/backup"
)

// backupSettingsHelp documents the backups' environment for the backup
// commands' --help.
const backupSettingsHelp = `Where backups go (one of):
  BACKUP_S3_BUCKET      an S3 bucket (BACKUP_S3_PREFIX, default "backups"; BACKUP_S3_REGION,
                        BACKUP_S3_ENDPOINT and BACKUP_S3_PATH_STYLE default to S3_REGION,
                        S3_ENDPOINT and S3_PATH_STYLE; credentials from the usual AWS settings)
  BACKUP_DIR            a folder on this machine
Schedule and retention:
  BACKUP_INTERVAL       time between scheduled backups (default 4h)
  BACKUP_KEEP_ALL       keep every backup this long (default 720h: 30 days)
  BACKUP_KEEP_WEEKLY    keep one a week this long (default 8760h: a year)
  BACKUP_GRACE          how late a scheduled backup may be before it counts as missed (default 1h)
  BACKUP_PG_BIN         folder of pg_dump and pg_restore, when not the server's version's usual place
  BACKUP_SCHEDULER      who makes the scheduled backups: workers (default: the River job of
                        serve's and marquee worker's job workers) or cronjob (marquee backup
                        create --scheduled, as the Kubernetes CronJob runs it)
The database is DATABASE_DIRECT_URL, or DATABASE_URL (the schema's owner, never through
a transaction pooler); the media are MEDIA_DIR or S3_BUCKET's, as for serve.`

// backupSettings are the backups' environment.
type backupSettings struct {
	Dir      string
	S3       s3store.Config
	S3Prefix string
	Schedule backup.Config
	PgBin    string
	// Scheduler is "workers" or "cronjob" (BACKUP_SCHEDULER).
	Scheduler string
}

// backupSettingsFromEnv reads the BACKUP_* variables; configured is false
// when neither BACKUP_S3_BUCKET nor BACKUP_DIR is set.
func backupSettingsFromEnv(lookup func(string) string) (s backupSettings, configured bool, err error) {
	getenv := func(name string) string { return strings.TrimSpace(lookup(name)) } // named so infra's tests find the variables
	s.Dir, s.PgBin, s.Scheduler = getenv("BACKUP_DIR"), getenv("BACKUP_PG_BIN"), getenv("BACKUP_SCHEDULER")
	switch s.Scheduler {
	case "":
		s.Scheduler = "workers"
	case "workers", "cronjob":
	default:
		return s, false, fmt.Errorf("BACKUP_SCHEDULER: %q is neither workers nor cronjob", s.Scheduler)
	}
	s.S3 = s3store.Config{Bucket: getenv("BACKUP_S3_BUCKET"), Region: cmp.Or(getenv("BACKUP_S3_REGION"), getenv("S3_REGION"), getenv("AWS_REGION")),
		Endpoint: cmp.Or(getenv("BACKUP_S3_ENDPOINT"), getenv("S3_ENDPOINT"))}
	s.S3Prefix = cmp.Or(getenv("BACKUP_S3_PREFIX"), "backups")
	if v := cmp.Or(getenv("BACKUP_S3_PATH_STYLE"), getenv("S3_PATH_STYLE")); v != "" {
		if s.S3.PathStyle, err = strconv.ParseBool(v); err != nil {
			return s, false, fmt.Errorf("BACKUP_S3_PATH_STYLE: %q is neither true nor false", v)
		}
	}
	for _, d := range []struct {
		name, value string
		dst         *time.Duration
	}{{"BACKUP_INTERVAL", getenv("BACKUP_INTERVAL"), &s.Schedule.Interval}, {"BACKUP_KEEP_ALL", getenv("BACKUP_KEEP_ALL"), &s.Schedule.KeepAll},
		{"BACKUP_KEEP_WEEKLY", getenv("BACKUP_KEEP_WEEKLY"), &s.Schedule.KeepWeekly}, {"BACKUP_GRACE", getenv("BACKUP_GRACE"), &s.Schedule.Grace}} {
		if d.value == "" {
			continue
		}
		v, err := time.ParseDuration(d.value)
		if err != nil || v <= 0 {
			return s, false, fmt.Errorf("%s: %q is not a positive duration (such as 4h or 720h)", d.name, d.value)
		}
		*d.dst = v
	}
	if err := s.Schedule.Validate(); err != nil {
		return s, false, err
	}
	switch {
	case s.S3.Bucket != "" && s.Dir != "":
		return s, false, fmt.Errorf("BACKUP_S3_BUCKET and BACKUP_DIR are both set: choose one")
	case s.S3.Bucket != "":
		if err := s.S3.Validate(); err != nil {
			return s, false, fmt.Errorf("BACKUP_S3_BUCKET: %v", err)
		}
	}
	return s, s.S3.Bucket != "" || s.Dir != "", nil
}

// store opens where the backups are.
func (s backupSettings) store(ctx context.Context) (backup.Store, error) {
	if s.S3.Bucket != "" {
		return backup.NewS3Store(ctx, s.S3, s.S3Prefix)
	}
	return backup.Dir{Root: s.Dir}, nil
}

// backupEnv is what a backup command works with; close releases it.
type backupEnv struct {
	settings backupSettings
	engine   *backup.Engine
	db       *db.DB // nil until openDB
	close    func()
}

// openBackups reads the environment and builds the engine: the store, the
// database URL, the media store (when MEDIA_DIR or S3_BUCKET is set) and,
// with withDB, the pool that records runs.
func openBackups(ctx context.Context, e *env, withDB bool) (*backupEnv, error) {
	cfg, err := configFromEnv(defaultConfig(), e.getenv)
	if err != nil {
		return nil, err
	}
	s := cfg.Backups
	if !cfg.BackupsOn {
		return nil, fmt.Errorf("BACKUP_S3_BUCKET or BACKUP_DIR is required (where backups are kept)")
	}
	url := cfg.directURL()
	if url == "" {
		return nil, fmt.Errorf("DATABASE_URL is required")
	}
	store, err := s.store(ctx)
	if err != nil {
		return nil, err
	}
	be := &backupEnv{settings: s, close: func() {}, engine: &backup.Engine{Store: store, DatabaseURL: url, PgBin: s.PgBin,
		Log: cfg.newLogger(e.stderr)}}
	if cfg.S3.Bucket != "" || cfg.MediaDir != "" {
		m, disk, err := openMedia(cfg)
		if err != nil {
			return nil, err
		}
		be.engine.Media = m
		if disk != nil {
			be.close = func() { disk.Close() }
		}
	}
	if withDB {
		database, err := db.Open(ctx, url, db.Options{MaxConns: 2})
		if err != nil {
			be.close()
			return nil, err
		}
		be.db = database
		be.engine.Runs = &backup.Runs{InPlatform: database.InPlatform}
		closeMedia := be.close
		be.close = func() { database.Close(); closeMedia() }
	}
	return be, nil
}
