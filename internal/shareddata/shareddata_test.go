package shareddata

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDir finds the shared folder beside the module root from a package directory.
func TestDir(t *testing.T) {
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(root), "shared"); dir != want {
		t.Errorf("Dir() = %s, want %s", dir, want)
	}
}

// TestMissingFailsUnderCI runs a test that asks for a file nobody has, with and without CI,
// in a child process (a failing subtest would fail this test too).
func TestMissingFailsUnderCI(t *testing.T) {
	if os.Getenv("SHAREDDATA_CHILD") != "" {
		Path(t, "no/such/file.json")
		t.Fatal("Path returned for a missing file")
	}
	for _, tt := range []struct {
		ci       string
		wantFail bool
	}{{"", false}, {"1", true}} {
		cmd := testCommand(t, "TestMissingFailsUnderCI", "SHAREDDATA_CHILD=1", "CI="+tt.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tt.wantFail {
			t.Errorf("CI=%q: failed = %v, want %v\n%s", tt.ci, failed, tt.wantFail, out)
		}
	}
}

// testCommand runs this test binary again for one test, with env added to the environment.
func testCommand(t *testing.T, test string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}
