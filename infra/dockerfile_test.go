package infra

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dockerInstruction is one line of a Dockerfile after continuations are
// joined: the instruction and its arguments.
type dockerInstruction struct{ op, args string }

// readDockerfile returns the instructions of the Dockerfile's last stage
// and of all stages before it.
func readDockerfile(t *testing.T, file string) (build, final []dockerInstruction) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var all []dockerInstruction
	sc := bufio.NewScanner(f)
	line := ""
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if line == "" && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			line += cont + " "
			continue
		}
		line += text
		op, args, _ := strings.Cut(line, " ")
		all = append(all, dockerInstruction{strings.ToUpper(op), strings.TrimSpace(args)})
		line = ""
	}
	last := 0
	for i, in := range all {
		if in.op == "FROM" {
			last = i
		}
	}
	return all[:last], all[last:]
}

// checkDockerfile compares infra/Dockerfile's final stage with the config
// of the image make image built: both lay the layer out with rootfs.sh on
// an empty base and set the same entrypoint, command, user, environment,
// port and labels.
func checkDockerfile(t *testing.T, c imageConfig) {
	build, final := readDockerfile(t, "Dockerfile")
	if !slices.Contains(build, dockerInstruction{"RUN", "bash infra/image/rootfs.sh /rootfs"}) {
		t.Errorf("the build stage does not lay out /rootfs with infra/image/rootfs.sh: %v", build)
	}
	want := map[string]string{"FROM": "scratch", "COPY": "--from=build /rootfs/ /", "USER": c.Config.User, "EXPOSE": "8080"}
	var labels []string
	for _, in := range final {
		switch in.op {
		case "ENTRYPOINT", "CMD":
			var got []string
			if err := json.Unmarshal([]byte(in.args), &got); err != nil {
				t.Errorf("%s %s is not the exec form: %v", in.op, in.args, err)
			}
			wantArgs := c.Config.Entrypoint
			if in.op == "CMD" {
				wantArgs = c.Config.Cmd
			}
			if !slices.Equal(got, wantArgs) {
				t.Errorf("%s %q, make image sets %q", in.op, got, wantArgs)
			}
		case "ENV":
			if !slices.Contains(c.Config.Env, in.args) {
				t.Errorf("ENV %s is not in make image's environment %q", in.args, c.Config.Env)
			}
		case "LABEL":
			for _, m := range regexp.MustCompile(`([a-z.]+)=`).FindAllStringSubmatch(in.args, -1) {
				labels = append(labels, m[1])
			}
		case "ARG":
		default:
			if w, ok := want[in.op]; !ok || in.args != w {
				t.Errorf("final stage: %s %s; want %s %s", in.op, in.args, in.op, w)
			}
			delete(want, in.op)
		}
	}
	for op, args := range want {
		t.Errorf("final stage lacks %s %s", op, args)
	}
	if _, ok := c.Config.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("make image exposes %v, the Dockerfile 8080", c.Config.ExposedPorts)
	}
	for name := range c.Config.Labels {
		if !slices.Contains(labels, name) {
			t.Errorf("make image sets label %s, the Dockerfile does not (it sets %q)", name, labels)
		}
	}
}
