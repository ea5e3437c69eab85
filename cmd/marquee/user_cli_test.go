package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant/staff"
)

func TestUserInvite(t *testing.T) {
	d := dbtest.New(t)
	vars := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com"}
	if _, err := cli(t, vars, "tenant", "create", "--slug", "devcon", "--name", "DevCon"); err != nil {
		t.Fatal(err)
	}

	t.Run("prints a link that grants the role", func(t *testing.T) {
		out, err := cli(t, vars, "user", "invite", "--email", "Ines@Example.com", "--event", "devcon", "--role", "marketing")
		if err != nil || !strings.Contains(out, "invited ines@example.com to devcon as marketing") {
			t.Fatalf("user invite: %q, %v", out, err)
		}
		m := regexp.MustCompile(`https://console\.example\.com/invite/([A-Za-z0-9_-]{43})\n`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no invitation link in %q", out)
		}
		store := db.NewStaffStore(d.Open(t, db.Options{}), staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}})
		st, err := store.AcceptInvite(context.Background(), m[1], "Ines", "a long enough password", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		members, err := store.Memberships(context.Background(), st.ID)
		if err != nil || len(members) != 1 || members[0].Role != staff.RoleMarketing {
			t.Fatalf("memberships %v, %v", members, err)
		}
	})
	bad := []struct {
		name, naming string
		args         []string
	}{
		{"no email", "--email: ", []string{"--event", "devcon", "--role", "owner"}},
		{"a bad email", "--email: ", []string{"--email", "not-an-email", "--event", "devcon", "--role", "owner"}},
		{"no event", "--event: ", []string{"--email", "a@example.com", "--role", "owner"}},
		{"an unknown event", "--event: ", []string{"--email", "a@example.com", "--event", "nope", "--role", "owner"}},
		{"no role", "--role: ", []string{"--email", "a@example.com", "--event", "devcon"}},
		{"an unknown role", "--role: ", []string{"--email", "a@example.com", "--event", "devcon", "--role", "admin"}},
	}
	for _, tc := range bad {
		t.Run(tc.name+" is a usage error naming "+strings.TrimSuffix(tc.naming, ": "), func(t *testing.T) {
			_, err := cli(t, vars, append([]string{"user", "invite"}, tc.args...)...)
			var u usageError
			if !errors.As(err, &u) || !strings.HasPrefix(err.Error(), tc.naming) {
				t.Fatalf("want a usage error naming %q, got %v", tc.naming, err)
			}
		})
	}
	t.Run("an unknown subcommand names both", func(t *testing.T) {
		if _, err := cli(t, vars, "user", "remove"); err == nil || !strings.Contains(err.Error(), "(create, invite)") {
			t.Fatalf("got %v", err)
		}
	})
}
