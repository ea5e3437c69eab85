package db_test

import (
	"context"
	"testing"
	"time"

	"marquee/tenant/staff"
	"marquee/tenant/staff/sso"
)

func TestSSOStateIsGoodOnce(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	begin := func(now time.Time) sso.Attempt {
		a := sso.NewAttempt()
		if err := store.BeginSSO(ctx, a.State, a.Nonce, a.Verifier, now); err != nil {
			t.Fatal(err)
		}
		return a
	}

	t.Run("the callback gets the nonce and verifier back, once", func(t *testing.T) {
		a := begin(t0)
		nonce, verifier, err := store.UseSSO(ctx, a.State, t0.Add(time.Minute))
		if err != nil || nonce != a.Nonce || verifier != a.Verifier {
			t.Fatalf("got %q, %q, %v", nonce, verifier, err)
		}
		_, _, err = store.UseSSO(ctx, a.State, t0.Add(time.Minute))
		wantMessage(t, err, "staff.sso_expired")
	})
	t.Run("a state older than ten minutes is refused", func(t *testing.T) {
		a := begin(t0)
		_, _, err := store.UseSSO(ctx, a.State, t0.Add(10*time.Minute))
		wantMessage(t, err, "staff.sso_expired")
	})
	t.Run("a state never begun, or not one of ours, is refused", func(t *testing.T) {
		for _, state := range []string{sso.NewAttempt().State, "", "not-a-state", "\x00"} {
			_, _, err := store.UseSSO(ctx, state, t0)
			wantMessage(t, err, "staff.sso_expired")
		}
	})
}

func TestSignInSSO(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	ada := newStaffWithPassword(t, store, "ada@example.com")

	t.Run("an existing account is matched by its email", func(t *testing.T) {
		token, who, created, err := store.SignInSSO(ctx, "Ada@Example.com", "Ada L.", "sub-1", "192.0.2.7", "browser", t0)
		if err != nil || created || who.ID != ada.ID {
			t.Fatalf("got %+v, created %v, %v", who, created, err)
		}
		wantSession(t, store, token, t0, true)
		if got, _ := store.StaffByID(ctx, ada.ID); got.Name != ada.Name {
			t.Fatalf("the name became %q: the provider's does not replace the account's", got.Name)
		}
	})
	t.Run("a new email gets an account with no password and no role", func(t *testing.T) {
		token, who, created, err := store.SignInSSO(ctx, "bo@example.com", "Bo", "sub-2", "192.0.2.8", "browser", t0)
		if err != nil || !created || who.Email != "bo@example.com" || who.Name != "Bo" || who.PasswordSet || who.PlatformAdmin {
			t.Fatalf("got %+v, created %v, %v", who, created, err)
		}
		wantSession(t, store, token, t0, true)
		if m, err := store.Memberships(ctx, who.ID); err != nil || len(m) != 0 {
			t.Fatalf("memberships %v, %v", m, err)
		}
		again, _, created, err := store.SignInSSO(ctx, "bo@example.com", "Bo", "sub-2", "192.0.2.8", "browser", t0)
		if err != nil || created || again == token {
			t.Fatalf("second sign-in: created %v, same token %v, %v", created, again == token, err)
		}
		entries, err := store.AuditLog(ctx, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		var logins, creations int
		for _, e := range entries {
			if e.Subject != staff.Subject(who.ID) {
				continue
			}
			switch {
			case e.Action == staff.ActionLogin && e.Detail["method"] == "oidc" && e.IP == "192.0.2.8":
				logins++
			case e.Action == staff.ActionStaffCreated && e.Detail["method"] == "oidc" && e.Detail["oidc_subject"] == "sub-2":
				creations++
			}
		}
		if logins != 2 || creations != 1 {
			t.Fatalf("audit: %d oidc logins, %d creations of bo; want 2 and 1: %+v", logins, creations, entries)
		}
	})
	t.Run("an address that is not one is refused, naming the field", func(t *testing.T) {
		_, _, _, err := store.SignInSSO(ctx, "not an email", "", "sub-3", "", "", t0)
		wantMessage(t, err, "staff.email_invalid")
	})
}
