// Package backup keeps copies of Marquee's data that are proven to restore:
// the database (pg_dump's custom format, from the PostgreSQL client that
// matches the server) and the media objects its rows reference, written to
// a Store (an S3 bucket, or a folder on one machine) with a manifest of the
// time, the schema version, every file's SHA-256 and every table's row
// count. Engine creates, lists, opens, deletes and restores backups; Prune
// applies the retention rules of Config; Scheduler runs them on time; Runs
// remembers the last success and failure for the console and the metrics.
package backup

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"marquee"
)

// Kind says why a backup was made.
type Kind string

// The kinds of backup.
const (
	KindScheduled Kind = "scheduled" // by the scheduler (River job or the CronJob)
	KindManual    Kind = "manual"    // by a person: the CLI or the console's "create now"
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == KindScheduled || k == KindManual }

// State says whether a backup can be restored.
type State string

// The states of a listed backup.
const (
	// StateComplete: the manifest is written (it is written last), so
	// every file it names was stored whole.
	StateComplete State = "complete"
	// StateIncomplete: files without a manifest, a backup in progress or
	// one whose process died (the next Prune removes it).
	StateIncomplete State = "incomplete"
)

// Backup is one backup as lists show it.
type Backup struct {
	ID        string
	Kind      Kind
	State     State
	CreatedAt time.Time
	// Size is the bytes stored: the dump, the media and the manifest.
	Size int64
	// SchemaVersion is the last migration applied to the database dumped.
	SchemaVersion int64
	// Objects is how many media objects the backup holds.
	Objects int
	// Rows is the number of rows of every table together.
	Rows int64
}

// Age is how old b is at now.
func (b Backup) Age(now time.Time) time.Duration { return now.Sub(b.CreatedAt) }

// ManifestFormat is the version of the manifest's layout.
const ManifestFormat = 1

// Manifest describes a complete backup; it is stored as manifest.json,
// last, beside the files it names.
type Manifest struct {
	Format    int       `json:"format"`
	ID        string    `json:"id"`
	Kind      Kind      `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	// FinishedAt is when the last file was stored.
	FinishedAt    time.Time `json:"finished_at"`
	SchemaVersion int64     `json:"schema_version"`
	// ServerVersion and DumpVersion are PostgreSQL's and pg_dump's
	// (server_version and pg_dump --version).
	ServerVersion string `json:"server_version"`
	DumpVersion   string `json:"dump_version"`
	// Database is the pg_dump custom-format file.
	Database File `json:"database"`
	// Tables counts each table's rows ("schema.table") in the snapshot
	// that was dumped.
	Tables map[string]int64 `json:"tables"`
	// Media are the objects the database references, by key.
	Media []MediaFile `json:"media"`
	// MissingMedia are keys the database references that the media store
	// did not have when the backup ran.
	MissingMedia []string `json:"missing_media,omitempty"`
}

// File is one stored file and its checksum.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// MediaFile is one media object of the backup.
type MediaFile struct {
	Key         string `json:"key"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Rows is the number of rows of every table together.
func (m Manifest) Rows() int64 {
	var n int64
	for _, c := range m.Tables {
		n += c
	}
	return n
}

// Size is the bytes of the dump and the media.
func (m Manifest) Size() int64 {
	n := m.Database.Size
	for _, f := range m.Media {
		n += f.Size
	}
	return n
}

// Summary is m as lists show it; manifestSize is the manifest's own bytes.
func (m Manifest) Summary(manifestSize int64) Backup {
	return Backup{ID: m.ID, Kind: m.Kind, State: StateComplete, CreatedAt: m.CreatedAt, Size: m.Size() + manifestSize,
		SchemaVersion: m.SchemaVersion, Objects: len(m.Media), Rows: m.Rows()}
}

// The names of a backup's files under its ID.
const (
	manifestName = "manifest.json"
	databaseName = "database.dump"
	mediaDir     = "media/"
)

var idPattern = regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[a-z]+-[0-9a-f]{6}$`)

// NewID names a backup made at t: sortable by time, then the kind, then
// random hex so two backups of one second differ
// ("20261206-184800-manual-3fa2c1").
func NewID(t time.Time, kind Kind, random string) string {
	return fmt.Sprintf("%s-%s-%s", t.UTC().Format("20060102-150405"), kind, random)
}

// CheckID refuses anything that is not a backup ID; the error is a
// marquee EINVALID on field "id", so a console route answers 400.
func CheckID(id string) error {
	if !idPattern.MatchString(id) {
		return marquee.Invalid("id", "backup.id_invalid")
	}
	if _, err := time.Parse("20060102-150405", id[:15]); err != nil {
		return marquee.Invalid("id", "backup.id_invalid")
	}
	return nil
}

// idTime is the creation time an ID carries (valid IDs only).
func idTime(id string) time.Time {
	t, _ := time.Parse("20060102-150405", id[:15])
	return t.UTC()
}

// idKind is the kind an ID carries.
func idKind(id string) Kind {
	rest := id[16:]
	return Kind(rest[:len(rest)-7])
}

// notFound is the error for a backup that is not stored.
func notFound(id string, cause error) error {
	return marquee.Wrap(marquee.ENOTFOUND, "backup.not_found", fmt.Errorf("backup %s: %w", id, cause))
}

// errIncomplete is the cause for opening a backup without its manifest.
var errIncomplete = errors.New("the backup is incomplete (no manifest)")
