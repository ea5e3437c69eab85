package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"marquee"
	"marquee/branding/staff"
	"marquee/db"
)

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stdout, "Usage: marquee user create [flags]\n\n  create  create a staff account and print a one-time sign-in link (marquee user create --help)")
		if len(args) == 0 {
			return usageError{"user: say create"}
		}
		return nil
	}
	if args[0] != "create" {
		return usageError{fmt.Sprintf("user: unknown subcommand %q (create)", args[0])}
	}
	fs := newFlags(e, "user create", "user create --email EMAIL [--name NAME] [--platform-admin]")
	email := fs.String("email", "", "the staff member's email address")
	name := fs.String("name", "", "the staff member's name (default: the email's part before @)")
	admin := fs.Bool("platform-admin", false, "may act on every event")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	database, err := openDB(ctx, e)
	if err != nil {
		return err
	}
	defer database.Close()
	store := db.NewStaffStore(database, staff.Policy{})
	display := strings.TrimSpace(*name)
	if display == "" {
		display, _, _ = strings.Cut(strings.TrimSpace(*email), "@")
	}
	st, err := store.CreateStaff(ctx, *email, display, *admin)
	if err != nil {
		return flagError(err, map[string]string{"email": "--email", "name": "--name"})
	}
	link, err := store.LoginLink(ctx, st.ID, time.Now(), time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %s (%s)\nsign in within an hour: %s\n", st.Email, st.ID, consoleURL(e.getenv("BASE_DOMAIN"), "/login/link/"+link))
	return nil
}

// consoleURL is a console address for people to open; http for dev's
// localhost, https elsewhere.
func consoleURL(base, path string) string {
	if base == "" {
		base = "localhost"
	}
	scheme := "https"
	if base == "localhost" {
		scheme, base = "http", base+":8080"
	}
	return scheme + "://console." + base + path
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
