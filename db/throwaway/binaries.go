package throwaway

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// binarySearch says where FindBinaries looks, so tests can point it at
// empty directories instead of the machine's real installation.
type binarySearch struct {
	pathEnv string   // a PATH-style list, searched first and for pg_config
	globs   []string // tried in order after pg_config; matches highest version first
}

// defaultBinarySearch covers Debian/Ubuntu packages, source builds and
// Homebrew's keg-only postgresql@N formulae, which are not on PATH by default.
func defaultBinarySearch() binarySearch {
	return binarySearch{
		pathEnv: os.Getenv("PATH"),
		globs: []string{
			"/usr/lib/postgresql/*/bin",
			"/usr/local/pgsql/bin",
			"/opt/homebrew/opt/postgresql@*/bin",
			"/usr/local/opt/postgresql@*/bin",
		},
	}
}

// FindBinaries returns the directory that holds the initdb and postgres programs.
func FindBinaries() (dir string, err error) {
	return defaultBinarySearch().find()
}

func (b binarySearch) find() (string, error) {
	if dir, ok := firstWithServer(b.pathDirs()); ok {
		return dir, nil
	}
	if dir, ok := firstWithServer(b.pgConfigBindir()); ok {
		return dir, nil
	}
	for _, pattern := range b.globs {
		if dir, ok := firstWithServer(globHighestFirst(pattern)); ok {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries found (looked in %s): "+
		`install the PostgreSQL server package, e.g. "apt-get install postgresql" or "brew install postgresql@15"`,
		listInWords(append([]string{"PATH", "pg_config --bindir"}, b.globs...)))
}

// listInWords joins "a, b and c", for one readable sentence.
func listInWords(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// pathDirs skips relative PATH entries: running whatever initdb happens to
// sit in the working directory would be a surprise (and os/exec refuses it too).
func (b binarySearch) pathDirs() []string {
	var dirs []string
	for _, dir := range filepath.SplitList(b.pathEnv) {
		if filepath.IsAbs(dir) {
			dirs = append(dirs, dir)
		}
	}
	return dirs
}

// pgConfigBindir asks the first pg_config on PATH; client-only installs
// have pg_config too, so its answer is checked like any other candidate.
func (b binarySearch) pgConfigBindir() []string {
	for _, dir := range b.pathDirs() {
		if pgConfig := filepath.Join(dir, "pg_config"); isExecutable(pgConfig) {
			return askBindir(pgConfig)
		}
	}
	return nil
}

func askBindir(pgConfig string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, pgConfig, "--bindir").Output()
	if err != nil {
		return nil
	}
	return []string{strings.TrimSpace(string(out))}
}

func firstWithServer(dirs []string) (string, bool) {
	for _, dir := range dirs {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres")) {
			return dir, true
		}
	}
	return "", false
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}

// globHighestFirst orders matches by the numbers in them, so that 15 comes
// before 9.6 (a plain string sort would put 9.6 first).
func globHighestFirst(pattern string) []string {
	matches, _ := filepath.Glob(pattern) // the only error is a malformed pattern, and ours are fixed
	slices.SortStableFunc(matches, func(a, b string) int {
		return slices.Compare(versionNumbers(b), versionNumbers(a))
	})
	return matches
}

func versionNumbers(s string) []int {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	numbers := make([]int, 0, len(fields))
	for _, field := range fields {
		n, err := strconv.Atoi(field)
		if err != nil {
			n = 0 // only on overflow; such a path is not a version anyway
		}
		numbers = append(numbers, n)
	}
	return numbers
}
