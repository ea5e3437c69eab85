package throwaway

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// initCluster runs initdb unless the directory already holds a cluster.
// C.UTF-8 gives UTF-8 character classes with byte-order collation that is
// the same everywhere; systems without that locale fall back to plain C.
func initCluster(ctx context.Context, bin, dir string, su *serverUser, log *slog.Logger) error {
	if hasCluster(dir) {
		return nil
	}
	started := time.Now()
	out, err := runInitdb(ctx, bin, dir, su, "--locale=C.UTF-8")
	if err != nil && strings.Contains(out, "invalid locale name") {
		log.Info("locale C.UTF-8 is not available; initialising PostgreSQL without a locale")
		out, err = runInitdb(ctx, bin, dir, su, "--no-locale")
	}
	if err != nil {
		return fmt.Errorf("initdb in %s: %w\n%s", dir, err, lastLines(out, 20))
	}
	log.Debug("initialised PostgreSQL cluster", "dir", dir, "took", time.Since(started))
	return nil
}

func runInitdb(ctx context.Context, bin, dir string, su *serverUser, localeFlag string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", filepath.Join(dir, dataSubdir), "-U", "postgres", "--auth=trust",
		"-E", "UTF8", localeFlag, "--no-sync")
	// The server user may not be able to enter our working directory
	// (/root, say), and initdb fails if it cannot.
	cmd.Dir = dir
	cmd.SysProcAttr = procAttr(su)
	// initdb runs postgres in single-user mode as its own child; cancelling
	// must take down the whole group, not just initdb.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	return string(out), err
}
