package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type row struct {
	Text  string `json:"text"`
	Label string `json:"label"`
}

func writeSplit(t *testing.T, data, set, split, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(data, set), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, set, split+".jsonl"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRead(t *testing.T) {
	data := t.TempDir()
	long := strings.Repeat("a", 200_000) // longer than bufio.Scanner's default line limit
	writeSplit(t, data, "set", "train", `{"text": "one", "label": "x"}`+"\n"+`{"text": "`+long+`", "label": "y"}`+"\n")
	got, err := Read[row](data, "set", "train")
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{"one", "x"}, {long, "y"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Read (-want +got):\n%s", diff)
	}
}

func TestReadErrors(t *testing.T) {
	data := t.TempDir()
	writeSplit(t, data, "set", "dev", `{"text": "one"}`+"\n"+`{"text": 2}`+"\n")
	_, err := Read[row](data, "set", "dev")
	if err == nil || !strings.HasPrefix(err.Error(), "set/dev line 2: ") {
		t.Errorf("Read of a bad line: error %v, want one naming set/dev line 2", err)
	}
	if _, err := Read[row](data, "set", "train"); !os.IsNotExist(err) {
		t.Errorf("Read of a missing split: error %v, want not exist", err)
	}
}
