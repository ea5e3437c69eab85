// Package throwaway runs a private PostgreSQL server as a child process, for
// `marquee dev` and for tests: no system service, no pg_ctl, no password.
package throwaway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"
)

// Options configures Start.
type Options struct {
	// Dir is the server's directory. "" means a fresh temporary directory
	// that Stop removes; otherwise the directory is kept, and a cluster
	// already in it is reused, so development data survives restarts.
	Dir string
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
}

// Server is a running PostgreSQL server owned by this process.
type Server struct {
	dir  string
	temp bool
	su   *serverUser
	log  *slog.Logger

	port      int
	logOffset int64  // where this run's part of postgres.log begins
	proc      *child // nil until the postmaster has been spawned

	stopOnce sync.Once
	stopErr  error
}

// Start initialises a cluster when the directory has none, starts the
// server on a free port of 127.0.0.1 and returns once it accepts connections.
// ctx bounds only the start; the server runs until Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	started := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	su, err := lookupServerUser()
	if err != nil {
		return nil, err
	}
	dir, temp, err := resolveDir(opts.Dir, su, log)
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, temp: temp, su: su, log: log}
	if err := s.boot(ctx, bin); err != nil {
		// launch has already killed any postmaster it spawned.
		return nil, errors.Join(err, s.removeTemp())
	}
	log.Debug("started PostgreSQL", "dir", dir, "port", s.port, "bin", bin, "took", time.Since(started))
	return s, nil
}

func (s *Server) boot(ctx context.Context, bin string) error {
	if err := clearStalePid(s.dir); err != nil {
		return err
	}
	if err := prepareLayout(s.dir, s.su); err != nil {
		return err
	}
	if err := initCluster(ctx, bin, s.dir, s.su, s.log); err != nil {
		return err
	}
	return s.launchOnFreePort(ctx, bin)
}

// Port returns the TCP port the server listens on at 127.0.0.1.
func (s *Server) Port() int { return s.port }

// Dir returns the directory actually in use, which differs from Options.Dir
// when that was empty or out of the postgres OS user's reach.
func (s *Server) Dir() string { return s.dir }

// AdminURL returns a superuser connection URL for the "postgres" database.
func (s *Server) AdminURL() string { return s.roleURL("postgres", "postgres") }

func (s *Server) roleURL(role, database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(role),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Stop shuts the server down and removes its directory when it was
// temporary. Later calls return the first call's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	started := time.Now()
	s.proc.shutdown(10*time.Second, s.log)
	if err := s.removeTemp(); err != nil {
		return err
	}
	s.log.Debug("stopped PostgreSQL", "dir", s.dir, "took", time.Since(started))
	return nil
}

func (s *Server) removeTemp() error {
	if !s.temp {
		return nil
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("remove temporary PostgreSQL directory: %w", err)
	}
	return nil
}
