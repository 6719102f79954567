package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// deployment is the command line and environment a deployment file starts tribune with.
type deployment struct {
	args []string
	env  map[string]string
}

// readDockerfile takes the ENV, ENTRYPOINT and CMD of the Dockerfile's final stage.
func readDockerfile(t *testing.T, path string) deployment {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := deployment{env: map[string]string{}}
	var entry, cmd []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		instr, rest, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		switch instr {
		case "FROM": // a new stage: only the last one runs
			d.env, entry, cmd = map[string]string{}, nil, nil
		case "ENV":
			k, v, _ := strings.Cut(rest, "=")
			d.env[k] = v
		case "ENTRYPOINT", "CMD":
			var list []string
			if err := json.Unmarshal([]byte(rest), &list); err != nil {
				t.Fatalf("%s %s: want the exec (JSON) form: %v", instr, rest, err)
			}
			if instr == "CMD" {
				cmd = list
			} else {
				entry = list
			}
		}
	}
	if len(entry) == 0 || entry[0] != "tribune" {
		t.Fatalf("ENTRYPOINT = %v, want tribune", entry)
	}
	d.args = append(entry[1:], cmd...)
	return d
}

// readUnit takes the Environment= lines and ExecStart= of a systemd unit.
func readUnit(t *testing.T, path string) deployment {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := deployment{env: map[string]string{}}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			k, val, _ := strings.Cut(v, "=")
			d.env[k] = val
		}
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			fields := strings.Fields(v)
			if filepath.Base(fields[0]) != "tribune" {
				t.Fatalf("ExecStart = %q, want tribune", v)
			}
			d.args = fields[1:]
		}
	}
	return d
}

// TestDeploymentCommandLines runs the container's and the systemd unit's command line
// in-process with their environment, the state directory mapped to a temporary one and the
// port to a free one: serve must create the database there and answer /healthz.
func TestDeploymentCommandLines(t *testing.T) {
	for name, d := range map[string]deployment{
		"Dockerfile":             readDockerfile(t, "../../Dockerfile"),
		"deploy/tribune.service": readUnit(t, "../../deploy/tribune.service"),
	} {
		t.Run(name, func(t *testing.T) {
			state := t.TempDir()
			vars := map[string]string{}
			for k, v := range d.env {
				vars[k] = strings.ReplaceAll(v, "/var/lib/tribune", state)
			}
			if vars["TRIBUNE_DB"] != filepath.Join(state, "tribune.db") {
				t.Fatalf("TRIBUNE_DB = %q, want the database in the state directory", d.env["TRIBUNE_DB"])
			}
			vars["TRIBUNE_ADDR"] = "127.0.0.1:0"
			w := &addrWriter{addrc: make(chan string, 1)}
			e := env{stdin: strings.NewReader(""), stdout: w, stderr: w, getenv: func(k string) string { return vars[k] }}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- run(ctx, d.args, e) }()
			var addr string
			select {
			case addr = <-w.addrc:
			case err := <-done:
				t.Fatalf("%v exited: %v\n%s", d.args, err, w.String())
			}
			resp, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("healthz = %d", resp.StatusCode)
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v\n%s", err, w.String())
			}
			if !fileExists(vars["TRIBUNE_DB"]) || !strings.Contains(w.String(), "created database") {
				t.Errorf("no database created in the state directory:\n%s", w.String())
			}
		})
	}
}
