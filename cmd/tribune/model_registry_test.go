package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// trainTiny trains a small insult model on generated examples with tribune train.
func trainTiny(t *testing.T, dir, name string, seed int) (model, data string) {
	t.Helper()
	var b strings.Builder
	nice := []string{"thanks for the report", "good point about the tram", "I disagree with the budget", "the council was right"}
	rude := []string{"you idiot", "what a moron", "stupid idiot writer", "shut up moron"}
	for i := range 40 {
		fmt.Fprintf(&b, "{\"text\": %q, \"labels\": {\"insult\": 0}}\n", fmt.Sprintf("%s %d", nice[(i+seed)%4], i))
		fmt.Fprintf(&b, "{\"text\": %q, \"labels\": {\"insult\": 1}}\n", fmt.Sprintf("%s %d", rude[(i+seed)%4], i))
	}
	data = filepath.Join(dir, name+".jsonl")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model = filepath.Join(dir, name+".tribune")
	if _, stderr, err := cliRun(t, "", "train", "--data", data, "--out", model, "--folds", "2", "--quiet",
		"--seed", fmt.Sprint(seed), "--min-count", "1", "--chars", "split", "--block-norm=false"); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr)
	}
	return model, data
}

func TestModelCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	m1, data := trainTiny(t, dir, "m1", 1)
	m2, _ := trainTiny(t, dir, "m2", 2)
	initDB(t, db)

	out, _, err := cliRun(t, "", "model", "list", "--db", db)
	if err != nil || !strings.Contains(out, "no models registered") {
		t.Fatalf("list on an empty registry = %q, %v", out, err)
	}
	// Under the default policy (toxicity, threat, … thresholds) an insult-only model would
	// moderate nothing: refused.
	if _, _, err := cliRun(t, "", "model", "import", "--db", db, m1); err == nil || !strings.Contains(err.Error(), "has no") {
		t.Fatalf("import of an insult-only model under the default policy = %v, want refused", err)
	}
	insultPolicy(t, db)
	out, _, err = cliRun(t, "", "model", "import", "--db", db, m1)
	if err != nil || !strings.Contains(out, "imported sha256:") {
		t.Fatalf("import = %q, %v", out, err)
	}
	version := strings.Fields(out)[1]
	if out, _, err = cliRun(t, "", "model", "import", "--db", db, m1); err != nil || !strings.Contains(out, "already registered") {
		t.Errorf("second import = %q, %v", out, err)
	}
	if out, _, err = cliRun(t, "", "model", "import", "--db", db, "--name", "second", "--activate", m2); err != nil || !strings.Contains(out, "active model") {
		t.Errorf("import --activate = %q, %v", out, err)
	}
	prefix := strings.TrimPrefix(version, "sha256:")[:8]
	if out, _, err = cliRun(t, "", "model", "activate", "--db", db, prefix); err != nil || !strings.Contains(out, version) {
		t.Errorf("activate %s = %q, %v", prefix, out, err)
	}
	out, _, err = cliRun(t, "", "model", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	var active []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "*") {
			active = append(active, l)
		}
	}
	if len(active) != 1 || !strings.Contains(active[0], version) || !strings.Contains(out, "second") {
		t.Errorf("list:\n%s", out)
	}
	if _, _, err := cliRun(t, "", "model", "activate", "--db", db, "sha256:nope"); err == nil {
		t.Error("activating an unknown version succeeded")
	}
	out, stderr, err := cliRun(t, "", "model", "compare", "--db", db, "--model", m2, "--data", data)
	if err != nil {
		t.Fatalf("compare: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "active "+version) || !strings.Contains(out, "insult") {
		t.Errorf("compare:\n%s", out)
	}
	if out, _, err = cliRun(t, "", "model", "activate", "--db", db, "embedded"); err != nil || !strings.Contains(out, "embedded") {
		t.Errorf("activate embedded = %q, %v", out, err)
	}
	if out, _, _ = cliRun(t, "", "model", "list", "--db", db); strings.Contains(out, "*") {
		t.Errorf("after activate embedded, list still marks an active model:\n%s", out)
	}
}

// insultPolicy saves a policy that holds on insult only, which the tiny models serve.
func insultPolicy(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SavePolicy(ctx, moderation.Policy{Hold: map[string]float64{"insult": 0.5}}); err != nil {
		t.Fatal(err)
	}
}

// A crafted model file is refused with a clear error, and nothing is registered.
func TestModelImportRefusesCraftedFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	initDB(t, db)
	var buf bytes.Buffer
	buf.WriteString("TRIBUNE1")
	zw := gzip.NewWriter(&buf)
	classes := make([]string, 4096)
	for i := range classes {
		classes[i] = fmt.Sprint("c", i)
	}
	hb, _ := json.Marshal(map[string]any{"heads": []map[string]any{{"name": "toxicity", "classes": classes,
		"offsets": make([]float64, 4096)}}, "bias": make([]float32, 4096), "keys": 1 << 26})
	_ = binary.Write(zw, binary.LittleEndian, uint32(len(hb)))
	zw.Write(hb)
	_ = binary.Write(zw, binary.LittleEndian, uint32(5))
	zw.Write([]byte("[UNK]"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "evil.tribune")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := cliRun(t, "", "model", "import", "--db", db, "--activate", path)
	if err == nil || !strings.Contains(err.Error(), "a file this size holds at most") {
		t.Fatalf("import of a crafted file = %v, want a clear refusal", err)
	}
	out, _, _ := cliRun(t, "", "model", "list", "--db", db)
	if !strings.Contains(out, "no models registered") {
		t.Errorf("after the refused import:\n%s", out)
	}
}
