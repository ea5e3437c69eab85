package throwaway

import (
	"io"
	"os"
	"strings"
)

// logTail returns the last lines the server wrote since offset, which is
// where this run's part of a possibly long-lived log begins.
func logTail(path string, offset int64, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return "(no server log: " + err.Error() + ")"
	}
	defer f.Close()
	// Only the end matters, and a persistent log can grow large.
	if info, err := f.Stat(); err == nil {
		offset = max(offset, info.Size()-64<<10)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return "(unreadable server log: " + err.Error() + ")"
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return "(unreadable server log: " + err.Error() + ")"
	}
	return lastLines(string(b), n)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
