package main

import (
	"os"
	"os/exec"
	"testing"
)

// beTribune, set in a child's environment, makes the test binary run main instead of the
// tests: the process tests (crash recovery, a killed rescore) run this binary as tribune, so
// the package is compiled once, by go test, and never again by a go build per test.
const beTribune = "TRIBUNE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(beTribune) == "1" {
		main() // exits non-zero on failure, like the real binary
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// tribuneCommand returns a command that runs this test binary as tribune with args.
func tribuneCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), beTribune+"=1")
	return cmd
}
