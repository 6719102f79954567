package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/classifier"
)

// TestPerspectiveFeedbackEndToEnd serves, lets a Perspective client analyze a comment and
// suggest scores for two, then exports the suggestions and reads them back with
// `tribune train`'s reader.
func TestPerspectiveFeedbackEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "feedback.db")
	key := newAPIKey(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	base, done, logs := startServe(t, ctx, "--addr", "127.0.0.1:0", "--db", db)
	endpoint := base + "/v1alpha1"

	var analyzed struct {
		AttributeScores map[string]struct {
			SummaryScore struct{ Value float64 } `json:"summaryScore"`
		} `json:"attributeScores"`
	}
	if code := call(t, http.MethodPost, endpoint+"/comments:analyze?key="+key, "",
		`{"comment":{"text":"A thoughtful piece."},"doNotStore":true,"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}`,
		&analyzed); code != 200 {
		t.Fatalf("analyze: %d %v", code, analyzed)
	}
	if v := analyzed.AttributeScores["TOXICITY"].SummaryScore.Value; v < 0 || v > 1 {
		t.Errorf("toxicity = %v, want a probability", v)
	}
	for _, body := range []string{
		`{"comment":{"text":"Well argued, thank you."},"attributeScores":{"APPROVED":{"summaryScore":{"value":1}}},"languages":["EN"],"communityId":"Coral:https://talk.example/","clientToken":"comment:1"}`,
		`{"comment":{"text":"You absolute clown."},"attributeScores":{"TOXICITY":{"summaryScore":{"value":1}}},"languages":["en"],"clientToken":"comment:2"}`,
	} {
		var answer map[string]any
		if code := call(t, http.MethodPost, endpoint+"/comments:suggestscore?key="+key, "", body, &answer); code != 200 {
			t.Fatalf("suggestscore: %d %v", code, answer)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, logs)
	}

	out := filepath.Join(t.TempDir(), "feedback.jsonl")
	if _, errOut, err := cliRun(t, "", "feedback", "export", "--db", db, "--out", out); err != nil ||
		!strings.Contains(errOut, "exported 2 labeled examples") {
		t.Fatalf("feedback export: %v\n%s", err, errOut)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	examples, err := classifier.ReadExamples(f)
	if err != nil {
		t.Fatalf("ReadExamples: %v", err)
	}
	want := []classifier.Example{
		{Text: "Well argued, thank you.", Labels: map[string]int{"toxicity": 0, "insult": 0, "threat": 0, "identity_attack": 0, "profanity": 0}, Source: "perspective_feedback"},
		{Text: "You absolute clown.", Labels: map[string]int{"toxicity": 1}, Source: "perspective_feedback"},
	}
	if diff := cmp.Diff(want, examples); diff != "" {
		t.Errorf("exported examples (-want +got):\n%s", diff)
	}

	stdout, _, err := cliRun(t, "", "feedback", "export", "--db", db, "--rejects", "skip")
	if err != nil || strings.Count(stdout, "\n") != 2 {
		t.Errorf("export to stdout: %v\n%s", err, stdout)
	}
	for _, args := range [][]string{{"feedback"}, {"feedback", "import"}, {"feedback", "export", "--db", db, "extra"}} {
		if _, _, err := cliRun(t, "", args...); err != errUsage {
			t.Errorf("%v: err = %v, want errUsage", args, err)
		}
	}
	if _, _, err := cliRun(t, "", "feedback", "export", "--db", db, "--rejects", "maybe"); err == nil {
		t.Error("--rejects maybe succeeded")
	}
	if _, _, err := cliRun(t, "", "feedback", "export", "--db", filepath.Join(t.TempDir(), "missing.db")); err == nil {
		t.Error("export from a missing database succeeded (and created it)")
	}
}
