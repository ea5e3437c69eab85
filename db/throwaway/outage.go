package throwaway

import (
	"context"
	"time"
)

// Halt shuts the server down as `pg_ctl stop -m fast` does (sessions are
// terminated, open transactions rolled back) but keeps its cluster and its
// port, so that Resume brings the same databases back at the same address:
// for tests of a database outage. Stop still works after it.
func (s *Server) Halt() {
	s.proc.shutdown(10*time.Second, s.log)
}

// Resume starts a halted server again on its port and returns once it
// accepts connections. Halt then Resume is `pg_ctl restart -m fast`.
func (s *Server) Resume(ctx context.Context) error {
	bin, err := FindBinaries()
	if err != nil {
		return err
	}
	if err := s.spawn(bin); err != nil {
		return err
	}
	if err := s.waitReady(ctx); err != nil {
		s.proc.kill()
		return err
	}
	return nil
}
