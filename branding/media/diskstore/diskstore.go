// Package diskstore keeps media in a folder: the development default, and
// a fallback for a single-machine install. The app serves its objects at
// /media/<key> with Serve.
//
// Under the root, objects/<key> holds the bytes exactly as uploaded and
// meta/<key> a small JSON document with the content type and cache
// control; both trees have the same shape, so any key that fits one fits
// the other. All access goes through an os.Root, so even a key that slipped
// past media.CheckKey could not reach outside the folder.
package diskstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"syscall"

	"marquee"
	"marquee/branding/media"
)

var _ media.Store = (*Store)(nil)

const (
	objectsDir = "objects"
	metaDir    = "meta"
)

// Store is a media.Store on a local folder; safe for concurrent use.
type Store struct {
	root *os.Root
}

// meta is what a meta/<key> file holds.
type meta struct {
	ContentType  string `json:"content_type"`
	CacheControl string `json:"cache_control,omitempty"`
}

// New opens a store on dir, creating the folder if needed. Close releases
// it.
func New(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("diskstore: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("diskstore: %w", err)
	}
	return &Store{root: root}, nil
}

// Close releases the folder.
func (s *Store) Close() error { return s.root.Close() }

// Put writes the metadata, then the object, each to a temporary file
// renamed into place: a reader finds no object or a whole one, never a
// part. (Rewriting a key with another content type could briefly pair the
// old bytes with the new type; content-hash keys are never rewritten so.)
func (s *Store) Put(ctx context.Context, obj media.Object, body io.Reader) error {
	if err := media.CheckKey(obj.Key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return marquee.Internal(err)
	}
	m, err := json.Marshal(meta{ContentType: obj.ContentType, CacheControl: obj.CacheControl})
	if err != nil {
		return marquee.Internal(err)
	}
	if err := s.writeAtomic(path.Join(metaDir, obj.Key), bytes.NewReader(m), 0); err != nil {
		return marquee.Internal(fmt.Errorf("diskstore: put %s: %w", obj.Key, err))
	}
	if err := s.writeAtomic(path.Join(objectsDir, obj.Key), body, obj.Size); err != nil {
		return marquee.Internal(fmt.Errorf("diskstore: put %s: %w", obj.Key, err))
	}
	return nil
}

// writeAtomic copies r to a temporary file beside name, syncs it and
// renames it over name. When size is not zero, a body of another length is
// refused before the rename. Temporary names start with "." and hold
// capitals, which no key can.
func (s *Store) writeAtomic(name string, r io.Reader, size int64) (err error) {
	if err := s.root.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	tmp := path.Join(path.Dir(name), ".tmp-"+rand.Text())
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = s.root.Remove(tmp)
		}
	}()
	if size > 0 {
		r = io.LimitReader(r, size+1) // a wrong size fails before the disk fills
	}
	n, err := io.Copy(f, r)
	if err == nil && size > 0 && n != size {
		err = fmt.Errorf("body has %d bytes or more, object says %d", n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return s.root.Rename(tmp, name)
}

// Get opens an object for reading.
func (s *Store) Get(_ context.Context, key string) (io.ReadCloser, media.Object, error) {
	return s.Open(key)
}

// Open opens an object for serving: the file is seekable and has a
// modification time, as http.ServeContent wants. A missing key, or one
// that names a folder, is a marquee ENOTFOUND error.
func (s *Store) Open(key string) (*os.File, media.Object, error) {
	if err := media.CheckKey(key); err != nil {
		return nil, media.Object{}, err
	}
	f, err := s.root.Open(path.Join(objectsDir, key))
	if err != nil {
		return nil, media.Object{}, fileError(key, err)
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		_ = f.Close()
		return nil, media.Object{}, fileError(key, err)
	}
	m, err := s.readMeta(key)
	if err != nil {
		_ = f.Close()
		return nil, media.Object{}, marquee.Internal(fmt.Errorf("diskstore: metadata of %s: %w", key, err))
	}
	return f, media.Object{Key: key, ContentType: m.ContentType, CacheControl: m.CacheControl, Size: info.Size()}, nil
}

// readMeta reads an object's metadata. An object copied in by hand has
// none: its type then follows its extension.
func (s *Store) readMeta(key string) (meta, error) {
	var m meta
	data, err := s.root.ReadFile(path.Join(metaDir, key))
	if errors.Is(err, fs.ErrNotExist) {
		m.ContentType = mime.TypeByExtension(path.Ext(key))
		if m.ContentType == "" {
			m.ContentType = "application/octet-stream"
		}
		return m, nil
	}
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(data, &m)
}

// Delete removes an object, then its metadata. A missing key, or one that
// names a folder, is not an error.
func (s *Store) Delete(_ context.Context, key string) error {
	if err := media.CheckKey(key); err != nil {
		return err
	}
	for _, name := range []string{path.Join(objectsDir, key), path.Join(metaDir, key)} {
		info, err := s.root.Lstat(name)
		if isMissing(err) || err == nil && info.IsDir() {
			continue
		}
		if err == nil {
			err = s.root.Remove(name)
		}
		if err != nil && !isMissing(err) {
			return marquee.Internal(fmt.Errorf("diskstore: delete %s: %w", key, err))
		}
	}
	return nil
}

// URL returns the app's own path for the object.
func (s *Store) URL(_ context.Context, key string) (string, error) {
	if err := media.CheckKey(key); err != nil {
		return "", err
	}
	return "/media/" + key, nil
}

func fileError(key string, err error) error {
	if isMissing(err) {
		return media.NotFound(fmt.Errorf("diskstore: %s: %w", key, err))
	}
	return marquee.Internal(fmt.Errorf("diskstore: %s: %w", key, err))
}

// isMissing also counts ENOTDIR: under "a/b.png" a file, "a/b.png/c" is
// simply not there.
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
