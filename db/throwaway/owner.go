package throwaway

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnsureOwnerDatabase creates, when missing, a login role that may create
// roles but is not a superuser, and a database owned by it; it returns that
// role's URL for that database. The application runs as such a role so that
// tests see the same privilege checks (row-level security included, which
// superusers bypass) as production.
func (s *Server) EnsureOwnerDatabase(ctx context.Context, role, database string) (url string, err error) {
	if role == "" || database == "" {
		return "", errors.New("EnsureOwnerDatabase: role and database must not be empty")
	}
	conn, err := pgx.Connect(ctx, s.AdminURL())
	if err != nil {
		return "", fmt.Errorf("connect to throwaway PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := ensureRole(ctx, conn, role); err != nil {
		return "", err
	}
	if err := ensureDatabase(ctx, conn, database, role); err != nil {
		return "", err
	}
	return s.roleURL(role, database), nil
}

func ensureRole(ctx context.Context, conn *pgx.Conn, role string) error {
	var exists bool
	err := conn.QueryRow(ctx, "select exists (select from pg_roles where rolname = $1)", role).Scan(&exists)
	if err != nil {
		return fmt.Errorf("look up role %q: %w", role, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "create role "+pgx.Identifier{role}.Sanitize()+" login createrole nosuperuser")
	if err != nil && !lostCreateRace(err) {
		return fmt.Errorf("create role %q: %w", role, err)
	}
	return nil
}

func ensureDatabase(ctx context.Context, conn *pgx.Conn, database, owner string) error {
	var exists bool
	err := conn.QueryRow(ctx, "select exists (select from pg_database where datname = $1)", database).Scan(&exists)
	if err != nil {
		return fmt.Errorf("look up database %q: %w", database, err)
	}
	if exists {
		return nil
	}
	sql := "create database " + pgx.Identifier{database}.Sanitize() + " owner " + pgx.Identifier{owner}.Sanitize()
	if _, err := conn.Exec(ctx, sql); err != nil && !lostCreateRace(err) {
		return fmt.Errorf("create database %q: %w", database, err)
	}
	return nil
}

// lostCreateRace recognises a concurrent caller creating the same object
// between our check and our CREATE: duplicate_object, duplicate_database,
// or the catalog's unique index noticing first (unique_violation).
func lostCreateRace(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "42710", "42P04", "23505":
		return true
	}
	return false
}
