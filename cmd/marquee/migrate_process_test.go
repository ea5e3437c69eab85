package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
)

// Two pods run `marquee migrate up` at the same moment on a database with
// every migration pending: one applies each migration, the other waits for
// its advisory lock and then has nothing to apply. The test holds the lock
// until both are waiting, so that they race for it when it is released.
func TestTwoMigrateUpProcessesApplyEachMigrationOnce(t *testing.T) {
	ctx := context.Background()
	d := dbtest.NewEmpty(t)
	holder, err := pgx.Connect(ctx, d.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_lock($1)", db.MigrationLockID); err != nil {
		t.Fatal(err)
	}
	bin := marqueeBinary(t)
	outs := make([]string, 2)
	waiting := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i := range outs {
		cmd := exec.Command(bin, "migrate", "up")
		cmd.Env = append(os.Environ(), "DATABASE_URL="+d.OwnerURL)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out strings.Builder
			for lines := bufio.NewScanner(stdout); lines.Scan(); {
				out.WriteString(lines.Text() + "\n")
				if strings.HasPrefix(lines.Text(), "waiting for another migrate up") {
					waiting <- struct{}{}
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("migrate up %d: %v\n%s", i, err, out.String())
			}
			outs[i] = out.String()
		}()
	}
	bothWaited := true
	for range outs {
		select {
		case <-waiting:
		case <-time.After(time.Minute):
			bothWaited = false
		}
	}
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_unlock($1)", db.MigrationLockID); err != nil {
		t.Error(err)
	}
	wg.Wait()
	if !bothWaited {
		t.Fatalf("the two processes did not both wait for the held lock:\n%s\n---\n%s", outs[0], outs[1])
	}
	for i, out := range outs {
		t.Logf("migrate up %d printed %d lines, the last: %q", i, strings.Count(out, "\n"), out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:])
	}
	applied := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^applied (\S+)$`).FindAllStringSubmatch(strings.Join(outs, "\n"), -1) {
		applied[m[1]]++
	}
	files, err := os.ReadDir("../../db/migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if applied[f.Name()] != 1 {
			t.Errorf("%s applied %d times, want once", f.Name(), applied[f.Name()])
		}
	}
	if !strings.Contains(outs[0]+outs[1], "nothing to apply") {
		t.Errorf("neither run found nothing to apply:\n%s\n---\n%s", outs[0], outs[1])
	}
}
