package throwaway

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
)

// serverUser is the OS account initdb and postgres run as when we are root,
// because both refuse to run as root.
type serverUser struct {
	uid, gid uint32
	groups   []uint32
}

// lookupServerUser returns nil when we are not root: then the server simply
// runs as ourselves.
func lookupServerUser() (*serverUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if errors.As(err, new(user.UnknownUserError)) {
		return nil, errors.New(`running as root, but there is no "postgres" OS user to run PostgreSQL as: ` +
			`create one (e.g. "useradd --system postgres") or run as an ordinary user`)
	}
	if err != nil {
		return nil, fmt.Errorf("look up OS user postgres: %w", err)
	}
	return newServerUser(u)
}

func newServerUser(u *user.User) (*serverUser, error) {
	uid, err := parseID(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("OS user postgres: uid: %w", err)
	}
	gid, err := parseID(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("OS user postgres: gid: %w", err)
	}
	groupIDs, err := u.GroupIds()
	if err != nil {
		return nil, fmt.Errorf("OS user postgres: groups: %w", err)
	}
	su := &serverUser{uid: uid, gid: gid}
	for _, g := range groupIDs {
		if id, err := parseID(g); err == nil {
			su.groups = append(su.groups, id)
		}
	}
	return su, nil
}

func parseID(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err
}

// credential is nil for a nil user so callers can assign it unconditionally.
func (u *serverUser) credential() *syscall.Credential {
	if u == nil {
		return nil
	}
	return &syscall.Credential{Uid: u.uid, Gid: u.gid, Groups: u.groups}
}

// chownTree hands the whole directory to the server user. Lchown, so that a
// symlink planted in the tree cannot redirect the change elsewhere.
func (u *serverUser) chownTree(dir string) error {
	if u == nil {
		return nil
	}
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(u.uid), int(u.gid))
	})
	if err != nil {
		return fmt.Errorf("give %s to OS user postgres: %w", dir, err)
	}
	return nil
}

// canReach reports whether the user may traverse every directory above dir;
// dir itself does not count because chownTree makes it theirs. Directories
// that do not exist yet will be created by us with mode 0755, so they count
// as reachable.
func (u *serverUser) canReach(dir string) bool {
	if u == nil {
		return true
	}
	p := existingAncestor(filepath.Dir(dir))
	for {
		if !u.canSearch(p) {
			return false
		}
		parent := filepath.Dir(p)
		if parent == p {
			return true
		}
		p = parent
	}
}

func existingAncestor(dir string) string {
	for {
		if resolved, err := filepath.EvalSymlinks(dir); err == nil {
			return resolved
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// canSearch applies the classic owner/group/other rule (ACLs are ignored).
func (u *serverUser) canSearch(dir string) bool {
	info, err := os.Stat(dir)
	if err != nil {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	perm := info.Mode().Perm()
	switch {
	case st.Uid == u.uid:
		return perm&0o100 != 0
	case st.Gid == u.gid || slices.Contains(u.groups, st.Gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// checkOwnedBy guards a shared, predictable path under the temp directory:
// someone else could have created it (or a symlink) first to read our data.
func (u *serverUser) checkOwnedBy(dir string) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect %s: %w", dir, err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !info.IsDir() || !ok || (st.Uid != 0 && st.Uid != u.uid) {
		return fmt.Errorf("%s exists but is not a directory owned by root or postgres; remove it and retry", dir)
	}
	return nil
}
