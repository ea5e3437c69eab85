package edge_test

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"marquee/db"
	"marquee/tenant/certstore"
	"marquee/tenant/edge"
)

// replicaEnv carries a replicaConfig to this test binary when a test runs
// it as another replica: another process, so that nothing in memory
// (certmagic keeps some state per process) is shared with the test's own
// Edge, and only Postgres is, as between two machines.
const replicaEnv = "EDGE_TEST_REPLICA"

type replicaConfig struct {
	DatabaseURL    string
	CA             string
	CARootsPEM     string
	Allow          []string
	HTTPAddr       string // where its HTTPHandler listens
	DisableTLSALPN bool
}

// startReplica runs another replica in a child process and returns its
// HTTPS and HTTP addresses. It stops when the test ends.
func startReplica(t testing.TB, rc replicaConfig) (https, http string) {
	t.Helper()
	config, _ := json.Marshal(rc)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), replicaEnv+"="+string(config))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &testWriter{out: t.Output()}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		stdin.Close() // the replica stops when its stdin ends
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logs.close()
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-ready:
		if _, err := fmt.Sscanf(line, "ready %s %s", &https, &http); err != nil {
			t.Fatalf("replica said %q: %v", line, err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("replica did not start")
	}
	return https, http
}

// runReplica is the child's main: an Edge on the given database, served
// on loopback until stdin ends.
func runReplica() int {
	level := slog.LevelInfo
	if os.Getenv("EDGE_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("replica", os.Getpid())
	if err := replicaMain(logger); err != nil {
		logger.Error("replica failed", "err", err)
		return 1
	}
	return 0
}

func replicaMain(logger *slog.Logger) error {
	var rc replicaConfig
	if err := json.Unmarshal([]byte(os.Getenv(replicaEnv)), &rc); err != nil {
		return err
	}
	ctx := context.Background()
	database, err := db.Open(ctx, rc.DatabaseURL, db.Options{})
	if err != nil {
		return err
	}
	defer database.Close()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(rc.CARootsPEM))
	httpsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if rc.HTTPAddr == "" {
		rc.HTTPAddr = "127.0.0.1:0"
	}
	httpLn, err := net.Listen("tcp", rc.HTTPAddr)
	if err != nil {
		return err
	}
	e, err := edge.New(edge.Config{
		CA:             rc.CA,
		Email:          "ops@shop.test",
		CARoots:        roots,
		Storage:        certstore.New(database, certstore.WithLogger(logger)),
		Allow:          allow(rc.Allow...).Allow,
		BaseDomain:     "shop.test",
		ListenHost:     "127.0.0.1",
		HTTPPort:       httpLn.Addr().(*net.TCPAddr).Port,
		TLSALPNPort:    httpsLn.Addr().(*net.TCPAddr).Port,
		DisableTLSALPN: rc.DisableTLSALPN,
		Logger:         logger,
	})
	if err != nil {
		return err
	}
	defer e.Stop()
	stopTLS := serveTLS(httpsLn, e.TLSConfig(), time.Minute)
	defer stopTLS()
	httpSrv := &http.Server{Handler: e.HTTPHandler(nil), ErrorLog: discardLog}
	go httpSrv.Serve(httpLn)
	defer httpSrv.Close()
	fmt.Printf("ready %s %s\n", httpsLn.Addr(), httpLn.Addr())
	io.Copy(io.Discard, os.Stdin)
	return nil
}
