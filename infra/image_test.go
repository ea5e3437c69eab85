package infra

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// maxImageBytes is issue 15's target for the compressed image.
const maxImageBytes = 20 << 20

// imageConfig is the part of an OCI image config the tests read.
type imageConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Config       struct {
		User         string              `json:"User"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		Env          []string            `json:"Env"`
		Labels       map[string]string   `json:"Labels"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	} `json:"config"`
	RootFS struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

// savedImage is what `docker load` reads from marquee.tar.
type savedImage struct {
	tarBytes int64
	tags     []string
	config   imageConfig
	layer    []byte // gzip-compressed
}

func TestImage(t *testing.T) {
	out := buildImage(t)
	img := readSavedImage(t, out)
	root := t.TempDir()
	files := unpackLayer(t, img.layer, root)

	t.Run("one layer, under 20 MB compressed", func(t *testing.T) {
		t.Logf("marquee.tar %d bytes, layer %d bytes compressed", img.tarBytes, len(img.layer))
		if img.tarBytes >= maxImageBytes || int64(len(img.layer)) >= maxImageBytes {
			t.Errorf("image is %d bytes (layer %d); the target is under %d", img.tarBytes, len(img.layer), maxImageBytes)
		}
	})

	t.Run("config: nonroot user, entrypoint marquee serve, linux on this architecture", func(t *testing.T) {
		c := img.config
		if c.Config.User != "65532:65532" {
			t.Errorf("User = %q, want 65532:65532", c.Config.User)
		}
		if !slices.Equal(c.Config.Entrypoint, []string{"/marquee"}) || !slices.Equal(c.Config.Cmd, []string{"serve"}) {
			t.Errorf("Entrypoint %q Cmd %q, want [/marquee] [serve]", c.Config.Entrypoint, c.Config.Cmd)
		}
		if c.OS != "linux" || c.Architecture != runtime.GOARCH {
			t.Errorf("platform %s/%s, want linux/%s", c.OS, c.Architecture, runtime.GOARCH)
		}
		if !slices.Contains(c.Config.Env, "ZONEINFO=/usr/share/zoneinfo.zip") {
			t.Errorf("Env %q lacks ZONEINFO=/usr/share/zoneinfo.zip", c.Config.Env)
		}
	})

	t.Run("labels name the commit it was built from", func(t *testing.T) {
		head := git(t, "rev-parse", "HEAD")
		labels := img.config.Config.Labels
		if rev := labels["org.opencontainers.image.revision"]; rev != head && rev != head+"-dirty" {
			t.Errorf("revision label %q, want %s", rev, head)
		}
		if created, want := labels["org.opencontainers.image.created"], git(t, "log", "-1", "--format=%cI"); created != want {
			t.Errorf("created label %q, want the commit's time %s", created, want)
		}
		if want := "marquee:" + head[:12]; !slices.Equal(img.tags, []string{want}) {
			t.Errorf("RepoTags %q, want [%s]", img.tags, want)
		}
	})

	t.Run("layer holds exactly the binary, users, CA certificates, time zones and /tmp", func(t *testing.T) {
		want := []string{"/etc", "/etc/group", "/etc/passwd", "/etc/ssl", "/etc/ssl/certs", "/etc/ssl/certs/ca-certificates.crt",
			"/marquee", "/tmp", "/usr", "/usr/share", "/usr/share/zoneinfo.zip"}
		var got []string
		for name, h := range files {
			got = append(got, name)
			if h.Uid != 0 || h.Gid != 0 {
				t.Errorf("%s is owned by %d:%d, want root", name, h.Uid, h.Gid)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("layer holds %q\nwant %q", got, want)
		}
		if m := files["/marquee"].Mode & 0o7777; m != 0o755 {
			t.Errorf("/marquee mode %o, want 755", m)
		}
		if m := files["/tmp"].Mode & 0o7777; m != 0o1777 {
			t.Errorf("/tmp mode %o, want 1777", m)
		}
	})

	t.Run("user 65532 is nonroot in /etc/passwd and /etc/group", func(t *testing.T) {
		passwd := readFile(t, root, "etc/passwd")
		if !strings.Contains(passwd, "\nnonroot:x:65532:65532:") {
			t.Errorf("/etc/passwd:\n%s", passwd)
		}
		if group := readFile(t, root, "etc/group"); !strings.Contains(group, "\nnonroot:x:65532:") {
			t.Errorf("/etc/group:\n%s", group)
		}
	})

	t.Run("CA certificates parse", func(t *testing.T) {
		n := countCertificates(t, []byte(readFile(t, root, "etc/ssl/certs/ca-certificates.crt")))
		t.Logf("%d CA certificates", n)
		if n < 50 {
			t.Errorf("only %d CA certificates", n)
		}
	})

	t.Run("time zone data loads", func(t *testing.T) {
		zr, err := zip.OpenReader(filepath.Join(root, "usr/share/zoneinfo.zip"))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, zone := range []string{"Europe/Berlin", "America/New_York", "Asia/Tokyo"} {
			f, err := zr.Open(zone)
			if err != nil {
				t.Errorf("%s: %v", zone, err)
				continue
			}
			data, _ := io.ReadAll(f)
			f.Close()
			if _, err := time.LoadLocationFromTZData(zone, data); err != nil {
				t.Errorf("%s: %v", zone, err)
			}
		}
	})

	t.Run("the binary runs from the unpacked layer as user 65532", func(t *testing.T) {
		bin := filepath.Join(root, "marquee")
		cmd := exec.Command(bin, "--help")
		cmd.Env = img.config.Config.Env // nothing from this machine's environment
		if os.Geteuid() != 0 {
			t.Logf("not root: runs as uid %d", os.Geteuid())
		} else if !openPath(t, root) {
			t.Logf("%s is out of reach of other users: runs as root", os.TempDir())
		} else {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
		}
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("marquee --help: %v\n%s", err, b)
		}
		for _, want := range []string{"Usage: marquee COMMAND", "serve ", "migrate ", "worker "} {
			if !strings.Contains(string(b), want) {
				t.Errorf("marquee --help lacks %q:\n%s", want, b)
			}
		}
	})

	t.Run("crane's validate reads it as an image, digests and sizes included", func(t *testing.T) {
		b, err := exec.Command("go", "tool", "crane", "validate", "--tarball", out).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(b), "PASS") {
			t.Errorf("crane validate --tarball: %v\n%s", err, b)
		}
	})

	t.Run("infra/Dockerfile builds the same layout and config", func(t *testing.T) {
		checkDockerfile(t, img.config)
	})
}

// buildImage runs infra/image.sh (what make image runs) into a temporary
// file and returns its name.
func buildImage(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "marquee.tar")
	start := time.Now()
	build := exec.Command("bash", "image.sh")
	build.Env = append(os.Environ(), "IMAGE_OUT="+out)
	b, err := build.CombinedOutput()
	if err != nil {
		t.Fatalf("infra/image.sh: %v\n%s", err, b)
	}
	t.Logf("make image took %s: %s", time.Since(start).Round(time.Second), strings.TrimSpace(string(b)))
	return out
}

// readSavedImage reads a `docker save` tarball of one image, checking the
// digests docker load checks.
func readSavedImage(t *testing.T, file string) savedImage {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	entries := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries[h.Name], _ = io.ReadAll(tr)
	}
	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(entries["manifest.json"], &manifest); err != nil || len(manifest) != 1 || len(manifest[0].Layers) != 1 {
		t.Fatalf("manifest.json is not one image of one layer (%v): %s", err, entries["manifest.json"])
	}
	m := manifest[0]
	img := savedImage{tarBytes: st.Size(), tags: m.RepoTags, layer: entries[m.Layers[0]]}
	config := entries[m.Config]
	if sum := sha256.Sum256(config); "sha256:"+hex.EncodeToString(sum[:]) != m.Config {
		t.Fatalf("config %s does not match its digest", m.Config)
	}
	if err := json.Unmarshal(config, &img.config); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(img.layer))
	if err != nil {
		t.Fatalf("layer %s: %v", m.Layers[0], err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, zr); err != nil {
		t.Fatal(err)
	}
	if diffID := "sha256:" + hex.EncodeToString(h.Sum(nil)); !slices.Equal(img.config.RootFS.DiffIDs, []string{diffID}) {
		t.Fatalf("diff_ids %q, want [%s]", img.config.RootFS.DiffIDs, diffID)
	}
	return img
}

// unpackLayer extracts a gzip-compressed layer into root and returns its
// entries by absolute path.
func unpackLayer(t *testing.T, layer []byte, root string) map[string]*tar.Header {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(layer))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*tar.Header{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		name := path.Clean("/" + h.Name)
		if name == "/" {
			continue
		}
		if strings.Contains(h.Name, "..") {
			t.Fatalf("layer entry %q leaves the root", h.Name)
		}
		files[name] = h
		dst := filepath.Join(root, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			data, err := io.ReadAll(tr)
			if err == nil {
				err = os.WriteFile(dst, data, os.FileMode(h.Mode)&0o777)
			}
			if err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("layer entry %s has type %c; only files and directories are expected", name, h.Typeflag)
		}
	}
}

// openPath lets another user reach dir: the directories below the
// temporary directory, which t.TempDir makes 0700, become traversable. It
// reports false when the temporary directory itself is out of reach.
func openPath(t *testing.T, dir string) bool {
	t.Helper()
	tmp := filepath.Clean(os.TempDir())
	for d := tmp; ; d = filepath.Dir(d) {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	for d := dir; strings.HasPrefix(d, tmp+string(filepath.Separator)); d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, st.Mode()&(os.ModePerm|os.ModeSticky)|0o011); err != nil {
			t.Fatal(err)
		}
	}
	return true
}

func countCertificates(t *testing.T, data []byte) int {
	t.Helper()
	n := 0
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return n
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			t.Errorf("certificate %d: %v", n+1, err)
		}
		n++
	}
}

func readFile(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func git(t *testing.T, args ...string) string {
	t.Helper()
	b, err := exec.Command("git", args...).Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(b))
}
