package staff_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/tenant/staff"
)

func TestNormaliseEmail(t *testing.T) {
	for _, tc := range []struct{ in, want, message string }{
		{"  Ada@Example.COM ", "ada@example.com", ""},
		{"", "", "staff.email_required"},
		{"ada", "", "staff.email_invalid"},
		{"Ada <ada@example.com>", "", "staff.email_invalid"},
		{"ada@example.com, bob@example.com", "", "staff.email_invalid"},
	} {
		got, err := staff.NormaliseEmail(tc.in)
		if got != tc.want || messageOf(err) != tc.message {
			t.Errorf("NormaliseEmail(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.message)
		}
	}
}

func TestRoleValid(t *testing.T) {
	for _, r := range []staff.Role{staff.RoleOwner, staff.RoleMarketing, staff.RoleFulfilment} {
		if !r.Valid() {
			t.Errorf("%q is not valid", r)
		}
	}
	for _, r := range []staff.Role{"", "admin", "Owner"} {
		if r.Valid() {
			t.Errorf("%q is valid", r)
		}
	}
}

func TestPolicy(t *testing.T) {
	p := staff.Policy{}.WithDefaults()
	if p != staff.DefaultPolicy() {
		t.Fatalf("zero policy with defaults = %+v, want %+v", p, staff.DefaultPolicy())
	}
	login := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	s := staff.Session{ID: uuid.New(), CreatedAt: login, LastSeenAt: login, ExpiresAt: login.Add(p.AbsoluteTimeout)}
	for _, tc := range []struct {
		name     string
		lastSeen time.Time
		now      time.Time
		live     bool
	}{
		{"used a moment ago", login, login.Add(time.Second), true},
		{"idle exactly the idle timeout", login, login.Add(p.IdleTimeout), true},
		{"idle a second longer", login, login.Add(p.IdleTimeout + time.Second), false},
		{"busy until just before the absolute end", login.Add(p.AbsoluteTimeout - time.Minute), login.Add(p.AbsoluteTimeout - time.Second), true},
		{"busy at the absolute end", login.Add(p.AbsoluteTimeout - time.Minute), login.Add(p.AbsoluteTimeout), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.LastSeenAt = tc.lastSeen
			if got := p.SessionLive(s, tc.now); got != tc.live {
				t.Fatalf("SessionLive = %v, want %v", got, tc.live)
			}
		})
	}
}
