package db_test

import (
	"context"
	"testing"
	"time"
)

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	newStaffWithPassword(t, store, "ada@example.com")

	t.Run("an unknown email gets no link and no error", func(t *testing.T) {
		token, err := store.RequestReset(ctx, "nobody@example.com", t0)
		if token != "" || err != nil {
			t.Fatalf("got %q, %v", token, err)
		}
	})
	t.Run("a link sets the password once and signs out everywhere", func(t *testing.T) {
		session := login(t, store, "ada@example.com", "192.0.2.1", t0)
		token, err := store.RequestReset(ctx, "ADA@example.com", t0)
		if err != nil || token == "" {
			t.Fatalf("got %q, %v", token, err)
		}
		wantMessage(t, store.ResetPassword(ctx, token, "too short", t0), "staff.password_too_short")
		if err := store.ResetPassword(ctx, token, "a reset passphrase", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		wantSession(t, store, session, t0.Add(time.Minute), false)
		wantMessage(t, store.ResetPassword(ctx, token, "yet another passphrase", t0.Add(time.Minute)), "staff.link_invalid")
		if _, _, err := store.Login(ctx, "ada@example.com", "a reset passphrase", "192.0.2.1", "", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a newer link spends the older one", func(t *testing.T) {
		first, _ := store.RequestReset(ctx, "ada@example.com", t0)
		second, _ := store.RequestReset(ctx, "ada@example.com", t0)
		wantMessage(t, store.ResetPassword(ctx, first, goodPassword, t0), "staff.link_invalid")
		wantMessage(t, store.ResetPassword(ctx, second, goodPassword, t0), "")
	})
	t.Run("an expired link is refused", func(t *testing.T) {
		token, _ := store.RequestReset(ctx, "ada@example.com", t0)
		wantMessage(t, store.ResetPassword(ctx, token, goodPassword, t0.Add(store.Policy().ResetTTL)), "staff.link_invalid")
	})
}

func TestLoginLink(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	ada, err := store.CreateStaff(ctx, "ada@example.com", "Ada", true)
	if err != nil {
		t.Fatal(err)
	}
	link, err := store.LoginLink(ctx, ada.ID, t0, 0)
	if err != nil {
		t.Fatal(err)
	}
	session, who, err := store.UseLoginLink(ctx, link, "127.0.0.1", "dev", t0)
	if err != nil || who.ID != ada.ID || session == link {
		t.Fatalf("login link: %q %+v %v", session, who, err)
	}
	wantSession(t, store, session, t0, true)
	_, _, err = store.UseLoginLink(ctx, link, "127.0.0.1", "dev", t0)
	wantMessage(t, err, "staff.link_invalid")
}
