package backup

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Tools are the PostgreSQL client programs a backup and a restore run.
type Tools struct {
	PgDump, PgRestore string
	Version           string // "pg_dump (PostgreSQL) 15.10"
	Major             int
}

// toolDirs is where FindTools looks, in order, after the directory it is
// given: PATH, then Debian's and Homebrew's versioned folders for the
// server's major version.
func toolDirs(dir string, major int) []string {
	var dirs []string
	if dir != "" {
		dirs = append(dirs, dir)
	}
	dirs = append(dirs, fmt.Sprintf("/usr/lib/postgresql/%d/bin", major),
		fmt.Sprintf("/opt/homebrew/opt/postgresql@%d/bin", major), fmt.Sprintf("/usr/local/opt/postgresql@%d/bin", major))
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if filepath.IsAbs(d) {
			dirs = append(dirs, d)
		}
	}
	return slices.Compact(dirs)
}

var versionPattern = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// FindTools finds pg_dump and pg_restore of the server's major version
// (serverMajor, from server_version_num / 10000): dir first (BACKUP_PG_BIN),
// then the usual places. A client of the same major version writes a dump
// any later server restores and reads every object of this one; an older
// pg_dump refuses a newer server, a newer one would do but is not what
// the operator installed for this server, so the exact version is asked
// for and the error says where it looked.
func FindTools(ctx context.Context, dir string, serverMajor int) (Tools, error) {
	var seen []string
	for _, d := range toolDirs(dir, serverMajor) {
		dump, restore := filepath.Join(d, "pg_dump"), filepath.Join(d, "pg_restore")
		if !isExecutable(dump) || !isExecutable(restore) {
			continue
		}
		out, err := exec.CommandContext(ctx, dump, "--version").Output()
		if err != nil {
			continue
		}
		version := strings.TrimSpace(string(out))
		m := versionPattern.FindStringSubmatch(version)
		if m == nil {
			continue
		}
		major, _ := strconv.Atoi(m[1])
		if major == serverMajor {
			return Tools{PgDump: dump, PgRestore: restore, Version: version, Major: major}, nil
		}
		seen = append(seen, fmt.Sprintf("%s is %d", dump, major))
	}
	found := "none found"
	if len(seen) > 0 {
		found = strings.Join(seen, ", ")
	}
	return Tools{}, fmt.Errorf("backup: no pg_dump and pg_restore of PostgreSQL %d (%s): install the server's client "+
		"(e.g. apt-get install postgresql-client-%d) or set BACKUP_PG_BIN to its bin folder", serverMajor, found, serverMajor)
}

func isExecutable(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}

// run runs a client program with the connection in the environment (a
// password never shows in the process list) and returns its standard
// error in the error.
func run(ctx context.Context, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + " …"
		}
		return fmt.Errorf("%s: %w: %s", filepath.Base(name), err, msg)
	}
	return nil
}
