package throwaway

import "syscall"

// procAttr gives the child its own process group, so a Ctrl-C in the
// terminal reaches only our process (which then calls Stop), and a
// parent-death signal, so a killed parent does not leave a server behind.
//
// Pdeathsig and Credential together are safe: the kernel clears a process's
// parent-death signal whenever its uid or gid changes (commit_creds), but
// forkAndExecInChild1 in $GOROOT/src/syscall/exec_linux.go (Go 1.26) runs
// setgroups/setgid/setuid first, then chdir, and only then
// prctl(PR_SET_PDEATHSIG), followed by a getppid check that signals the
// child at once if the parent already died; execve of postgres (not a
// set-uid binary) keeps the setting. Caveat from the same source
// (go.dev/issue/27505): the signal fires when the forking OS *thread* exits.
// Go ends a thread only when a goroutine locked to it with
// runtime.LockOSThread exits, so do not call Start from such a goroutine.
//
// SIGQUIT makes the postmaster do an immediate shutdown: it tells its
// backends to quit and exits without a checkpoint, which is what we want
// for a server nobody is talking to any more.
func procAttr(su *serverUser) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  syscall.SIGQUIT,
		Credential: su.credential(),
	}
}
