package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"marquee"
	"marquee/branding/media/s3store"
)

// partSize is the size of a multipart upload's parts: files larger than
// this (a big dump) go up in parts, each retried on its own, and past S3's
// 5 GB limit of one PUT.
const partSize = 64 << 20

// S3Store is a Store on an S3 bucket (BACKUP_S3_BUCKET), under an optional
// prefix (BACKUP_S3_PREFIX). Configure the bucket with versioning or
// object lock if backups must survive a stolen key; this code deletes
// only through Delete (Prune and the console).
type S3Store struct {
	client *s3.Client
	bucket string
	prefix string // "" or ending in "/"
}

var _ Store = (*S3Store)(nil)

// NewS3Store reaches c.Bucket as media's s3store would (c.PublicBaseURL is
// ignored: backups are never public).
func NewS3Store(ctx context.Context, c s3store.Config, prefix string) (*S3Store, error) {
	client, err := s3store.NewClient(ctx, c)
	if err != nil {
		return nil, err
	}
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		if err := checkName(prefix); err != nil {
			return nil, err
		}
		prefix += "/"
	}
	return &S3Store{client: client, bucket: c.Bucket, prefix: prefix}, nil
}

// Put uploads body: in one PUT when it is small or cannot be read twice,
// else in parts.
func (s *S3Store) Put(ctx context.Context, name string, body io.Reader, size int64) error {
	if err := checkName(name); err != nil {
		return marquee.Internal(err)
	}
	if ra, ok := body.(io.ReaderAt); ok && size > partSize {
		return s.putParts(ctx, name, ra, size)
	}
	rs, ok := body.(io.ReadSeeker)
	if !ok { // a media object: small, read into memory so a retry can re-read it
		data, err := io.ReadAll(io.LimitReader(body, size+1))
		if err != nil {
			return unavailable("put", name, err)
		}
		rs = bytes.NewReader(data)
	}
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + name),
		Body: rs, ContentLength: aws.Int64(size)})
	if err != nil {
		return unavailable("put", name, err)
	}
	return nil
}

// putParts is a multipart upload of ra's size bytes; a failure aborts it,
// so no parts are left to pay for.
func (s *S3Store) putParts(ctx context.Context, name string, ra io.ReaderAt, size int64) error {
	key := aws.String(s.prefix + name)
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(s.bucket), Key: key})
	if err != nil {
		return unavailable("put", name, err)
	}
	var parts []types.CompletedPart
	for off, n := int64(0), int32(1); off < size; off, n = off+partSize, n+1 {
		length := min(partSize, size-off)
		out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(s.bucket), Key: key, UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: io.NewSectionReader(ra, off, length), ContentLength: aws.Int64(length)})
		if err != nil {
			s.abort(name, up.UploadId)
			return unavailable("put", name, err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(s.bucket), Key: key,
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		s.abort(name, up.UploadId)
		return unavailable("put", name, err)
	}
	return nil
}

func (s *S3Store) abort(name string, id *string) {
	_, _ = s.client.AbortMultipartUpload(context.Background(), &s3.AbortMultipartUploadInput{
		Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + name), UploadId: id})
}

// Get opens the object.
func (s *S3Store) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	if err := checkName(name); err != nil {
		return nil, marquee.Internal(err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + name)})
	if err != nil {
		if isNotFound(err) {
			return nil, marquee.Wrap(marquee.ENOTFOUND, "backup.not_found", err)
		}
		return nil, unavailable("get", name, err)
	}
	return out.Body, nil
}

// List pages through the bucket under prefix.
func (s *S3Store) List(ctx context.Context, prefix string) ([]StoredFile, error) {
	var out []StoredFile
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix + prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, unavailable("list", prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, StoredFile{Name: strings.TrimPrefix(aws.ToString(o.Key), s.prefix), Size: aws.ToInt64(o.Size)})
		}
	}
	return out, nil
}

// Delete removes the object.
func (s *S3Store) Delete(ctx context.Context, name string) error {
	if err := checkName(name); err != nil {
		return marquee.Internal(err)
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + name)})
	if err != nil && !isNotFound(err) {
		return unavailable("delete", name, err)
	}
	return nil
}

func isNotFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var api smithy.APIError
	return errors.As(err, &nsk) || errors.As(err, &nf) ||
		errors.As(err, &api) && (api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "NotFound")
}

// String names the store in logs.
func (s *S3Store) String() string { return fmt.Sprintf("s3://%s/%s", s.bucket, s.prefix) }
