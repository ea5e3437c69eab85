//go:build unix && !linux

package throwaway

import "syscall"

// procAttr gives the child its own process group, so a Ctrl-C in the
// terminal reaches only our process (which then calls Stop). Only Linux has
// a parent-death signal; elsewhere a parent killed without a chance to call
// Stop leaves the server running, and the next Start on its directory
// reports it as in use.
func procAttr(su *serverUser) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Setpgid:    true,
		Credential: su.credential(),
	}
}
