package throwaway

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindBinaries(t *testing.T) {
	t.Run("finds the installed server", func(t *testing.T) {
		dir, err := FindBinaries()
		if err != nil {
			t.Fatalf("FindBinaries: %v", err)
		}
		for _, name := range []string{"initdb", "postgres"} {
			if !isExecutable(filepath.Join(dir, name)) {
				t.Errorf("%s has no executable %s", dir, name)
			}
		}
	})

	t.Run("a PATH entry holding both programs wins", func(t *testing.T) {
		bin := fakeServerBin(t, t.TempDir())
		search := binarySearch{pathEnv: t.TempDir() + string(os.PathListSeparator) + bin}
		assertFinds(t, search, bin)
	})

	t.Run("a PATH entry with only initdb is skipped", func(t *testing.T) {
		half := t.TempDir()
		writeExecutable(t, filepath.Join(half, "initdb"))
		full := fakeServerBin(t, t.TempDir())
		search := binarySearch{pathEnv: half + string(os.PathListSeparator) + full}
		assertFinds(t, search, full)
	})

	t.Run("pg_config on PATH points at the server", func(t *testing.T) {
		server := fakeServerBin(t, t.TempDir())
		clients := t.TempDir()
		writeScript(t, filepath.Join(clients, "pg_config"), "echo "+server)
		assertFinds(t, binarySearch{pathEnv: clients}, server)
	})

	t.Run("the highest installed version comes first", func(t *testing.T) {
		root := t.TempDir()
		for _, version := range []string{"9.6", "15", "10"} {
			fakeServerBin(t, filepath.Join(root, version, "bin"))
		}
		search := binarySearch{pathEnv: t.TempDir(), globs: []string{filepath.Join(root, "*", "bin")}}
		assertFinds(t, search, filepath.Join(root, "15", "bin"))
	})

	t.Run("nothing installed names the package to install", func(t *testing.T) {
		empty := t.TempDir()
		t.Setenv("PATH", empty)
		search := defaultBinarySearch()
		search.globs = []string{filepath.Join(empty, "*", "bin"), filepath.Join(empty, "pgsql", "bin")}
		dir, err := search.find()
		if err == nil {
			t.Fatalf("found %s in an empty directory", dir)
		}
		for _, want := range []string{
			"no PostgreSQL server binaries found (looked in PATH, pg_config --bindir, " + search.globs[0] + " and " + search.globs[1] + "): ",
			`install the PostgreSQL server package, e.g. "apt-get install postgresql" or "brew install postgresql@15"`,
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		}
	})
}

func assertFinds(t *testing.T, search binarySearch, want string) {
	t.Helper()
	got, err := search.find()
	if err != nil {
		t.Fatalf("find: %v", err)
	}
	if got != want {
		t.Errorf("found %s, want %s", got, want)
	}
}

// fakeServerBin creates dir with stand-ins for initdb and postgres.
func fakeServerBin(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeExecutable(t, filepath.Join(dir, "initdb"))
	writeExecutable(t, filepath.Join(dir, "postgres"))
	return dir
}

func writeExecutable(t *testing.T, path string) {
	t.Helper()
	writeScript(t, path, "exit 0")
}

func writeScript(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}
