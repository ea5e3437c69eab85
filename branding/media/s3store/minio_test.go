package s3store_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"marquee/branding/media"
	"marquee/branding/media/mediatest"
	"marquee/branding/media/s3store"
)

// TestMinIO runs the suite against a MinIO server on 127.0.0.1 when
// MARQUEE_TEST_MINIO names its binary (go install github.com/minio/minio@latest
// builds one in about two minutes). Unlike gofakes3, MinIO checks every
// signature, presigned URLs' included, and keeps Cache-Control itself.
func TestMinIO(t *testing.T) {
	bin := os.Getenv("MARQUEE_TEST_MINIO")
	if bin == "" {
		t.Skip("MARQUEE_TEST_MINIO is not set")
	}
	c := startMinIO(t, bin)
	s := newStore(t, c)
	mediatest.StoreSuite(t, s)

	t.Run("a presigned URL fetches the object with its cache control", func(t *testing.T) {
		body := []byte("\x89PNG pretend")
		obj := media.Object{Key: key, ContentType: "image/png", CacheControl: media.ImmutableCacheControl, Size: int64(len(body))}
		if err := s.Put(context.Background(), obj, bytes.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		u, err := s.URL(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) || resp.Header.Get("Cache-Control") != media.ImmutableCacheControl {
			t.Errorf("GET %s: %s, Cache-Control %q, body %q", u, resp.Status, resp.Header.Get("Cache-Control"), got)
		}
		resp2, err := http.Get(u + "0") // a broken signature
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusForbidden {
			t.Errorf("GET with a broken signature: %s, want 403", resp2.Status)
		}
	})
}

// startMinIO runs MinIO on a free loopback port with a fresh folder and
// the bucket created, and stops it when the test ends.
func startMinIO(t *testing.T, bin string) s3store.Config {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "server", "--quiet", "--address", addr, t.TempDir())
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER=marquee-test", "MINIO_ROOT_PASSWORD=marquee-test-secret",
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CALLHOME_ENABLE=off")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	endpoint := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("MinIO at %s not ready: %v", endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	c := s3store.Config{
		Bucket: bucket, Region: "us-east-1", Endpoint: endpoint, PathStyle: true,
		AccessKeyID: "marquee-test", SecretAccessKey: "marquee-test-secret",
	}
	client := s3.New(s3.Options{
		Region:       c.Region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, ""),
	})
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return c
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr())
}
