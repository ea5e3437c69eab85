package throwaway

import (
	"context"
	"testing"
)

// TestHaltAndResume checks the outage a test can cause: a halted server
// refuses connections, and a resumed one answers at the same address with
// the data it had.
func TestHaltAndResume(t *testing.T) {
	s := start(t, "")
	execSQL(t, s.AdminURL(), "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")

	s.Halt()
	t.Run("a halted server refuses connections", func(t *testing.T) {
		assertRefused(t, s.Port())
	})

	if err := s.Resume(context.Background()); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	t.Run("a resumed server answers at the same address with its data", func(t *testing.T) {
		var n int
		queryRow(t, s.AdminURL(), "SELECT n FROM kept", nil, &n)
		if n != 42 {
			t.Fatalf("got %d, want 42", n)
		}
	})

	t.Run("Stop still stops it", func(t *testing.T) {
		if err := s.Stop(); err != nil {
			t.Fatal(err)
		}
		assertRefused(t, s.Port())
	})
}
