package backup_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"marquee"
)

// TestS3StoreLargeFileGoesUpInParts puts a file past the part size (a big
// dump) through the real SDK's multipart upload to the S3-protocol server
// and reads back the same bytes; listing and deleting see one file.
func TestS3StoreLargeFileGoesUpInParts(t *testing.T) {
	ctx := context.Background()
	s := s3Backups(t, fakeS3(t, "backups")["backups"])
	body := randomBody(t, 64<<20+123_457)
	if err := s.Put(ctx, "20261207-090000-manual-abcdef/database.dump", bytes.NewReader(body), int64(len(body))); err != nil {
		t.Fatalf("Put: %v", err)
	}
	files, err := s.List(ctx, "20261207-090000-manual-abcdef/")
	if err != nil || len(files) != 1 || files[0].Size != int64(len(body)) {
		t.Fatalf("List = %+v, %v; want the one file of %d bytes", files, err, len(body))
	}
	r, err := s.Get(ctx, files[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || sum(got) != sum(body) {
		t.Errorf("read back %d bytes (%v), not the %d put", len(got), err, len(body))
	}
	if err := s.Delete(ctx, files[0].Name); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, files[0].Name); marquee.ErrorCode(err) != marquee.ENOTFOUND {
		t.Errorf("Get after Delete = %v, want ENOTFOUND", err)
	}
}
