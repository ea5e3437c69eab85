package tenant

import (
	"slices"
	"strings"
	"testing"

	"marquee"
)

func TestValidateSlug(t *testing.T) {
	tests := []struct {
		name string
		slug string
		err  string // message ID, "" when the slug is valid
	}{
		{"empty slug is required", "", "slug.required"},
		{"two characters are too short", "ab", "slug.too_short"},
		{"three characters are enough", "abc", ""},
		{"63 characters are allowed", strings.Repeat("a", 63), ""},
		{"64 characters are too long", strings.Repeat("a", 64), "slug.too_long"},
		{"letters digits and hyphens are allowed", "devcon-2025", ""},
		{"digits only are allowed", "2025", ""},
		{"uppercase is rejected, not folded", "DevCon", "slug.chars"},
		{"underscore is rejected", "dev_con", "slug.chars"},
		{"dot is rejected", "dev.con", "slug.chars"},
		{"space is rejected", "dev con", "slug.chars"},
		{"non-ascii letter is rejected", "bücher", "slug.chars"},
		{"leading hyphen is rejected", "-devcon", "slug.hyphen_edge"},
		{"trailing hyphen is rejected", "devcon-", "slug.hyphen_edge"},
		{"inner hyphen is allowed", "dev-con", ""},
		{"hyphens at positions 3 and 4 are rejected", "ab--cd", "slug.double_hyphen"},
		{"punycode prefix is rejected", "xn--bcher-kva", "slug.double_hyphen"},
		{"double hyphen elsewhere is allowed", "a--b", ""},
		{"double hyphen later is allowed", "dev--con", ""},
		{"reserved label is rejected", "admin", "slug.reserved"},
		{"reserved label with hyphen is rejected", "no-reply", "slug.reserved"},
		{"near-reserved label is allowed", "admins-meetup", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateSlug(tc.slug)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("ValidateSlug(%q) = %v, want nil", tc.slug, err)
				}
				return
			}
			if got := marquee.ErrorMessage(err); got != tc.err {
				t.Errorf("ValidateSlug(%q) = %v, want %s", tc.slug, err, tc.err)
			}
			if f := marquee.ErrorField(err); f != "slug" {
				t.Errorf("ValidateSlug(%q) field %q, want slug", tc.slug, f)
			}
			if c := marquee.ErrorCode(err); c != marquee.EINVALID {
				t.Errorf("ValidateSlug(%q) code %s, want %s", tc.slug, c, marquee.EINVALID)
			}
		})
	}
}

func TestReservedSlugs(t *testing.T) {
	t.Run("list is sorted and has no duplicates", func(t *testing.T) {
		if !slices.IsSorted(reservedSlugs) {
			t.Fatal("reservedSlugs is not sorted; IsReservedSlug relies on binary search")
		}
		if len(slices.Compact(slices.Clone(reservedSlugs))) != len(reservedSlugs) {
			t.Fatal("reservedSlugs has duplicates")
		}
	})
	t.Run("every entry is reserved", func(t *testing.T) {
		for _, label := range reservedSlugs {
			if !IsReservedSlug(label) {
				t.Errorf("IsReservedSlug(%q) = false", label)
			}
		}
	})
	t.Run("every entry long enough for a slug is rejected as reserved", func(t *testing.T) {
		for _, label := range reservedSlugs {
			if len(label) < slugMinLen {
				continue
			}
			if got := marquee.ErrorMessage(ValidateSlug(label)); got != "slug.reserved" {
				t.Errorf("ValidateSlug(%q) = %s, want slug.reserved", label, got)
			}
		}
	})
	t.Run("the platform's own names are reserved", func(t *testing.T) {
		required := []string{
			"www", "console", "admin", "api", "static", "assets", "cdn", "media",
			"mail", "smtp", "imap", "pop", "pop3", "webmail", "mx", "ns", "ns1",
			"ns2", "dns", "ftp", "sftp", "ssh", "vpn", "app", "apps", "status",
			"health", "help", "support", "docs", "blog", "auth", "login",
			"logout", "signup", "account", "accounts", "billing", "dashboard",
			"platform", "marquee", "internal", "dev", "staging", "test",
			"localhost", "autoconfig", "autodiscover", "root", "system",
			"security", "abuse", "postmaster", "hostmaster", "webmaster",
			"noreply", "no-reply", "wpad", "isatap", "mta-sts", "openpgpkey",
		}
		for _, label := range required {
			if !IsReservedSlug(label) {
				t.Errorf("IsReservedSlug(%q) = false, want true", label)
			}
		}
	})
	t.Run("ordinary event names are not reserved", func(t *testing.T) {
		for _, label := range []string{"devcon", "summer-fest-2025", "wwww", "Admin", ""} {
			if IsReservedSlug(label) {
				t.Errorf("IsReservedSlug(%q) = true, want false", label)
			}
		}
	})
}
