package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"marquee"
)

// Store is where backups live: an S3 bucket (S3Store) or a folder (Dir).
// Names are slash-separated paths such as "<id>/manifest.json" or
// "<id>/media/<key>"; every name passes checkName.
type Store interface {
	// Put stores body under name, replacing what was there; readers see
	// the old or the new file, never a part. size is body's length.
	Put(ctx context.Context, name string, body io.Reader, size int64) error
	// Get opens a file; a missing name is a marquee ENOTFOUND error.
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	// List returns every file whose name starts with prefix, with its
	// size, sorted by name.
	List(ctx context.Context, prefix string) ([]StoredFile, error)
	// Delete removes a file; a missing one is not an error.
	Delete(ctx context.Context, name string) error
}

// StoredFile is one file a Store holds.
type StoredFile struct {
	Name string
	Size int64
}

// checkName refuses names that could leave the store's root: empty
// segments, "." and "..", backslashes and control characters.
func checkName(name string) error {
	if name == "" || len(name) > 900 || strings.ContainsAny(name, "\\\x00") {
		return fmt.Errorf("backup store: bad name %q", name)
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".tmp-") {
			return fmt.Errorf("backup store: bad name %q", name)
		}
		for _, r := range seg {
			if r < 0x20 || r == 0x7f {
				return fmt.Errorf("backup store: bad name %q", name)
			}
		}
	}
	return nil
}

// Dir is a Store on a local folder (BACKUP_DIR): for one machine, or a
// mounted volume.
type Dir struct{ Root string }

var _ Store = Dir{}

func (d Dir) path(name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", marquee.Internal(err)
	}
	return filepath.Join(d.Root, filepath.FromSlash(name)), nil
}

// Put writes a temporary file beside the target, syncs it and renames it
// into place.
func (d Dir) Put(_ context.Context, name string, body io.Reader, size int64) (err error) {
	p, err := d.path(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return unavailable("put", name, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return unavailable("put", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	n, err := io.Copy(f, body)
	if err != nil {
		return unavailable("put", name, err)
	}
	if n != size {
		return marquee.Internal(fmt.Errorf("backup store: put %s: body has %d bytes, want %d", name, n, size))
	}
	if err := f.Sync(); err != nil {
		return unavailable("put", name, err)
	}
	if err := f.Close(); err != nil {
		return unavailable("put", name, err)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return unavailable("put", name, err)
	}
	return nil
}

// Get opens the file.
func (d Dir) Get(_ context.Context, name string) (io.ReadCloser, error) {
	p, err := d.path(name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, marquee.Wrap(marquee.ENOTFOUND, "backup.not_found", err)
	}
	if err != nil {
		return nil, unavailable("get", name, err)
	}
	return f, nil
}

// List walks the root; temporary files of unfinished Puts are left out.
func (d Dir) List(_ context.Context, prefix string) ([]StoredFile, error) {
	var out []StoredFile
	err := filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == d.Root {
				return fs.SkipAll
			}
			return err
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(d.Root, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if !strings.HasPrefix(name, prefix) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		out = append(out, StoredFile{Name: name, Size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, unavailable("list", prefix, err)
	}
	slices.SortFunc(out, func(a, b StoredFile) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Delete removes the file and the folders it leaves empty.
func (d Dir) Delete(_ context.Context, name string) error {
	p, err := d.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return unavailable("delete", name, err)
	}
	root := filepath.Clean(d.Root)
	for dir := filepath.Dir(p); dir != root && strings.HasPrefix(dir, root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil { // not empty (or gone): stop
			break
		}
	}
	return nil
}

// unavailable reports a store that failed: the page says to try again,
// the log says why.
func unavailable(op, name string, err error) error {
	return marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("backup store: %s %s: %w", op, name, err))
}
