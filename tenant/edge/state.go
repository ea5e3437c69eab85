package edge

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/caddyserver/certmagic"
)

// Status says where a name's certificate stands.
type Status string

// The statuses of a name's certificate.
const (
	StatusNone    Status = "none"    // never obtained, nothing failed
	StatusPending Status = "pending" // being obtained by this replica now
	StatusValid   Status = "valid"   // an unexpired certificate is stored
	StatusFailed  Status = "failed"  // the last attempt failed, or the certificate expired
)

// State is a name's certificate as ops see it.
type State struct {
	// Name is the certificate's subject: the name asked about, or the
	// wildcard that covers it.
	Name     string
	Status   Status
	NotAfter time.Time // expiry of the stored certificate; zero without one
	// LastError is the last failure to obtain or renew it, on any
	// replica, since the last success; FailedAt is when it happened.
	LastError string
	FailedAt  time.Time
}

// String is the state in one line, for the CLI and logs.
func (s State) String() string {
	out := string(s.Status)
	if !s.NotAfter.IsZero() {
		out += ", expires " + s.NotAfter.UTC().Format(time.DateTime)
	}
	if s.LastError != "" {
		out += fmt.Sprintf(", last failure at %s: %s", s.FailedAt.UTC().Format(time.DateTime), s.LastError)
	}
	return out
}

// pendingFor bounds how long a name counts as pending: certmagic gives an
// on-demand issuance three minutes, and an issuance that ends without an
// event (a failure to save, say) must not read as pending forever.
const pendingFor = 5 * time.Minute

// CertificateState reports the certificate of name (a host name, or a
// wildcard given to Manage): what storage holds, whether this replica is
// obtaining it, and the last failure any replica recorded. It reads
// storage, so it is for ops, not for requests. On a storage error it
// returns what it knows and the error.
func (e *Edge) CertificateState(ctx context.Context, name string) (State, error) {
	name = e.subjectFor(normalizeSNI(name))
	st := State{Name: name, Status: StatusNone}
	notAfter, certErr := e.storedNotAfter(ctx, name)
	f, failErr := e.lastFailure(ctx, name)
	st.NotAfter, st.LastError, st.FailedAt = notAfter, f.err, f.at
	switch {
	case !notAfter.IsZero() && time.Now().Before(notAfter):
		st.Status = StatusValid
	case e.isPending(name):
		st.Status = StatusPending
	case f.err != "" || !notAfter.IsZero():
		st.Status = StatusFailed
	}
	return st, errors.Join(certErr, failErr)
}

// NoTLS is what CertState says of every name when the platform does not
// terminate TLS.
const NoTLS = "none (TLS is off)"

// CertState is CertificateState in one line, for ops (the CLI, the API,
// the console's domain pages): the state, or "unknown: " and the error
// when storage could not be read; NoTLS on a nil Edge, the platform's
// without TLS=acme.
func (e *Edge) CertState(ctx context.Context, name string) string {
	if e == nil {
		return NoTLS
	}
	st, err := e.CertificateState(ctx, name)
	if err != nil {
		return "unknown: " + err.Error()
	}
	return st.String()
}

// subjectFor is the certificate subject that serves name: what Manage
// covers it with, or the platform's wildcard when a DNS provider is set
// (also on an Edge that never called Manage, such as an ops tool's), or
// name itself.
func (e *Edge) subjectFor(name string) string {
	if covering := e.coveredUpFront(name); covering != "" {
		return covering
	}
	if _, parent, ok := strings.Cut(name, "."); ok && e.cfg.DNSProvider != nil && parent == e.cfg.BaseDomain {
		return "*." + parent
	}
	return name
}

// storedNotAfter is the expiry of name's certificate: the one in memory
// when there is one (it is what handshakes get), else the one in storage;
// zero when there is neither.
func (e *Edge) storedNotAfter(ctx context.Context, name string) (time.Time, error) {
	var latest time.Time
	for _, c := range e.cache.AllMatchingCertificates(name) {
		if c.Leaf != nil && c.Leaf.NotAfter.After(latest) {
			latest = c.Leaf.NotAfter
		}
	}
	if !latest.IsZero() {
		return latest, nil
	}
	data, err := e.cfg.Storage.Load(ctx, certmagic.StorageKeys.SiteCert(e.issuer.IssuerKey(), name))
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("edge: certificate of %s: %w", name, err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return time.Time{}, fmt.Errorf("edge: certificate of %s: stored value is not PEM", name)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return time.Time{}, fmt.Errorf("edge: certificate of %s: %w", name, err)
	}
	return leaf.NotAfter, nil
}

func (e *Edge) isPending(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	since, ok := e.pending[name]
	return ok && time.Since(since) < pendingFor
}

func (e *Edge) setPending(name string, on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if on {
		e.pending[name] = time.Now()
	} else {
		delete(e.pending, name)
	}
}

// failure is a failed attempt to obtain (or renew) a certificate.
type failure struct {
	err     string
	at      time.Time
	renewal bool
}

// storedFailure is a failure as every replica reads it from Storage.
type storedFailure struct {
	Error   string    `json:"error"`
	At      time.Time `json:"at"`
	Renewal bool      `json:"renewal"`
}

// failureKey is where a name's last failure is kept, beside certmagic's
// own keys and named the way certmagic names its files.
func failureKey(name string) string {
	return "marquee/errors/" + certmagic.StorageKeys.Safe(name)
}

// lastFailure is the failure Storage holds for name: every replica's, and
// cleared by whichever obtains the certificate next. This replica's memory
// answers only when Storage cannot.
func (e *Edge) lastFailure(ctx context.Context, name string) (failure, error) {
	data, err := e.cfg.Storage.Load(ctx, failureKey(name))
	if errors.Is(err, fs.ErrNotExist) {
		return failure{}, nil
	}
	var s storedFailure
	if err == nil {
		err = json.Unmarshal(data, &s)
	}
	if err != nil {
		e.mu.Lock()
		mine := e.failures[name]
		e.mu.Unlock()
		return mine, fmt.Errorf("edge: last failure of %s: %w", name, err)
	}
	return failure{err: s.Error, at: s.At, renewal: s.Renewal}, nil
}

// eventTimeout bounds the storage writes made from certmagic's events,
// which run inside its issuance, holding its lock.
const eventTimeout = 10 * time.Second

// onEvent follows certmagic's issuance events: what is pending, what
// failed (kept in memory and in Storage for the other replicas), and a log
// line per certificate obtained or failed.
func (e *Edge) onEvent(ctx context.Context, event string, data map[string]any) error {
	name, _ := data["identifier"].(string)
	renewal, _ := data["renewal"].(bool)
	switch event {
	case "cert_obtaining":
		e.setPending(name, true)
	case "cert_obtained":
		e.setPending(name, false)
		e.log.Info("edge: certificate obtained", "name", name, "renewal", renewal, "issuer", data["issuer"])
		e.forgetFailure(ctx, name)
		e.count(true)
	case "cert_failed":
		e.setPending(name, false)
		err, _ := data["error"].(error)
		if err == nil {
			err = errors.New("unknown error")
		}
		if errors.Is(err, context.Canceled) {
			// the handshake that asked went away: not the CA's answer
			e.log.Warn("edge: certificate issuance abandoned", "name", name, "renewal", renewal, "err", err)
			return nil
		}
		e.log.Error("edge: could not obtain certificate", "name", name, "renewal", renewal, "err", err)
		e.recordFailure(ctx, name, failure{err: err.Error(), at: time.Now(), renewal: renewal})
		e.count(false)
	}
	return nil
}

// count tells Config.Certificates of a certificate obtained or failed.
func (e *Edge) count(obtained bool) {
	if e.cfg.Certificates != nil {
		e.cfg.Certificates(obtained)
	}
}

func (e *Edge) recordFailure(ctx context.Context, name string, f failure) {
	e.mu.Lock()
	e.failures[name] = f
	e.mu.Unlock()
	data, err := json.Marshal(storedFailure{Error: f.err, At: f.at, Renewal: f.renewal})
	if err == nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventTimeout)
		defer cancel()
		err = e.cfg.Storage.Store(ctx, failureKey(name), data)
	}
	if err != nil {
		e.log.Warn("edge: could not record the failure for the other replicas", "name", name, "err", err)
	}
}

func (e *Edge) forgetFailure(ctx context.Context, name string) {
	e.mu.Lock()
	delete(e.failures, name)
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventTimeout)
	defer cancel()
	if err := e.cfg.Storage.Delete(ctx, failureKey(name)); err != nil {
		e.log.Warn("edge: could not clear the recorded failure", "name", name, "err", err)
	}
}
