package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"marquee/db"
	"marquee/tenant/domains"
	"marquee/tenant/provision"
	"marquee/tenant/staff"
)

// openDB opens the application pool on DATABASE_URL.
func openDB(ctx context.Context, e *env) (*db.DB, error) {
	url := e.getenv("DATABASE_URL")
	if url == "" {
		return nil, fmt.Errorf("DATABASE_URL is required (the URL 'marquee dev' prints, or your database's)")
	}
	return db.Open(ctx, url, db.Options{MaxConns: 2})
}

// withDB runs use on the application pool, and closes the pool after.
func withDB(ctx context.Context, e *env, use func(*db.DB) error) error {
	database, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	return use(database)
}

// withProvisioner runs use on the provisioning service and the database
// under it, and closes the database after.
func withProvisioner(ctx context.Context, e *env, use func(*provision.Service, *db.DB) error) error {
	svc, database, err := provisioner(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	return use(svc, database)
}

// provisioner opens the database and the provisioning service on it.
func provisioner(ctx context.Context, e *env) (*provision.Service, *db.DB, error) {
	cfg, err := cliConfig(e)
	if err != nil {
		return nil, nil, err
	}
	database, err := openDB(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	store := db.NewStaffStore(database, staff.Policy{})
	svc := &provision.Service{Store: database, BaseDomain: cfg.BaseDomain, Target: cfg.DomainTarget,
		Verifier: domains.NewVerifier(cfg.DNSResolver, domains.DefaultTimeout),
		Invite: func(ctx context.Context, email string, tenantID uuid.UUID) (string, error) {
			token, err := store.Invite(ctx, uuid.NullUUID{}, email, tenantID, staff.RoleOwner, time.Now())
			return consoleURL(cfg, "/invite/"+token), err
		}}
	return svc, database, nil
}
