package backup

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// pgxOnlyParams are query parameters pgx reads and libpq (pg_dump,
// pg_restore) refuses.
var pgxOnlyParams = []string{"default_query_exec_mode", "statement_cache_capacity", "description_cache_capacity",
	"prefer_simple_protocol", "min_read_buffer_size"}

// libpqEnv turns a database URL into the dbname argument and environment
// of a client program: the password goes in PGPASSWORD, never on the
// command line where the process list shows it, and parameters only pgx
// knows are dropped.
func libpqEnv(raw string) (dbname string, env []string, err error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("backup: the database URL must be postgres://…")
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	for _, k := range pgxOnlyParams {
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return u.String(), env, nil
}

// serverFacts are what a backup records of the server and the schema.
type serverFacts struct {
	Version       string // server_version
	Major         int
	SchemaVersion int64 // goose's last applied migration; 0 before any
}

func readServerFacts(ctx context.Context, tx pgx.Tx) (serverFacts, error) {
	var f serverFacts
	var num int
	err := tx.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('server_version_num')::int").Scan(&f.Version, &num)
	if err != nil {
		return f, err
	}
	f.Major = num / 10000
	f.SchemaVersion, err = schemaVersion(ctx, tx)
	return f, err
}

// schemaVersion is the highest migration goose applied, 0 when goose's
// table does not exist.
func schemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int64, error) {
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass('goose_db_version') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int64
	err := q.QueryRow(ctx, "SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&v)
	return v, err
}

// tableCounts counts every ordinary table's rows in the schemas the
// application owns (every schema but the system's), keyed
// "schema.table".
func tableCounts(ctx context.Context, tx pgx.Tx) (map[string]int64, error) {
	rows, err := tx.Query(ctx, `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
		ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var schema, table string
		err := r.Scan(&schema, &table)
		return pgx.Identifier{schema, table}.Sanitize(), err
	})
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+n).Scan(&c); err != nil {
			return nil, err
		}
		counts[strings.ReplaceAll(n, `"`, "")] = c
	}
	return counts, nil
}

// unreadableTables lists the tables whose rows row-level security would
// hide from the current user: pg_dump reads them under the same policies
// (--enable-row-security), so each needs a permissive policy of USING
// (true) for a role the user has the privileges of (the migrations give
// marquee_platform one on every table, and grant marquee_platform to the
// schema's owner). A superuser or a role with BYPASSRLS sees all.
func unreadableTables(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity
		  AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
		  AND (c.relforcerowsecurity OR pg_get_userbyid(c.relowner) <> current_user)
		  AND NOT EXISTS (SELECT FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname
		      AND p.permissive = 'PERMISSIVE' AND p.cmd IN ('ALL', 'SELECT') AND p.qual = 'true'
		      AND EXISTS (SELECT FROM unnest(p.roles) r WHERE r = 'public' OR pg_has_role(current_user, r, 'USAGE')))
		ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
