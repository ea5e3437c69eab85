package throwaway

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Names inside the server directory.
const (
	dataSubdir   = "data"
	socketSubdir = "sock"
	logName      = "postgres.log"
)

// resolveDir picks the directory to use and whether Stop should remove it.
func resolveDir(requested string, su *serverUser, log *slog.Logger) (dir string, temp bool, err error) {
	if requested == "" {
		dir, err := makeTempDir(su)
		return dir, true, err
	}
	dir, err = filepath.Abs(requested)
	if err != nil {
		return "", false, fmt.Errorf("resolve %s: %w", requested, err)
	}
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	if su.canReach(dir) {
		return dir, false, nil
	}
	return fallbackDir(dir, su, log)
}

// fallbackDir exists because a root user's checkout often lives under
// /root (mode 0700), where the postgres user cannot follow. The name is
// derived from the requested path so the data still survives restarts.
func fallbackDir(requested string, su *serverUser, log *slog.Logger) (string, bool, error) {
	sum := sha256.Sum256([]byte(requested))
	dir := filepath.Join(os.TempDir(), "marquee-pg-"+hex.EncodeToString(sum[:])[:12])
	if !su.canReach(dir) {
		return "", false, fmt.Errorf("OS user postgres can reach neither %s nor %s", requested, dir)
	}
	if err := su.checkOwnedBy(dir); err != nil {
		return "", false, err
	}
	log.Info("OS user postgres cannot reach the requested PostgreSQL directory; using another one",
		"requested", requested, "dir", dir)
	return dir, false, nil
}

func makeTempDir(su *serverUser) (string, error) {
	if !su.canReach(filepath.Join(os.TempDir(), "x")) {
		return "", fmt.Errorf("OS user postgres cannot reach the temporary directory %s; set TMPDIR to one it can reach", os.TempDir())
	}
	dir, err := os.MkdirTemp("", "marquee-pg-run-")
	if err != nil {
		return "", fmt.Errorf("create temporary PostgreSQL directory: %w", err)
	}
	return dir, nil
}

// prepareLayout creates the directory, the private socket directory and the
// log file, then hands all of it to the server user.
func prepareLayout(dir string, su *serverUser) error {
	// Parents must stay traversable for the server user (canReach was
	// checked on them); only dir itself is private.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(dir), err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	sock := filepath.Join(dir, socketSubdir)
	if err := os.MkdirAll(sock, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", sock, err)
	}
	// MkdirAll leaves an existing directory's mode alone; the socket
	// directory is the only thing keeping other local users out.
	if err := os.Chmod(sock, 0o700); err != nil {
		return fmt.Errorf("restrict %s: %w", sock, err)
	}
	logFile, err := os.OpenFile(filepath.Join(dir, logName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("create PostgreSQL log: %w", err)
	}
	logFile.Close()
	return su.chownTree(dir)
}

func hasCluster(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, dataSubdir, "PG_VERSION"))
	return err == nil
}

// clearStalePid removes the lock file a crashed or killed server left
// behind; postgres would otherwise refuse to start until someone deletes it.
func clearStalePid(dir string) error {
	path := filepath.Join(dir, dataSubdir, "postmaster.pid")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	line, _ := bufio.NewReader(f).ReadString('\n')
	f.Close()
	if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && postgresAlive(pid) {
		return fmt.Errorf("%s is in use by another PostgreSQL server (pid %d)", dir, pid)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove stale %s: %w", path, err)
	}
	return nil
}

// postgresAlive also checks the process name where /proc exists, because
// after a reboot or in a fresh container the old pid often belongs to
// something else entirely.
func postgresAlive(pid int) bool {
	if pid <= 0 || pid == os.Getpid() {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return true
	}
	name := strings.TrimSpace(string(comm))
	return name == "postgres" || name == "postmaster"
}
