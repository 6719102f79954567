package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tribune/tribune/classifier"
)

// runCmd runs a tribune subcommand in-process with the given stdin.
func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	err = run(context.Background(), args, e)
	return out.String(), errb.String(), err
}

// fixtureModel trains a small model on the fixtures into a test temp folder.
func fixtureModel(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixture.tribune")
	_, stderr, err := runCmd(t, "", "train", "--data", "../../fixtures/tone.jsonl",
		"--data", "../../fixtures/stance.jsonl", "--head", "stance", "--context", "stance", "--stance", "table",
		"--lambdas", "1e-2,1e-3", "--max-iter", "50", "--min-count", "1", "--seed", "3",
		// One feature candidate, not the default's four: these tests are about the command.
		"--chars", "split", "--block-norm=false", "--out", path)
	if err != nil {
		t.Fatalf("train: %v\n%s", err, stderr)
	}
	return path
}

func TestScore(t *testing.T) {
	model := fixtureModel(t)
	in := `{"id": 7, "text": "You are a clueless idiot.", "meta": {"é": [1, 2]}}
{"text":"Exactly right: trains would make a real difference here.","context":"The city should build a new light rail line downtown.","id":8}
` + "{\"text\": \"ok \xff\", \"id\": 9}\n"
	out, stderr, err := runCmd(t, in, "score", "--model", model, "--workers", "2")
	if err != nil {
		t.Fatalf("score: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	for i, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		if obj["id"] != float64(7+i) {
			t.Errorf("line %d: id = %v, want %d (order kept)", i+1, obj["id"], 7+i)
		}
		scores, _ := obj["scores"].(map[string]any)
		if _, ok := scores["toxicity"].(float64); !ok {
			t.Errorf("line %d: scores.toxicity missing or not a number: %v", i+1, scores)
		}
		st, _ := scores["stance"].(map[string]any)
		if len(st) != 4 {
			t.Errorf("line %d: scores.stance = %v, want 4 classes", i+1, st)
		}
	}
	// The input object is written back byte for byte, with the scores appended.
	if !strings.HasPrefix(lines[0], `{"id": 7, "text": "You are a clueless idiot.", "meta": {"é": [1, 2]},"scores":{`) {
		t.Errorf("line 1 not preserved: %s", lines[0])
	}
}

func TestScoreBadLines(t *testing.T) {
	model := fixtureModel(t)
	in := "{\"text\":\"fine\"}\n{\"text\": 3}\n{\"text\":\"also fine\"}\nnot json\n{\"txt\":\"x\"}\n{\"text\":\"x\",\"context\":1}\n"
	out, _, err := runCmd(t, in, "score", "--model", model)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error = %v, want one naming line 2", err)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("output before the bad line = %q, want exactly line 1", out)
	}
	out, stderr, err := runCmd(t, in, "score", "--model", model, "--skip-bad")
	if err != nil {
		t.Fatalf("--skip-bad: %v", err)
	}
	if strings.Count(out, "\n") != 2 {
		t.Errorf("--skip-bad output has %d lines, want 2:\n%s", strings.Count(out, "\n"), out)
	}
	for _, n := range []string{"line 2", "line 4", "line 5", "line 6"} {
		if !strings.Contains(stderr, n) {
			t.Errorf("stderr does not report %s:\n%s", n, stderr)
		}
	}
}

func TestScoreExplainAndExistingFields(t *testing.T) {
	model := fixtureModel(t)
	in := `{"text":"You are a clueless idiot.","scores":{"old":1},"x":true}` + "\n"
	out, _, err := runCmd(t, in, "score", "--model", model, "--explain", "--top", "3", "--decisions")
	if err != nil {
		t.Fatal(err)
	}
	var obj struct {
		X            bool                                `json:"x"`
		Scores       map[string]json.RawMessage          `json:"scores"`
		Decisions    map[string]string                   `json:"decisions"`
		Explanations map[string][]map[string]interface{} `json:"explanations"`
	}
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if strings.Count(out, `"scores"`) != 1 || obj.Scores["old"] != nil || !obj.X {
		t.Errorf("existing scores not replaced: %s", out)
	}
	if obj.Decisions["stance"] == "" || len(obj.Explanations["toxicity"]) == 0 || len(obj.Explanations["toxicity"]) > 3 {
		t.Errorf("decisions/explanations missing: %s", out)
	}
}

// TestScoreLanguage: --language adds the detected language, replacing an input field of that
// name; without it an input's "language" is the input's own and stays.
func TestScoreLanguage(t *testing.T) {
	model := fixtureModel(t)
	in := `{"id":1,"text":"Vielen Dank für den Bericht, das wusste ich alles noch nicht."}
{"id":2,"text":"Yes","language":"xx"}
{"id":3,"text":"The council should publish the numbers before the vote."}
`
	out, stderr, err := runCmd(t, in, "score", "--model", model, "--language")
	if err != nil {
		t.Fatalf("score --language: %v\n%s", err, stderr)
	}
	want := []string{"de", "", "en"}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, line := range lines {
		var obj struct {
			Language *string `json:"language"`
		}
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		if strings.Count(line, `"language"`) != 1 || obj.Language == nil || *obj.Language != want[i] {
			t.Errorf("line %d: want one \"language\": %q: %s", i+1, want[i], line)
		}
	}
	out, _, err = runCmd(t, `{"text":"Yes","Language":"xx","Scores":1}`+"\n", "score", "--model", model, "--language")
	if err != nil {
		t.Fatal(err)
	}
	if l := strings.ToLower(out); strings.Count(l, `"language"`) != 1 || strings.Count(l, `"scores"`) != 1 {
		t.Errorf("fields differing only in case not replaced: %s", out)
	}
	out, _, err = runCmd(t, `{"text":"Yes","language":"xx"}`+"\n", "score", "--model", model)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, `{"text":"Yes","language":"xx","scores":`) {
		t.Errorf("without --language the input's field changed: %s", out)
	}
}

func TestScoreManyLinesKeepsOrder(t *testing.T) {
	model := fixtureModel(t)
	var in strings.Builder
	const n = 3000
	for i := range n {
		fmt.Fprintf(&in, "{\"i\":%d,\"text\":\"comment number %d about the bridge\"}\n", i, i)
	}
	out, _, err := runCmd(t, in.String(), "score", "--model", model, "--workers", "3")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, fmt.Sprintf("{\"i\":%d,", i)) {
			t.Fatalf("line %d out of order: %s", i+1, l)
		}
	}
}

func TestTrainAndEval(t *testing.T) {
	model := fixtureModel(t)
	out, _, err := runCmd(t, "", "eval", "--model", model, "--data", "../../fixtures/tone.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"head toxicity", "macro-F1=", "AUC(toxicity)=", "confusion"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCmd(t, "", "eval", "--model", model, "--data", "../../fixtures/stance.jsonl", "--head", "stance", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Model string `json:"model"`
		Heads []struct {
			Head    string  `json:"head"`
			MacroF1 float64 `json:"macro_f1"`
		} `json:"heads"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(res.Heads) != 1 || res.Heads[0].Head != "stance" || res.Heads[0].MacroF1 < 0.6 {
		t.Errorf("eval --json = %+v", res)
	}
	if _, _, err := runCmd(t, "", "train", "--data", "../../fixtures/tone.jsonl"); err == nil {
		t.Error("train without --out: no error")
	}
	if _, _, err := runCmd(t, "", "eval", "--model", model, "--data", "does-not-exist.jsonl"); err == nil {
		t.Error("eval of a missing file: no error")
	}
}

// TestTrainStance checks that tribune train makes the stance component (relatedness first, as
// the default model serves it) unless told --stance table, and refuses stance rows it cannot use.
func TestTrainStance(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "component.tribune")
	// --stance component is the default; a small table keeps the test quick (under -race too).
	if _, stderr, err := runCmd(t, "", "train", "--data", "../../fixtures/tone.jsonl", "--data", "../../fixtures/stance.jsonl",
		"--head", "stance", "--context", "stance", "--stance-buckets", "1024", "--lambdas", "1e-2", "--max-iter", "30",
		"--chars", "split", "--block-norm=false", "--quiet", "--out", path); err != nil {
		t.Fatalf("train: %v\n%s", err, stderr)
	}
	m, err := classifier.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Stance() == nil {
		t.Fatal("tribune train --head stance: no stance component in the model")
	}
	info := m.Stance().Info()
	if len(info.CV) == 0 || !slices.Contains(info.Sources, "../../fixtures/stance.jsonl") || info.Buckets != 1024 {
		t.Errorf("stance component info: CV %v, sources %v, buckets %d; want cross-validation, the --data files and 1024",
			info.CV, info.Sources, info.Buckets)
	}
	var p classifier.Prediction
	m.PredictInto(&p, "You are a clueless idiot.", "")
	if p.Heads[len(p.Heads)-1].Name != classifier.StanceHead || len(p.Heads) < 2 {
		t.Errorf("heads %v: want the tone heads and stance last", p.Heads)
	}

	table := filepath.Join(dir, "table.tribune")
	if _, stderr, err := runCmd(t, "", "train", "--data", "../../fixtures/tone.jsonl", "--data", "../../fixtures/stance.jsonl",
		"--head", "stance", "--context", "stance", "--stance", "table", "--lambdas", "1e-2", "--max-iter", "20",
		"--chars", "split", "--block-norm=false", "--quiet", "--out", table); err != nil {
		t.Fatalf("train --stance table: %v\n%s", err, stderr)
	}
	if tm, err := classifier.LoadFile(table); err != nil || tm.Stance() != nil {
		t.Errorf("--stance table: err %v, component %v; want a table head only", err, tm.Stance())
	}

	noCtx := filepath.Join(dir, "nocontext.jsonl")
	if err := os.WriteFile(noCtx, []byte(`{"text":"I agree with this.","label":"agree"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", "../../fixtures/stance.jsonl"}, "tone"},
		{[]string{"--data", "../../fixtures/tone.jsonl", "--data", "../../fixtures/stance.jsonl", "--heads", "stance"}, "tone"},
		{[]string{"--data", "../../fixtures/tone.jsonl", "--data", noCtx}, "context"},
		{[]string{"--data", "../../fixtures/tone.jsonl", "--data", "../../fixtures/stance.jsonl", "--dev", noCtx}, "--dev"},
		{[]string{"--data", "../../fixtures/tone.jsonl", "--stance", "both"}, "--stance"},
		{[]string{"--data", "../../fixtures/tone.jsonl", "--data", "../../fixtures/stance.jsonl", "--stance-buckets", "1000"}, "power of two"},
	} {
		args := append([]string{"train", "--head", "stance", "--quiet", "--out", filepath.Join(dir, "x.tribune")}, tc.args...)
		if _, _, err := runCmd(t, "", args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("train %v: err %v, want one naming %q", tc.args, err, tc.want)
		}
	}
}

func FuzzScoreLine(f *testing.F) {
	f.Add([]byte(`{"text":"a","context":"b","x":[1,{"y":null}]}`))
	f.Add([]byte(`{"text":"a","scores":3}`))
	f.Add([]byte(` {"text":"\u00e9\ud800"} `))
	f.Add([]byte(`{"text":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sl, _, _, err := parseScoreLine(data)
		if err != nil {
			return
		}
		out := appendObject(nil, data, sl, []byte(`"scores":{"h":0.5}`))
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(out, &obj); err != nil {
			t.Fatalf("output %q is not a JSON object: %v", out, err)
		}
		if string(obj["scores"]) != `{"h":0.5}` {
			t.Fatalf("scores = %s in %q", obj["scores"], out)
		}
		// encoding/json matches field names case-insensitively, so "TEXT" is accepted as text.
		found := false
		for k := range obj {
			found = found || strings.EqualFold(k, "text")
		}
		if !found {
			t.Fatalf("text lost in %q", out)
		}
	})
}

// Head names and class labels are written as JSON strings: control characters, quotes and
// line separators in them must still give valid JSON, equal to encoding/json's.
func TestScoreNamesAreJSON(t *testing.T) {
	for _, name := range []string{"toxicity", "bell\a tab\t nul\x00", `quote " back \`, "sep \u2028 <&>", "bad \xff"} {
		p := &classifier.Prediction{Heads: []classifier.HeadPrediction{{Name: name, Label: name + "!"}}}
		got := appendDecisions(nil, p)
		want, _ := json.Marshal(map[string]string{name: name + "!"})
		if string(got) != string(want) {
			t.Errorf("appendDecisions(%q) = %s, want %s", name, got, want)
		}
		obj := append(append([]byte{'{'}, memberName(name)...), "1}"...)
		if !json.Valid(obj) {
			t.Errorf("memberName(%q) gives invalid JSON %s", name, obj)
		}
	}
}
