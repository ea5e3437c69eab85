package throwaway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// errPortTaken marks a start that failed only because another process bound
// our port between freePort closing it and postgres binding it.
var errPortTaken = errors.New("port taken before PostgreSQL could bind it")

// child is one run of the postmaster.
type child struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has been reaped
	err    error         // Wait's result; read it only after exited is closed
}

// launchOnFreePort retries with a new port when the old one was taken.
func (s *Server) launchOnFreePort(ctx context.Context, bin string) error {
	var err error
	for range 5 {
		err = s.launch(ctx, bin)
		if !errors.Is(err, errPortTaken) {
			return err
		}
		s.log.Debug("PostgreSQL could not bind its port; retrying with another", "port", s.port)
	}
	return err
}

func (s *Server) launch(ctx context.Context, bin string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.port = port
	if err := s.spawn(bin); err != nil {
		return err
	}
	if err := s.waitReady(ctx); err != nil {
		s.proc.kill()
		return err
	}
	return nil
}

// freePort asks the kernel for an unused port. Closing the listener before
// postgres binds leaves a small race, which launchOnFreePort absorbs.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) spawn(bin string) error {
	logFile, err := os.OpenFile(s.logPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open PostgreSQL log: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor
	if info, err := logFile.Stat(); err == nil {
		s.logOffset = info.Size()
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), s.serverArgs()...)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = procAttr(s.su)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c := &child{cmd: cmd, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	s.proc = c
	return nil
}

func (s *Server) serverArgs() []string {
	args := []string{
		"-D", filepath.Join(s.dir, dataSubdir),
		"-p", strconv.Itoa(s.port),
		"-k", s.socketDir(),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200",
	}
	if s.temp {
		// Durability buys nothing for data that Stop deletes, and these make
		// test suites that create many databases noticeably faster.
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	return args
}

// socketDir returns "" (no Unix socket at all) when the socket's path would
// not fit in a socket address (103 bytes on macOS, 107 on Linux); clients
// here use TCP anyway. A private directory keeps the socket and its lock
// file clear of a system server's /var/run/postgresql.
func (s *Server) socketDir() string {
	sock := filepath.Join(s.dir, socketSubdir)
	if len(sock)+len("/.s.PGSQL.65535") > 103 {
		return ""
	}
	return sock
}

func (s *Server) logPath() string { return filepath.Join(s.dir, logName) }

// waitReady polls with real connections rather than watching the log, since
// a connection is the only proof that clients will get in.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		err := s.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-s.proc.exited:
			return s.exitedError()
		case <-ctx.Done():
			return fmt.Errorf("PostgreSQL in %s did not accept connections: %w (last attempt: %v); its log ends:\n%s",
				s.dir, ctx.Err(), err, logTail(s.logPath(), s.logOffset, 20))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.AdminURL())
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

func (s *Server) exitedError() error {
	tail := logTail(s.logPath(), s.logOffset, 20)
	if strings.Contains(tail, "could not create any TCP/IP sockets") {
		return fmt.Errorf("%w (port %d); its log ends:\n%s", errPortTaken, s.port, tail)
	}
	return fmt.Errorf("postgres in %s exited during startup (%v); its log ends:\n%s", s.dir, s.proc.err, tail)
}

// shutdown asks for a fast shutdown (SIGINT: open transactions are rolled
// back, then a checkpoint) and kills the process group when that hangs.
func (c *child) shutdown(grace time.Duration, log *slog.Logger) {
	select {
	case <-c.exited:
		log.Warn("PostgreSQL had already exited", "err", c.err)
		return
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGINT); err == nil {
		select {
		case <-c.exited:
			return
		case <-time.After(grace):
		}
	}
	log.Warn("PostgreSQL did not shut down in time; killing it", "grace", grace)
	c.kill()
}

// kill signals the whole process group so that backends die with the
// postmaster instead of lingering until they notice it is gone.
func (c *child) kill() {
	select {
	case <-c.exited:
		return
	default:
	}
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL) // fails only if already gone
	<-c.exited
}
