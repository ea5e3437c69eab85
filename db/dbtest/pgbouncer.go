package dbtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"marquee/db"
)

// PoolerExecMode is what a DATABASE_URL through PgBouncer 1.18 in
// transaction pooling mode carries: pgx caches statements' descriptions
// and runs them as unnamed statements, which any server connection takes,
// instead of the named prepared statements a pooled server connection of
// another client would not know.
const PoolerExecMode = "default_query_exec_mode=cache_describe"

// PgBouncer is Debian's pgbouncer running on loopback in transaction
// pooling mode in front of one test database, as the schema's owner.
type PgBouncer struct {
	// URL reaches the database through the pooler: a DATABASE_URL.
	URL string

	mu  sync.Mutex
	log strings.Builder
}

// Log is what pgbouncer has written so far.
func (p *PgBouncer) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// PgBouncer starts pgbouncer in transaction pooling mode in front of d
// with at most poolSize server connections, stopped when the test ends.
// Clients log in as anyone (auth_type any); pgbouncer logs in to Postgres
// as the owner, as a deployment's pooler does with DATABASE_URL's user.
func (d *Database) PgBouncer(t testing.TB, poolSize int) *PgBouncer {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		bin = "/usr/sbin/pgbouncer"
		if _, statErr := os.Stat(bin); statErr != nil {
			t.Fatal("pgbouncer is not installed (apt-get install pgbouncer; .ci/run installs it): the pooler tests need the real one")
		}
	}
	server, err := pgx.ParseConfig(d.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	// pgbouncer refuses to run as root; it switches to postgres (-u), which
	// must read the configuration: a directory of its own under /tmp.
	dir, err := os.MkdirTemp("", "pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{}
	if os.Getuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			t.Fatalf("running as root, pgbouncer needs a postgres OS user to run as: %v", err)
		}
		args = append(args, "-u", "postgres")
	}
	port := freePort(t)
	cfg := fmt.Sprintf(`[databases]
%s = host=%s port=%d dbname=%s user=%s password=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = %d
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 500
ignore_startup_parameters = extra_float_digits
server_check_delay = 0
`, d.Name, server.Host, server.Port, d.Name, server.User, server.Password, port, poolSize)
	file := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(file, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &PgBouncer{URL: fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable&%s",
		url.PathEscape(server.User), url.PathEscape(server.Password), port, d.Name, PoolerExecMode)}
	cmd := exec.Command(bin, append(args, file)...)
	out, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pgbouncer: %v", err)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-copied
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pgbouncer did not listen on %d: %v\n%s", port, err, p.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// One query through it, so a configuration mistake fails here.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.URL)
	if err == nil {
		err = conn.Ping(ctx)
		conn.Close(ctx)
	}
	if err != nil {
		t.Fatalf("connect through pgbouncer: %v\n%s", err, p.Log())
	}
	return p
}

// freePort is a loopback TCP port nobody listens on right now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// QueryRowAsApp runs one query as db.AppRole in a transaction of its own
// without a tenant, as a stray query of the app would, and scans its row.
// The pool's connections keep their login role (each transaction of the
// app switches itself), so a bare Pool.QueryRow would run as the owner.
func QueryRowAsApp(ctx context.Context, database *db.DB, sql string, dest ...any) error {
	return pgx.BeginFunc(ctx, database.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+db.AppRole); err != nil {
			return err
		}
		return tx.QueryRow(ctx, sql).Scan(dest...)
	})
}
