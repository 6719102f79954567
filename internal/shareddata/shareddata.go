// Package shareddata finds the files tests read from the shared folder that sits beside the
// repository (../shared: the seed case, labeled data). Where a file is missing a test skips
// with a message, except when the environment variable CI is set (.ci/run sets it): then the
// test fails, so CI cannot pass by skipping what matters.
package shareddata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared folder beside the module root that holds the working directory
// (a test's package directory), or an error when there is no module root above it.
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Path returns the path of rel (slash-separated, e.g. "seed/seed.json") in the shared folder.
// When it does not exist, tb skips, or fails when CI is set.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	path, why := find(tb, rel)
	if why != "" {
		Missing(tb, why)
	}
	return path
}

// Optional is Path for a test that can run without rel: when it does not exist, ok is false
// and the test goes on (it is logged), except when CI is set: then the test fails.
func Optional(tb testing.TB, rel string) (path string, ok bool) {
	tb.Helper()
	path, why := find(tb, rel)
	if why == "" {
		return path, true
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s; CI is set, so it may not be left out", why)
	}
	tb.Logf("%s: going on without it", why)
	return "", false
}

// find returns rel's path, or why it is missing.
func find(tb testing.TB, rel string) (path, why string) {
	tb.Helper()
	dir, err := Dir()
	if err != nil {
		tb.Fatalf("shared data: %v", err)
	}
	path = filepath.Join(dir, filepath.FromSlash(rel))
	_, err = os.Stat(path)
	switch {
	case err == nil:
		return path, ""
	case !errors.Is(err, fs.ErrNotExist):
		tb.Fatalf("shared data: %v", err)
	}
	return "", fmt.Sprintf("%s not found (the shared folder sits beside the repository)", path)
}

// Missing ends a test that cannot run without something CI must provide (shared data, a
// browser, a client library): a skip with why, or a failure when CI is set.
func Missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s; CI is set, so this test may not skip", why)
	}
	tb.Skip(why)
}
