package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/branding/console"
	"marquee/db"
	"marquee/tenant/staff"
)

// The console finds invitations and resets on its Identity at run time;
// this makes the store prove at compile time that it offers them.
var _ console.Accounts = (*db.StaffStore)(nil)

// userCommands are the subcommands of marquee user, in help order.
var userCommands = []subcommand{
	{"create", "create a staff account and print a one-time sign-in link", runUserCreate},
	{"invite", "invite someone to an event with a role and print the invitation link", runUserInvite},
}

func runUserCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user create", "user create --email EMAIL [--name NAME] [--platform-admin]")
	email := fs.String("email", "", "the staff member's email address")
	name := fs.String("name", "", "the staff member's name (default: the email's part before @)")
	admin := fs.Bool("platform-admin", false, "may act on every event")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := linkConfig(e)
	if err != nil {
		return err
	}
	display := strings.TrimSpace(*name)
	if display == "" {
		display, _, _ = strings.Cut(strings.TrimSpace(*email), "@")
	}
	return withDB(ctx, e, func(database *db.DB) error {
		store := db.NewStaffStore(database, staff.Policy{})
		st, err := store.CreateStaff(ctx, *email, display, *admin)
		if err != nil {
			return flagError(err, map[string]string{"email": "--email", "name": "--name"})
		}
		link, err := store.LoginLink(ctx, st.ID, time.Now(), time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s (%s)\nsign in within an hour: %s\n", st.Email, st.ID, consoleURL(cfg, "/login/link/"+link))
		return nil
	})
}

// inviteFlags names the flag of each field an invitation may be refused for.
var inviteFlags = map[string]string{"email": "--email", "role": "--role"}

// runUserInvite invites someone to one event with one role, creating their
// account if there is none, and prints the link that accepts it. The
// command line is the platform itself: the audit log names no inviter.
func runUserInvite(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user invite", "user invite --email EMAIL --event SLUG --role owner|marketing|fulfilment")
	email := fs.String("email", "", "the invited person's email address")
	slug := fs.String("event", "", "the slug of the event they are invited to")
	role := fs.String("role", "", "their role in the event: owner, marketing or fulfilment")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// Checked before the database is opened, so a typo costs no round trip.
	addr, err := staff.NormaliseEmail(*email)
	if err != nil {
		return flagError(err, inviteFlags)
	}
	if strings.TrimSpace(*slug) == "" {
		return usageError{"--event: say which event (its slug, see marquee tenant list)"}
	}
	if !staff.Role(*role).Valid() {
		return flagError(marquee.Invalid("role", "staff.role_unknown"), inviteFlags)
	}
	cfg, err := linkConfig(e)
	if err != nil {
		return err
	}
	return withDB(ctx, e, func(database *db.DB) error {
		ev, err := database.TenantBySlug(ctx, strings.TrimSpace(*slug))
		if marquee.ErrorCode(err) == marquee.ENOTFOUND {
			return usageError{fmt.Sprintf("--event: there is no event %q (see marquee tenant list)", *slug)}
		}
		if err != nil {
			return err
		}
		store := db.NewStaffStore(database, staff.Policy{})
		now := time.Now()
		token, err := store.Invite(ctx, uuid.NullUUID{}, addr, ev.ID, staff.Role(*role), now)
		if err != nil {
			return flagError(err, inviteFlags)
		}
		until := now.Add(store.Policy().InviteTTL).UTC().Format("2006-01-02 15:04 MST")
		fmt.Fprintf(e.stdout, "invited %s to %s as %s\naccept by %s: %s\n", addr, ev.Slug, *role,
			until, consoleURL(cfg, "/invite/"+token))
		return nil
	})
}

// linkConfig is the configuration of a command that prints a console link:
// it names the console as the server is configured, so BASE_DOMAIN (and in
// dev LISTEN_ADDR) must be the server's.
func linkConfig(e *env) (Config, error) {
	cfg, err := cliConfig(e)
	if err != nil {
		return cfg, err
	}
	return cfg, needBaseDomain(cfg, "to print the console link")
}

// ensureDemoAdmin makes dev's platform admin and returns a fresh one-time
// sign-in link for it.
func ensureDemoAdmin(ctx context.Context, store *db.StaffStore) (string, error) {
	const email = "admin@marquee.localhost"
	st, err := store.CreateStaff(ctx, email, "Demo admin", true)
	if marquee.ErrorCode(err) == marquee.ECONFLICT {
		st, err = store.StaffByEmail(ctx, email)
	}
	if err != nil {
		return "", err
	}
	return store.LoginLink(ctx, st.ID, time.Now(), time.Hour)
}
