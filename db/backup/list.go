package backup

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"marquee"
)

// List returns every backup in the store, newest first: complete ones from
// their manifests, incomplete ones (in progress, or left by a process that
// died) from their files.
func (e *Engine) List(ctx context.Context) ([]Backup, error) {
	files, err := e.Store.List(ctx, "")
	if err != nil {
		return nil, err
	}
	byID := map[string][]StoredFile{}
	for _, f := range files {
		id, _, ok := strings.Cut(f.Name, "/")
		if ok && CheckID(id) == nil {
			byID[id] = append(byID[id], f)
		}
	}
	out := make([]Backup, 0, len(byID))
	for id, fs := range byID {
		b, err := e.summarize(ctx, id, fs)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Backup) int { return strings.Compare(b.ID, a.ID) })
	return out, nil
}

// summarize reads one backup's manifest, or describes its files when it
// has none.
func (e *Engine) summarize(ctx context.Context, id string, files []StoredFile) (Backup, error) {
	for _, f := range files {
		if f.Name == id+"/"+manifestName {
			m, err := e.Manifest(ctx, id)
			if err != nil {
				return Backup{}, err
			}
			return m.Summary(f.Size), nil
		}
	}
	b := Backup{ID: id, Kind: idKind(id), State: StateIncomplete, CreatedAt: idTime(id)}
	for _, f := range files {
		b.Size += f.Size
		if strings.HasPrefix(f.Name, id+"/"+mediaDir) {
			b.Objects++
		}
	}
	return b, nil
}

// Manifest reads a complete backup's manifest; an unknown or incomplete
// backup is ENOTFOUND.
func (e *Engine) Manifest(ctx context.Context, id string) (Manifest, error) {
	if err := CheckID(id); err != nil {
		return Manifest{}, err
	}
	body, err := e.Store.Get(ctx, id+"/"+manifestName)
	if marquee.ErrorCode(err) == marquee.ENOTFOUND {
		return Manifest{}, notFound(id, errIncomplete)
	}
	if err != nil {
		return Manifest{}, err
	}
	defer body.Close()
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(body, 64<<20)).Decode(&m); err != nil {
		return Manifest{}, marquee.Internal(fmt.Errorf("backup %s: read the manifest: %w", id, err))
	}
	if m.ID != id || m.Format != ManifestFormat {
		return Manifest{}, marquee.Internal(fmt.Errorf("backup %s: the manifest names %q, format %d", id, m.ID, m.Format))
	}
	return m, nil
}

// Delete removes a backup, complete or not: the manifest first, so a
// deletion cut short leaves an incomplete backup (which Prune finishes),
// never a manifest naming missing files. An unknown ID is ENOTFOUND; while
// a backup or prune runs, ECONFLICT (backup.busy).
func (e *Engine) Delete(ctx context.Context, id string) error {
	if err := CheckID(id); err != nil {
		return err
	}
	unlock, err := e.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	files, err := e.Store.List(ctx, id+"/")
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return notFound(id, fmt.Errorf("no files"))
	}
	return e.deleteFiles(ctx, id)
}

func (e *Engine) deleteFiles(ctx context.Context, id string) error {
	if err := e.Store.Delete(ctx, id+"/"+manifestName); err != nil {
		return err
	}
	files, err := e.Store.List(ctx, id+"/")
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := e.Store.Delete(ctx, f.Name); err != nil {
			return err
		}
	}
	return nil
}

// Download is a complete backup as one tar file, for an operator to keep
// elsewhere: manifest.json, database.dump and media/<key> for each object,
// as in the store.
type Download struct {
	Filename string // "marquee-backup-<id>.tar"
	Size     int64  // the tar's exact length
	Body     io.ReadCloser
}

// Open streams a complete backup as a tar file (files are read from the
// store as the body is read); the caller closes Body. An unknown or
// incomplete backup is ENOTFOUND.
func (e *Engine) Open(ctx context.Context, id string) (Download, error) {
	m, err := e.Manifest(ctx, id)
	if err != nil {
		return Download{}, err
	}
	files, err := e.Store.List(ctx, id+"/")
	if err != nil {
		return Download{}, err
	}
	var size int64 = 1024 // the two zero blocks that end a tar
	entries := make([]StoredFile, 0, len(files))
	for _, f := range files {
		if strings.HasPrefix(f.Name, id+"/.") {
			continue
		}
		entries = append(entries, f)
		n, err := tarEntrySize(tarHeader(id, m.CreatedAt, f))
		if err != nil {
			return Download{}, marquee.Internal(err)
		}
		size += n
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(e.writeTar(ctx, pw, id, m.CreatedAt, entries)) }()
	return Download{Filename: "marquee-backup-" + id + ".tar", Size: size, Body: pr}, nil
}

func (e *Engine) writeTar(ctx context.Context, w io.Writer, id string, at time.Time, files []StoredFile) error {
	tw := tar.NewWriter(w)
	for _, f := range files {
		if err := tw.WriteHeader(tarHeader(id, at, f)); err != nil {
			return err
		}
		body, err := e.Store.Get(ctx, f.Name)
		if err != nil {
			return err
		}
		_, err = io.Copy(tw, body)
		body.Close()
		if err != nil {
			return err
		}
	}
	return tw.Close()
}

// tarHeader is the tar header of a stored file of backup id.
func tarHeader(id string, at time.Time, f StoredFile) *tar.Header {
	return &tar.Header{Name: strings.TrimPrefix(f.Name, id+"/"), Mode: 0o640, Size: f.Size, ModTime: at.Truncate(time.Second)}
}

// tarEntrySize is the bytes writeTar spends on hdr's file: its header
// blocks, as the tar package writes them (USTAR, or PAX records for what
// USTAR cannot hold), and the body rounded up to whole blocks.
func tarEntrySize(hdr *tar.Header) (int64, error) {
	var c countingWriter
	if err := tar.NewWriter(&c).WriteHeader(hdr); err != nil { // the body is never written: only the header is counted
		return 0, err
	}
	return int64(c) + (hdr.Size+511)/512*512, nil
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
