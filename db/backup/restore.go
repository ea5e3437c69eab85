package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/branding/media"
)

// RestoreOptions say where a backup goes.
type RestoreOptions struct {
	// DatabaseURL reaches the target database directly, as the role that
	// will own the schema (the installation's DATABASE_URL user) or a
	// superuser. The database must be empty unless Force is set.
	DatabaseURL string
	// Media receives the backup's objects (nil: they are not restored,
	// and SkipMedia must say that this is meant).
	Media     media.Store
	SkipMedia bool
	// Force replaces a database that is not empty: its public schema and
	// everything in it are dropped first. If the restore then fails, the
	// database is left empty.
	Force bool
}

// Restored says what a restore wrote.
type Restored struct {
	ID            string
	SchemaVersion int64
	// Tables are the row counts read back from the restored database;
	// Restore has checked them against the manifest's.
	Tables  map[string]int64
	Objects int
}

// Restore loads a complete backup into an empty database and copies its
// media into opts.Media, checking every file's checksum before using it
// and every table's row count afterwards. The database load is one
// transaction: it lands whole or not at all. A database behind on its
// migrations comes back as it was; run 'marquee migrate up' afterwards.
func (e *Engine) Restore(ctx context.Context, id string, opts RestoreOptions) (Restored, error) {
	m, err := e.Manifest(ctx, id)
	if err != nil {
		return Restored{}, err
	}
	if opts.Media == nil && !opts.SkipMedia && len(m.Media) > 0 {
		return Restored{}, marquee.Invalid("media", "backup.restore_media_missing")
	}
	dump, err := e.fetchDump(ctx, m)
	if err != nil {
		return Restored{}, err
	}
	defer os.Remove(dump)
	conn, err := pgx.Connect(ctx, opts.DatabaseURL)
	if err != nil {
		return Restored{}, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("restore: connect: %w", err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	facts, err := prepareTarget(ctx, conn, opts.Force)
	if err != nil {
		return Restored{}, err
	}
	tools, err := FindTools(ctx, e.PgBin, facts.Major)
	if err != nil {
		return Restored{}, err
	}
	dbname, env, err := libpqEnv(opts.DatabaseURL)
	if err != nil {
		return Restored{}, err
	}
	// --no-owner: objects belong to the restoring role, as after a
	// migration; privileges (the grants to marquee_app and
	// marquee_platform) are restored.
	if err := run(ctx, env, tools.PgRestore, "--no-owner", "--exit-on-error", "--single-transaction", "--no-password",
		"--dbname="+dbname, dump); err != nil {
		return Restored{}, fmt.Errorf("restore %s: %w", id, err)
	}
	r := Restored{ID: id, SchemaVersion: m.SchemaVersion}
	if r.Tables, err = checkCounts(ctx, conn, m); err != nil {
		return r, err
	}
	if !opts.SkipMedia {
		for _, f := range m.Media {
			if err := e.restoreObject(ctx, opts.Media, id, f); err != nil {
				return r, err
			}
			r.Objects++
		}
	}
	e.log().Info("backup restored", "id", id, "tables", len(r.Tables), "objects", r.Objects, "schema_version", r.SchemaVersion)
	return r, nil
}

// fetchDump copies the backup's dump to a temporary file and checks its
// size and checksum against the manifest.
func (e *Engine) fetchDump(ctx context.Context, m Manifest) (string, error) {
	body, err := e.Store.Get(ctx, m.ID+"/"+databaseName)
	if err != nil {
		return "", err
	}
	defer body.Close()
	tmp, err := os.CreateTemp(e.TempDir, "marquee-restore-*.dump")
	if err != nil {
		return "", marquee.Internal(err)
	}
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), body)
	if err == nil {
		err = tmp.Close()
	}
	if err == nil && (n != m.Database.Size || hex.EncodeToString(h.Sum(nil)) != m.Database.SHA256) {
		err = fmt.Errorf("restore %s: the dump is damaged: %d bytes with SHA-256 %x, the manifest says %d bytes with %s",
			m.ID, n, h.Sum(nil), m.Database.Size, m.Database.SHA256)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}

// prepareTarget refuses a database that holds anything of its own unless
// force, in which case it empties it, and makes sure the roles the dump's
// grants name exist (roles are the cluster's, and a new cluster has none).
func prepareTarget(ctx context.Context, conn *pgx.Conn, force bool) (serverFacts, error) {
	var objects []string
	rows, err := conn.Query(ctx, `SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\_temp%' AND n.nspname NOT LIKE 'pg\_toast%'
		UNION ALL SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
		ORDER BY 1 LIMIT 5`)
	if err == nil {
		objects, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return serverFacts{}, fmt.Errorf("restore: look at the target database: %w", err)
	}
	if len(objects) > 0 && !force {
		return serverFacts{}, marquee.Wrap(marquee.ECONFLICT, "backup.restore_not_empty",
			fmt.Errorf("restore: the target database is not empty (it has %s): restore into an empty database, or pass --force to replace it",
				strings.Join(objects, ", ")))
	}
	stmts := []string{ensureRoles}
	if len(objects) > 0 {
		stmts = append([]string{"DROP SCHEMA public CASCADE", "CREATE SCHEMA public"}, stmts...)
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return serverFacts{}, fmt.Errorf("restore: prepare the target database (%s): %w", strings.Fields(s)[0], err)
		}
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return serverFacts{}, err
	}
	defer tx.Rollback(ctx)
	return readServerFacts(ctx, tx)
}

// ensureRoles is db/migrations/00001_roles.sql's creation of the roles, for
// a cluster the migrations never ran on.
const ensureRoles = `DO $$
BEGIN
    BEGIN
        CREATE ROLE marquee_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE marquee_platform NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT (pg_has_role(current_user, 'marquee_app', 'MEMBER') AND pg_has_role(current_user, 'marquee_platform', 'MEMBER')) THEN
        EXECUTE format('GRANT marquee_app, marquee_platform TO %I', current_user);
    END IF;
END
$$`

// checkCounts reads every table's row count back and compares them with
// the manifest's.
func checkCounts(ctx context.Context, conn *pgx.Conn, m Manifest) (map[string]int64, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	got, err := tableCounts(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("restore %s: count rows: %w", m.ID, err)
	}
	if !maps.Equal(got, m.Tables) {
		var diff []string
		for _, t := range slices.Sorted(maps.Keys(m.Tables)) {
			if got[t] != m.Tables[t] {
				diff = append(diff, fmt.Sprintf("%s has %d rows, the backup %d", t, got[t], m.Tables[t]))
			}
		}
		for t := range got {
			if _, ok := m.Tables[t]; !ok {
				diff = append(diff, t+" is not in the backup")
			}
		}
		return got, fmt.Errorf("restore %s: the restored rows differ from the backup's: %s", m.ID, strings.Join(diff, "; "))
	}
	return got, nil
}

// restoreObject checks one object's checksum and puts it in the media
// store.
func (e *Engine) restoreObject(ctx context.Context, dst media.Store, id string, f MediaFile) error {
	body, err := e.Store.Get(ctx, id+"/"+mediaDir+f.Key)
	if err != nil {
		return fmt.Errorf("restore %s: media %s: %w", id, f.Key, err)
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, f.Size+1))
	if err != nil {
		return fmt.Errorf("restore %s: media %s: %w", id, f.Key, err)
	}
	if sum := sha256.Sum256(data); int64(len(data)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
		return fmt.Errorf("restore %s: media %s is damaged (%d bytes, SHA-256 %x; the manifest says %d bytes, %s)",
			id, f.Key, len(data), sum, f.Size, f.SHA256)
	}
	return dst.Put(ctx, media.Object{Key: f.Key, ContentType: f.ContentType, CacheControl: media.ImmutableCacheControl, Size: f.Size},
		bytes.NewReader(data))
}
