package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"marquee/db/dbtest"
)

// devPrintedSettings runs the part of marquee dev that tells people how
// to reach it, for a server on port with database dbURL, and returns the
// variables of the export line it prints.
func devPrintedSettings(t *testing.T, dbURL string, port int) map[string]string {
	t.Helper()
	var out bytes.Buffer
	cfg := devConfig()
	cfg.DatabaseURL = dbURL
	printDevURLs(&env{stdout: &out, stderr: io.Discard}, cfg, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}, "LINK")
	m := regexp.MustCompile(`(?m)^\s*export (.*)$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("marquee dev printed no export line of its settings:\n%s", out.String())
	}
	vars := map[string]string{}
	for _, kv := range regexp.MustCompile(`([A-Z_]+)=('[^']*'|\S+)`).FindAllStringSubmatch(m[1], -1) {
		vars[kv[1]] = strings.Trim(kv[2], "'")
	}
	return vars
}

// TestCLIReadsThePlatformSettings (issue 11, item 24): the ops commands
// read the server's variables, dev prints all of them, and a command that
// needs one that is missing says so before writing anything.
func TestCLIReadsThePlatformSettings(t *testing.T) {
	d := dbtest.New(t)
	onlyDB := map[string]string{"DATABASE_URL": d.OwnerURL}
	if _, err := cli(t, onlyDB, "tenant", "create", "--slug", "berlin", "--name", "Berlin"); err != nil {
		t.Fatal(err)
	}

	t.Run("with the settings dev prints, domain add lists the TXT and the CNAME record", func(t *testing.T) {
		devVars := devPrintedSettings(t, d.OwnerURL, 9191)
		out, err := cli(t, devVars, "domain", "add", "--event", "berlin", "shop.berlin-events.org")
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^TXT\s+_marquee-challenge\.shop\.berlin-events\.org\s+\S+`).MatchString(out) ||
			!regexp.MustCompile(`(?m)^CNAME\s+shop\.berlin-events\.org\s+edge\.localhost\s*$`).MatchString(out) {
			t.Fatalf("domain add printed:\n%s\nwant a TXT and a CNAME record (settings %v)", out, devVars)
		}
	})

	missing := []struct {
		rule  string
		args  []string
		count string
	}{
		{"domain add without BASE_DOMAIN says it is missing and adds nothing",
			[]string{"domain", "add", "--event", "berlin", "www.berlin-events.org"}, "SELECT count(*) FROM domains"},
		{"user create without BASE_DOMAIN says it is missing and creates nobody",
			[]string{"user", "create", "--email", "ops@example.com"}, "SELECT count(*) FROM staff"},
		{"user invite without BASE_DOMAIN says it is missing and invites nobody",
			[]string{"user", "invite", "--email", "mia@example.com", "--event", "berlin", "--role", "marketing"}, "SELECT count(*) FROM staff_tokens"},
		{"tenant create inviting an owner without BASE_DOMAIN says it is missing and creates nothing",
			[]string{"tenant", "create", "--slug", "munich", "--name", "Munich", "--owner-email", "owner@example.com"}, "SELECT count(*) FROM tenants"},
	}
	for _, tc := range missing {
		t.Run(tc.rule, func(t *testing.T) {
			before := countRows(t, d.AdminURL, tc.count)
			_, err := cli(t, onlyDB, tc.args...)
			if err == nil || !strings.HasPrefix(err.Error(), "BASE_DOMAIN is required") || exitCode(err) != 2 {
				t.Fatalf("got %v (exit %d), want a usage error saying BASE_DOMAIN is required", err, exitCode(err))
			}
			if after := countRows(t, d.AdminURL, tc.count); after != before {
				t.Fatalf("%s: %d before, %d after the refused command", tc.count, before, after)
			}
		})
	}
}

// TestInvitationLinksNameTheConsoleAsConfigured (issue 11, item 23): links
// from the CLI and the API name the console at the configured domain and,
// in dev, at the port LISTEN_ADDR says, never a fixed localhost:8080.
func TestInvitationLinksNameTheConsoleAsConfigured(t *testing.T) {
	d := dbtest.New(t)
	dev := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "localhost", "LISTEN_ADDR": ":9191"}
	prod := map[string]string{"DATABASE_URL": d.OwnerURL, "BASE_DOMAIN": "example.com", "LISTEN_ADDR": ":9191"}
	if _, err := cli(t, dev, "tenant", "create", "--slug", "berlin", "--name", "Berlin"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		rule string
		vars map[string]string
		args []string
		want string
	}{
		{"user invite in dev links to the port LISTEN_ADDR names", dev,
			[]string{"user", "invite", "--email", "mia@example.com", "--event", "berlin", "--role", "marketing"}, "http://console.localhost:9191/invite/"},
		{"user create in dev links to the port LISTEN_ADDR names", dev,
			[]string{"user", "create", "--email", "ops@example.com"}, "http://console.localhost:9191/login/link/"},
		{"tenant create in dev links the owner to the port LISTEN_ADDR names", dev,
			[]string{"tenant", "create", "--slug", "munich", "--name", "Munich", "--owner-email", "owner@example.com"}, "http://console.localhost:9191/invite/"},
		{"tenant create in dev names the event at that port", dev,
			[]string{"tenant", "create", "--slug", "hamburg", "--name", "Hamburg"}, "it answers at http://hamburg.localhost:9191\n"},
		{"user invite elsewhere links to the console over HTTPS, without a port", prod,
			[]string{"user", "invite", "--email", "mia@example.com", "--event", "berlin", "--role", "fulfilment"}, "https://console.example.com/invite/"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			out, err := cli(t, tc.vars, tc.args...)
			if err != nil || !strings.Contains(out, tc.want) {
				t.Fatalf("printed %q (%v), want %q in it", out, err, tc.want)
			}
		})
	}

	t.Run("the API's owner invitation in dev links to the port the server listens on", func(t *testing.T) {
		cfg := defaultConfig()
		cfg.BaseDomain = "localhost"
		s := startServer(t, cfg)
		token, _, err := s.db.CreateAPIToken(context.Background(), "ops", []string{"events:read", "events:write"})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/events", strings.NewReader(`{"slug":"lisbon","name":"Lisbon","owner_email":"owner@example.com"}`))
		req.Host = "console.localhost"
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct {
			OwnerInvitation string `json:"owner_invitation"`
		}
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusCreated {
			t.Fatalf("create: status %d, %v", res.StatusCode, err)
		}
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.url, "http://"))
		if want := "http://console.localhost:" + port + "/invite/"; !strings.HasPrefix(body.OwnerInvitation, want) {
			t.Fatalf("owner_invitation %q, want it to start with %q", body.OwnerInvitation, want)
		}
	})
}
