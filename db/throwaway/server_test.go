package throwaway

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestTemporaryServer(t *testing.T) {
	s := start(t, "")

	t.Run("the admin URL is a superuser on database postgres", func(t *testing.T) {
		var one int
		var user, database string
		var super bool
		queryRow(t, s.AdminURL(),
			"select 1, current_user, current_database(), (select rolsuper from pg_roles where rolname = current_user)",
			nil, &one, &user, &database, &super)
		if one != 1 || user != "postgres" || database != "postgres" || !super {
			t.Errorf("got %d %s %s super=%v, want 1 postgres postgres super=true", one, user, database, super)
		}
	})

	t.Run("it listens on 127.0.0.1 at Port", func(t *testing.T) {
		want := fmt.Sprintf("@127.0.0.1:%d/", s.Port())
		if !strings.Contains(s.AdminURL(), want) {
			t.Errorf("AdminURL %s does not contain %s", s.AdminURL(), want)
		}
	})

	t.Run("durability is off because the data is thrown away", func(t *testing.T) {
		var fsync string
		queryRow(t, s.AdminURL(), "show fsync", nil, &fsync)
		if fsync != "off" {
			t.Errorf("fsync = %s, want off", fsync)
		}
	})

	t.Run("Stop removes the directory and closes the port", func(t *testing.T) {
		if err := s.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if _, err := os.Stat(s.Dir()); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still there after Stop (stat: %v)", s.Dir(), err)
		}
		assertRefused(t, s.Port())
		if err := s.Stop(); err != nil {
			t.Errorf("second Stop: %v", err)
		}
	})
}

func TestEnsureOwnerDatabase(t *testing.T) {
	s := start(t, "")
	ctx := context.Background()
	first, err := s.EnsureOwnerDatabase(ctx, "shop owner", "shop-db")
	if err != nil {
		t.Fatalf("EnsureOwnerDatabase: %v", err)
	}

	t.Run("a second call returns the same URL", func(t *testing.T) {
		second, err := s.EnsureOwnerDatabase(ctx, "shop owner", "shop-db")
		if err != nil {
			t.Fatalf("second EnsureOwnerDatabase: %v", err)
		}
		if second != first {
			t.Errorf("second URL %s, first %s", second, first)
		}
	})

	t.Run("the role logs in, may create roles and is not a superuser", func(t *testing.T) {
		var login, createRole, super bool
		queryRow(t, s.AdminURL(), "select rolcanlogin, rolcreaterole, rolsuper from pg_roles where rolname = $1",
			[]any{"shop owner"}, &login, &createRole, &super)
		if !login || !createRole || super {
			t.Errorf("login=%v createrole=%v superuser=%v, want true true false", login, createRole, super)
		}
	})

	t.Run("the role owns the database", func(t *testing.T) {
		var owner string
		queryRow(t, s.AdminURL(), "select pg_get_userbyid(datdba) from pg_database where datname = $1",
			[]any{"shop-db"}, &owner)
		if owner != "shop owner" {
			t.Errorf("owner = %q, want %q", owner, "shop owner")
		}
	})

	t.Run("the URL connects as the role to the database and may create tables", func(t *testing.T) {
		var user, database string
		queryRow(t, first, "select current_user, current_database()", nil, &user, &database)
		if user != "shop owner" || database != "shop-db" {
			t.Errorf("connected as %q to %q", user, database)
		}
		execSQL(t, first, "create table t (id int)")
	})
}

func TestPersistentDir(t *testing.T) {
	dir := persistentDir(t)
	s := start(t, dir)
	execSQL(t, s.AdminURL(), "create table kept (note text); insert into kept values ('survives restarts')")
	stop(t, s)

	t.Run("the directory is kept", func(t *testing.T) {
		if !hasCluster(s.Dir()) {
			t.Errorf("no cluster left in %s", s.Dir())
		}
	})

	t.Run("a second start on it sees the data", func(t *testing.T) {
		again := start(t, dir)
		if again.Dir() != s.Dir() {
			t.Errorf("second start used %s, first %s", again.Dir(), s.Dir())
		}
		var note string
		queryRow(t, again.AdminURL(), "select note from kept", nil, &note)
		if note != "survives restarts" {
			t.Errorf("note = %q", note)
		}
	})

	t.Run("durability stays on", func(t *testing.T) {
		again := start(t, dir)
		var fsync string
		queryRow(t, again.AdminURL(), "show fsync", nil, &fsync)
		if fsync != "on" {
			t.Errorf("fsync = %s, want on", fsync)
		}
	})
}

func TestPersistentDirInUse(t *testing.T) {
	dir := persistentDir(t)
	first := start(t, dir)
	second, err := Start(context.Background(), Options{Dir: dir, Logger: testLogger(t)})
	if err == nil {
		second.Stop()
		t.Fatal("a second server started on a directory in use")
	}
	want := fmt.Sprintf("%s is in use by another PostgreSQL server (pid %d)", first.Dir(), first.proc.cmd.Process.Pid)
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	queryRow(t, first.AdminURL(), "select 1", nil, new(int))
}

func TestStalePidFileIsRemoved(t *testing.T) {
	dir := persistentDir(t)
	stop(t, start(t, dir))
	pidFile := filepath.Join(dir, dataSubdir, "postmaster.pid")
	stale := fmt.Sprintf("%d\n%s\n", deadPid(t), filepath.Join(dir, dataSubdir))
	if err := os.WriteFile(pidFile, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	s := start(t, dir)
	queryRow(t, s.AdminURL(), "select 1", nil, new(int))
}

func TestUnreachableDirIsReplaced(t *testing.T) {
	// t.TempDir's parent has mode 0700 and belongs to us, so when we are
	// root the postgres user cannot reach anything below it.
	requested := filepath.Join(t.TempDir(), "pg")
	var logs bytes.Buffer
	s, err := Start(context.Background(), Options{Dir: requested, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(s.Dir()) })
	stop(t, s)

	if os.Geteuid() != 0 {
		if s.Dir() != requested {
			t.Errorf("not root, yet used %s instead of %s", s.Dir(), requested)
		}
		return
	}
	t.Run("a directory under the temp dir named after the request is used", func(t *testing.T) {
		if filepath.Dir(s.Dir()) != filepath.Clean(os.TempDir()) || !strings.HasPrefix(filepath.Base(s.Dir()), "marquee-pg-") {
			t.Errorf("used %s", s.Dir())
		}
		if !hasCluster(s.Dir()) {
			t.Errorf("the replacement %s was not kept", s.Dir())
		}
	})
	t.Run("the switch is logged at Info", func(t *testing.T) {
		if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), s.Dir()) {
			t.Errorf("log does not mention %s at Info:\n%s", s.Dir(), logs.String())
		}
	})
	t.Run("the next start picks the same replacement", func(t *testing.T) {
		if again := start(t, requested); again.Dir() != s.Dir() {
			t.Errorf("second start used %s, first %s", again.Dir(), s.Dir())
		}
	})
}

func TestKilledParentLeavesNoServer(t *testing.T) {
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperServer$")
	helper.Env = append(os.Environ(), "THROWAWAY_HELPER=1")
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	var pid, port int
	var dir string
	if _, err := fmt.Fscanln(bufio.NewReader(out), &pid, &port, &dir); err != nil {
		helper.Process.Kill()
		t.Fatalf("helper did not report its server: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // nobody was left to call Stop
	helper.Process.Kill()
	helper.Wait()

	deadline := time.Now().Add(10 * time.Second)
	for processRunning(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if processRunning(pid) {
		syscall.Kill(-pid, syscall.SIGKILL)
		t.Fatalf("postgres (pid %d) still runs 10s after its parent was killed", pid)
	}
	assertRefused(t, port)
}

// TestHelperServer is the parent that TestKilledParentLeavesNoServer kills.
func TestHelperServer(t *testing.T) {
	if os.Getenv("THROWAWAY_HELPER") != "1" {
		return
	}
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(s.proc.cmd.Process.Pid, s.Port(), s.Dir())
	time.Sleep(time.Minute)
}

func start(t *testing.T, dir string) *Server {
	t.Helper()
	began := time.Now()
	s, err := Start(context.Background(), Options{Dir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("started in %v", time.Since(began))
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return s
}

func stop(t *testing.T, s *Server) {
	t.Helper()
	began := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("stopped in %v", time.Since(began))
}

// persistentDir sits directly in the temp directory and is open to all,
// unlike t.TempDir, whose 0700 parent the postgres user cannot cross when
// we are root.
func persistentDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "throwaway-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// queryRow runs a one-row query on a fresh connection and scans it into dest.
func queryRow(t *testing.T, url, sql string, args []any, dest ...any) {
	t.Helper()
	if err := connect(t, url).QueryRow(context.Background(), sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	if _, err := connect(t, url).Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func assertRefused(t *testing.T, port int) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err == nil {
		conn.Close()
		t.Errorf("port %d still accepts connections", port)
	}
}

// deadPid returns the pid of a process that has come and gone.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// processRunning treats a zombie as gone: it no longer serves anything,
// and whether it is reaped depends on the container's init.
func processRunning(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func TestDirTooDeepForUnixSocket(t *testing.T) {
	dir := filepath.Join(persistentDir(t), strings.Repeat("d", 100))
	s := start(t, dir)
	queryRow(t, s.AdminURL(), "select 1", nil, new(int))
	var sockets string
	queryRow(t, s.AdminURL(), "show unix_socket_directories", nil, &sockets)
	if sockets != "" {
		t.Errorf("unix_socket_directories = %q, want none", sockets)
	}
}

// TestPersistentDirWithMissingParents is marquee dev's case: the data
// directory is .marquee/dev/postgres in a fresh checkout, so its parents do
// not exist yet and must be created traversable for the server user.
func TestPersistentDirWithMissingParents(t *testing.T) {
	dir := filepath.Join(persistentDir(t), ".marquee", "dev", "postgres")
	s := start(t, dir)
	if s.Dir() != dir {
		t.Fatalf("started in %s, want %s", s.Dir(), dir)
	}
	execSQL(t, s.AdminURL(), "select 1")
}
