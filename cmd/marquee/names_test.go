package main

import (
	"reflect"
	"strings"
	"testing"

	"marquee/db/dbtest"
	"marquee/tenant/api"
)

// The CLI and the API are two doors to the same provisioning: one name
// for one thing (docs/decisions.md, docs/api.md).
func TestTenantCreateFlagsAreTheAPIsFieldNames(t *testing.T) {
	t.Run("every field of the API's create request is a flag of tenant create", func(t *testing.T) {
		help, _ := cli(t, nil, "tenant", "create", "--help")
		fields := reflect.TypeFor[api.CreateRequest]()
		for i := range fields.NumField() {
			name, _, _ := strings.Cut(fields.Field(i).Tag.Get("json"), ",")
			flag := strings.ReplaceAll(name, "_", "-")
			if !strings.Contains(help, "\n  -"+flag+" ") || !strings.Contains(help, "--"+flag) {
				t.Errorf("the API's %q has no flag --%s in the usage:\n%s", name, flag, help)
			}
		}
	})
	t.Run("the older flag names still work, as deprecated aliases", func(t *testing.T) {
		d := dbtest.New(t)
		vars := map[string]string{"DATABASE_URL": d.OwnerURL}
		if _, err := cli(t, vars, "tenant", "create", "--slug", "tpl-event", "--name", "Template"); err != nil {
			t.Fatal(err)
		}
		out, err := cli(t, vars, "tenant", "create", "--slug", "old-flags", "--name", "Old", "--locales", "en,de", "--locale", "de",
			"--starts", "2027-06-01", "--ends", "2027-06-02", "--closes", "2027-06-02T18:00", "--from", "tpl-event")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		show, err := cli(t, vars, "tenant", "show", "old-flags", "--json")
		for _, want := range []string{`"default_locale": "de"`, `"starts_on": "2027-06-01"`, `"ends_on": "2027-06-02"`, `"closes_at": "2027-06-02T18:00:00Z"`} {
			if err != nil || !strings.Contains(show, want) {
				t.Errorf("%s not in %s (%v)", want, show, err)
			}
		}
	})
}
