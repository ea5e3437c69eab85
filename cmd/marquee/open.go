package main

import (
	"context"
	"fmt"

	"marquee/db"
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
	return newProvisioner(cfg, database, db.NewStaffStore(database, staff.Policy{})), database, nil
}

// newProvisioner is the provisioning service of serve and of the ops
// commands: on database, with cfg's domains, owners invited through
// invitations with links to the console.
func newProvisioner(cfg Config, database *db.DB, invitations provision.Inviter) *provision.Service {
	return provision.New(database, provision.Options{BaseDomain: cfg.BaseDomain, Target: cfg.DomainTarget,
		DNSResolver: cfg.DNSResolver, Invitations: invitations,
		InviteURL: func(token string) string { return consoleURL(cfg, "/invite/"+token) }})
}
