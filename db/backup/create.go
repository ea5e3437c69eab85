package backup

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/branding/media"
)

// Engine makes, lists, opens, deletes and restores backups of one
// installation. Its fields are set once; it is safe for concurrent use.
type Engine struct {
	// Store keeps the backups.
	Store Store
	// DatabaseURL reaches the database to back up directly (not through
	// PgBouncer: the dump shares an exported snapshot), as the schema's
	// owner or a superuser.
	DatabaseURL string
	// Media is where the referenced objects are copied from (nil: the
	// backup holds no media).
	Media media.Store
	// PgBin is a folder to look in first for pg_dump and pg_restore
	// (BACKUP_PG_BIN); see FindTools.
	PgBin string
	// Runs remembers successes and failures (nil: nothing remembered).
	Runs *Runs
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Log hears of every backup (nil: slog.Default()).
	Log *slog.Logger
	// TempDir holds the dump while it is written and checksummed ("": the
	// system's).
	TempDir string
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Engine) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}

// Create backs up the database and its media now, and returns the complete
// backup. A failure is remembered in Runs (with its error) and the files
// already stored are removed. While another backup or prune runs, Create
// fails with ECONFLICT (backup.busy).
func (e *Engine) Create(ctx context.Context, kind Kind) (Backup, error) {
	if !kind.Valid() {
		return Backup{}, marquee.Invalid("kind", "backup.kind_invalid")
	}
	unlock, err := e.lock(ctx)
	if err != nil {
		return Backup{}, err
	}
	defer unlock()
	return e.createLocked(ctx, kind, e.now())
}

// createLocked is Create for a caller that holds the lock. Holding it, no
// other backup can be running: runs left unfinished belong to processes
// that died, and are marked failed first.
func (e *Engine) createLocked(ctx context.Context, kind Kind, at time.Time) (Backup, error) {
	if err := e.Runs.abandon(ctx, at); err != nil {
		return Backup{}, err
	}
	id := NewID(at, kind, randomHex())
	if err := e.Runs.start(ctx, id, kind, at); err != nil {
		return Backup{}, err
	}
	m, manifestSize, err := e.write(ctx, id, kind, at)
	if err != nil {
		e.log().Error("backup failed", "id", id, "err", err)
		if derr := e.deleteFiles(context.WithoutCancel(ctx), id); derr != nil {
			e.log().Warn("backup: could not remove a failed backup's files", "id", id, "err", derr)
		}
		if rerr := e.Runs.finish(context.WithoutCancel(ctx), id, e.now(), 0, err); rerr != nil {
			e.log().Error("backup: could not record the failure", "id", id, "err", rerr)
		}
		return Backup{}, err
	}
	b := m.Summary(manifestSize)
	if err := e.Runs.finish(ctx, id, e.now(), b.Size, nil); err != nil {
		return b, err
	}
	e.log().Info("backup complete", "id", id, "bytes", b.Size, "objects", b.Objects, "rows", b.Rows, "schema_version", b.SchemaVersion)
	return b, nil
}

// write stores the dump, then the media, then the manifest.
func (e *Engine) write(ctx context.Context, id string, kind Kind, at time.Time) (Manifest, int64, error) {
	m := Manifest{Format: ManifestFormat, ID: id, Kind: kind, CreatedAt: at}
	keys, err := e.dump(ctx, &m)
	if err != nil {
		return m, 0, err
	}
	for _, k := range keys {
		f, err := e.copyObject(ctx, id, k)
		if marquee.ErrorCode(err) == marquee.ENOTFOUND {
			// A lost image must not stop every backup from now on: the
			// manifest names it and the log warns.
			e.log().Warn("backup: a referenced media object is missing from the media store", "id", id, "key", k)
			m.MissingMedia = append(m.MissingMedia, k)
			continue
		}
		if err != nil {
			return m, 0, err
		}
		m.Media = append(m.Media, f)
	}
	m.FinishedAt = e.now()
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, 0, marquee.Internal(err)
	}
	if err := e.Store.Put(ctx, id+"/"+manifestName, strings.NewReader(string(body)), int64(len(body))); err != nil {
		return m, 0, err
	}
	return m, int64(len(body)), nil
}

// dump runs pg_dump on a snapshot this function's transaction exports, so
// the counts and media keys it reads describe exactly the rows dumped, and
// stores the file. It returns the media keys.
func (e *Engine) dump(ctx context.Context, m *Manifest) ([]string, error) {
	conn, err := pgx.Connect(ctx, e.DatabaseURL)
	if err != nil {
		return nil, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("backup: connect: %w", err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("backup: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	facts, err := readServerFacts(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("backup: read the server's version: %w", err)
	}
	m.ServerVersion, m.SchemaVersion = facts.Version, facts.SchemaVersion
	if hidden, err := unreadableTables(ctx, tx); err != nil || len(hidden) > 0 {
		return nil, errors.Join(err, fmt.Errorf("backup: row-level security would hide rows of %s from this database user: "+
			"back up as the schema's owner after 'marquee migrate up', or as a role with BYPASSRLS", strings.Join(hidden, ", ")))
	}
	var snapshot string
	if err := tx.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
		return nil, fmt.Errorf("backup: export a snapshot: %w", err)
	}
	if m.Tables, err = tableCounts(ctx, tx); err != nil {
		return nil, fmt.Errorf("backup: count rows: %w", err)
	}
	keys, err := mediaKeys(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("backup: list media keys: %w", err)
	}
	tools, err := FindTools(ctx, e.PgBin, facts.Major)
	if err != nil {
		return nil, err
	}
	m.DumpVersion = tools.Version
	m.Database, err = e.runDump(ctx, tools, snapshot, m.ID)
	return keys, err
}

// runDump writes the dump to a temporary file, checksums it and stores it.
func (e *Engine) runDump(ctx context.Context, tools Tools, snapshot, id string) (File, error) {
	tmp, err := os.CreateTemp(e.TempDir, "marquee-backup-*.dump")
	if err != nil {
		return File{}, marquee.Internal(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	dbname, env, err := libpqEnv(e.DatabaseURL)
	if err != nil {
		return File{}, err
	}
	// --enable-row-security: the owner reads under the platform policies
	// (see unreadableTables) instead of failing on forced RLS.
	err = run(ctx, env, tools.PgDump, "--format=custom", "--file="+tmp.Name(), "--snapshot="+snapshot,
		"--enable-row-security", "--no-password", "--dbname="+dbname)
	if err != nil {
		return File{}, fmt.Errorf("backup: %w", err)
	}
	f := File{Name: databaseName}
	h := sha256.New()
	if f.Size, err = io.Copy(h, tmp); err != nil {
		return File{}, marquee.Internal(err)
	}
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return File{}, marquee.Internal(err)
	}
	return f, e.Store.Put(ctx, id+"/"+databaseName, tmp, f.Size)
}

// copyObject copies one media object into the backup, checksumming it on
// the way.
func (e *Engine) copyObject(ctx context.Context, id, key string) (MediaFile, error) {
	if e.Media == nil {
		return MediaFile{}, fmt.Errorf("backup: the database references media (%s) but no media store is configured", key)
	}
	body, obj, err := e.Media.Get(ctx, key)
	if err != nil {
		return MediaFile{}, fmt.Errorf("backup: media %s: %w", key, err)
	}
	defer body.Close()
	h := sha256.New()
	if err := e.Store.Put(ctx, id+"/"+mediaDir+key, io.TeeReader(body, h), obj.Size); err != nil {
		return MediaFile{}, err
	}
	return MediaFile{Key: key, ContentType: obj.ContentType, Size: obj.Size, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func randomHex() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
