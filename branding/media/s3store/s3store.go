// Package s3store keeps media in an S3 bucket, or on any server that speaks
// the S3 protocol (MinIO, Ceph, R2 …) through Config.Endpoint. Browsers
// fetch objects straight from the bucket: by its public base URL when one
// is configured, else by a presigned URL valid for an hour.
package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"marquee"
	"marquee/branding/media"
)

var _ media.Store = (*Store)(nil)

// PresignExpiry is how long, at least, a presigned URL stays valid after
// URL returns it.
const PresignExpiry = time.Hour

// presignWindow steadies presigned URLs: each is signed as of the start of
// the current half hour (and lives PresignExpiry beyond its end), so every
// page rendered in that half hour links to the same URL and browsers reuse
// the immutable copy they hold instead of fetching it again under a new
// signature.
const presignWindow = 30 * time.Minute

// Config says which bucket to use and how to reach it.
type Config struct {
	Bucket string
	Region string // required: presigned URLs and SigV4 name it
	// Endpoint is an S3-compatible server's base URL, for example
	// "http://127.0.0.1:9000"; empty means AWS.
	Endpoint string
	// PathStyle puts the bucket in the path (host/bucket/key) instead of
	// the host name, as most S3-compatible servers want.
	PathStyle bool
	// PublicBaseURL, when set, is where the bucket's objects are public
	// (a CDN or the bucket's website); URL then returns PublicBaseURL/key.
	// Otherwise URL presigns a GET valid for at least PresignExpiry.
	PublicBaseURL string
	// AccessKeyID and SecretAccessKey, both or neither; neither means the
	// SDK's default chain (environment, shared files, instance role).
	AccessKeyID     string
	SecretAccessKey string
	// HTTPClient replaces the SDK's client, for example to trust a test
	// server's certificate. It is set on the S3 client's options rather
	// than through config.WithHTTPClient, which fails when AWS_CA_BUNDLE
	// is set.
	HTTPClient *http.Client
}

// Validate reports the first missing or malformed setting.
func (c Config) Validate() error {
	switch {
	case c.Bucket == "":
		return errors.New("s3store: bucket is required")
	case c.Region == "":
		return errors.New("s3store: region is required")
	case (c.AccessKeyID == "") != (c.SecretAccessKey == ""):
		return errors.New("s3store: set both the access key ID and the secret access key, or neither")
	}
	for _, u := range []struct{ name, raw string }{{"endpoint", c.Endpoint}, {"public base URL", c.PublicBaseURL}} {
		name, raw := u.name, u.raw
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("s3store: %s %q is not an http(s) URL", name, raw)
		}
	}
	return nil
}

// Store is a media.Store on one S3 bucket; safe for concurrent use.
type Store struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	public  string // PublicBaseURL without its trailing slash
}

// New builds the S3 client. It makes no request: a wrong bucket or
// credentials show on the first Put or Get.
func New(ctx context.Context, c Config) (*Store, error) {
	client, err := NewClient(ctx, c)
	if err != nil {
		return nil, err
	}
	return &Store{
		client:  client,
		presign: newPresignClient(client),
		bucket:  c.Bucket,
		public:  strings.TrimRight(c.PublicBaseURL, "/"),
	}, nil
}

// NewClient is the S3 client New builds for c, for other buckets of the
// platform (the backups' BACKUP_S3_BUCKET) configured the same way.
func NewClient(ctx context.Context, c Config) (*s3.Client, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(c.Region)}
	if c.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3store: %w", err)
	}
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		o.UsePathStyle = c.PathStyle
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		// Checksums only where S3 requires them: by default the SDK
		// sends bodies aws-chunked with a trailing checksum, which some
		// S3-compatible servers store verbatim as the object.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		if c.HTTPClient != nil {
			o.HTTPClient = c.HTTPClient
		}
	}), nil
}

// newPresignClient presigns GETs valid for PresignExpiry past the end of
// the current presignWindow.
func newPresignClient(client *s3.Client) *s3.PresignClient {
	return s3.NewPresignClient(client, func(o *s3.PresignOptions) {
		o.Expires = PresignExpiry + presignWindow
		o.Presigner = steadyPresigner{v4.NewSigner(func(so *v4.SignerOptions) {
			so.DisableURIPathEscaping = true // as the SDK's own S3 presigner: a key is a path
		})}
	})
}

// Put uploads the object with its content type and cache control, which S3
// then sends with every GET. The body is read into memory first unless it
// can seek: SigV4 signs the payload's hash, and media are small.
func (s *Store) Put(ctx context.Context, obj media.Object, body io.Reader) error {
	if err := media.CheckKey(obj.Key); err != nil {
		return err
	}
	rs, n, err := seekable(body)
	if err != nil {
		return marquee.Internal(fmt.Errorf("s3store: put %s: %w", obj.Key, err))
	}
	if obj.Size != 0 && n != obj.Size {
		return marquee.Internal(fmt.Errorf("s3store: put %s: body has %d bytes, object says %d", obj.Key, n, obj.Size))
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(obj.Key),
		Body:          rs,
		ContentLength: aws.Int64(n),
		ContentType:   nonEmpty(obj.ContentType),
		CacheControl:  nonEmpty(obj.CacheControl),
	})
	if err != nil {
		return unavailable("put", obj.Key, err)
	}
	return nil
}

// Get opens an object; the caller closes the body.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, media.Object, error) {
	if err := media.CheckKey(key); err != nil {
		return nil, media.Object{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		if isNotFound(err) {
			return nil, media.Object{}, media.NotFound(fmt.Errorf("s3store: %s: %w", key, err))
		}
		return nil, media.Object{}, unavailable("get", key, err)
	}
	return out.Body, media.Object{
		Key:          key,
		ContentType:  aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl),
		Size:         aws.ToInt64(out.ContentLength),
	}, nil
}

// Delete removes an object; S3 answers a missing key with success too.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := media.CheckKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil && !isNotFound(err) {
		return unavailable("delete", key, err)
	}
	return nil
}

// URL returns PublicBaseURL/key, or a presigned GET valid for at least
// PresignExpiry and the same all through the current half hour.
// Presigning is local: it signs and makes no request. Keys hold only
// [a-z0-9/.-], so they need no escaping in a URL.
func (s *Store) URL(ctx context.Context, key string) (string, error) {
	if err := media.CheckKey(key); err != nil {
		return "", err
	}
	if s.public != "" {
		return s.public + "/" + key, nil
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return "", marquee.Internal(fmt.Errorf("s3store: presign %s: %w", key, err))
	}
	return req.URL, nil
}

// steadyPresigner signs as of the start of the current presignWindow.
type steadyPresigner struct{ *v4.Signer }

// PresignHTTP signs r as of the start of the window signingTime falls in.
func (p steadyPresigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request,
	payloadHash, service, region string, signingTime time.Time, optFns ...func(*v4.SignerOptions),
) (string, http.Header, error) {
	return p.Signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, signingTime.UTC().Truncate(presignWindow), optFns...)
}

// seekable returns body as an io.ReadSeeker with the length left to read;
// the SDK reads from the current position and seeks back there to retry.
func seekable(body io.Reader) (io.ReadSeeker, int64, error) {
	if rs, ok := body.(io.ReadSeeker); ok {
		cur, err := rs.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, 0, err
		}
		end, err := rs.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, 0, err
		}
		if _, err := rs.Seek(cur, io.SeekStart); err != nil {
			return nil, 0, err
		}
		return rs, end - cur, nil
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, 0, err
	}
	return bytes.NewReader(data), int64(len(data)), nil
}

func isNotFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var api smithy.APIError
	return errors.As(err, &nsk) || errors.As(err, &nf) ||
		errors.As(err, &api) && (api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "NotFound")
}

// unavailable reports a failed request: the bucket is a dependency that
// may be down, and the page says to try again.
func unavailable(op, key string, err error) error {
	return marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("s3store: %s %s: %w", op, key, err))
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
