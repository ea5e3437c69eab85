package main

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// The API and `marquee tenant show --json` are two doors to the same
// events: what they print of one event and of its domains is one shape
// (tenant/api's Event and Domain), field for field, value for value.
func TestTheCLIAndTheAPIShowAnEventInOneShape(t *testing.T) {
	s := startServer(t, defaultConfig())
	token, _, err := s.db.CreateAPIToken(context.Background(), "ops", []string{"events:read", "events:write", "domains:write"})
	if err != nil {
		t.Fatal(err)
	}
	created := s.api(http.MethodPost, "/api/v1/events", token,
		`{"slug":"berlin","name":"Berlin 2027","locales":["en","de"],"currency":"EUR","starts_on":"2027-06-01","ends_on":"2027-06-03","closes_at":"2027-06-03T18:00"}`)
	if created.status != http.StatusCreated {
		t.Fatalf("create: %d %v", created.status, created.body)
	}
	if r := s.api(http.MethodPost, "/api/v1/events/berlin/domains", token, `{"hostname":"shop.berlin-summit.org"}`); r.status != http.StatusCreated {
		t.Fatalf("add domain: %d %v", r.status, r.body)
	}
	viaAPI := s.api(http.MethodGet, "/api/v1/events/berlin", token, "")
	vars := map[string]string{"DATABASE_URL": s.dbURL, "BASE_DOMAIN": testBase}
	show, err := cli(t, vars, "tenant", "show", "berlin", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var viaCLI map[string]any
	if err := json.Unmarshal([]byte(show), &viaCLI); err != nil {
		t.Fatalf("%v: %s", err, show)
	}
	domains := viaCLI["domains"]
	delete(viaCLI, "domains")

	t.Run("tenant show --json prints the event as the API shows it", func(t *testing.T) {
		if !reflect.DeepEqual(viaCLI, viaAPI.body["event"]) {
			t.Errorf("the CLI prints\n%v\nthe API answers\n%v", viaCLI, viaAPI.body["event"])
		}
	})
	t.Run("tenant show --json prints the event's domains as the API shows them", func(t *testing.T) {
		if !reflect.DeepEqual(domains, viaAPI.body["domains"]) {
			t.Errorf("the CLI prints\n%v\nthe API answers\n%v", domains, viaAPI.body["domains"])
		}
	})
	t.Run("tenant list --json prints each event as the API lists it", func(t *testing.T) {
		out, err := cli(t, vars, "tenant", "list", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var list []any
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		viaAPI := s.api(http.MethodGet, "/api/v1/events", token, "")
		if !reflect.DeepEqual(list, viaAPI.body["data"]) {
			t.Errorf("the CLI prints\n%v\nthe API answers\n%v", list, viaAPI.body["data"])
		}
	})
}
