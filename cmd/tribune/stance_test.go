package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tribune/tribune/fixtures"
	"github.com/tribune/tribune/moderation"
)

// stanceSuiteFloor is the macro-F1 over the four stances that TestStanceSuite enforces on
// fixtures/stance_suite.jsonl: what the shipped default model reaches, rounded down, as a
// regression guard. The goal is 0.80 (stanceSuiteGoal).
const (
	stanceSuiteFloor = 0.78
	stanceSuiteGoal  = 0.80
)

// stanceArticle is one row of fixtures/stance_suite_articles.jsonl.
type stanceArticle struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// stanceCase is one row of fixtures/stance_suite.jsonl: a comment on one of those articles and
// its stance towards it.
type stanceCase struct {
	Article string `json:"article"`
	Text    string `json:"text"`
	Label   string `json:"label"`
}

func loadStanceSuite(t *testing.T) ([]stanceArticle, []stanceCase) {
	t.Helper()
	var arts []stanceArticle
	var cases []stanceCase
	for _, f := range []struct {
		name string
		add  func(dec *json.Decoder) error
	}{
		{"stance_suite_articles.jsonl", func(dec *json.Decoder) error {
			var a stanceArticle
			err := dec.Decode(&a)
			arts = append(arts, a)
			return err
		}},
		{"stance_suite.jsonl", func(dec *json.Decoder) error {
			var c stanceCase
			err := dec.Decode(&c)
			cases = append(cases, c)
			return err
		}},
	} {
		b, err := fixtures.FS.ReadFile(f.name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.DisallowUnknownFields()
			if err := f.add(dec); err != nil {
				t.Fatalf("%s line %d: %v", f.name, i+1, err)
			}
		}
	}
	return arts, cases
}

// TestStanceSuiteFixture checks the suite's shape without a model: at least 120 comments on at
// least 8 articles, the four stances balanced, every comment on a known article, no duplicates.
func TestStanceSuiteFixture(t *testing.T) {
	arts, cases := loadStanceSuite(t)
	ids := map[string]bool{}
	for _, a := range arts {
		if a.ID == "" || a.Title == "" || a.Body == "" || ids[a.ID] {
			t.Errorf("bad or duplicate article %+v", a)
		}
		ids[a.ID] = true
	}
	if len(arts) < 8 || len(cases) < 120 {
		t.Errorf("suite has %d comments on %d articles, want at least 120 on 8", len(cases), len(arts))
	}
	per := map[string]int{}
	seen := map[string]bool{}
	for _, c := range cases {
		if !ids[c.Article] || !moderation.Stance(c.Label).Valid() || strings.TrimSpace(c.Text) == "" || seen[c.Text] {
			t.Errorf("bad or duplicate row %+v", c)
		}
		seen[c.Text] = true
		per[c.Label]++
	}
	for _, st := range moderation.Stances {
		if per[string(st)] != len(cases)/4 {
			t.Errorf("stance %s has %d comments, want %d (a quarter)", st, per[string(st)], len(cases)/4)
		}
	}
}

// TestStanceSuite posts every comment of our stance suite to its article through the real
// service and measures the stance the API reports: macro-F1 over the four stances with the
// confusion matrix, and how many the policy's confidence level leaves unclear.
func TestStanceSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("stance suite boots the server and scores every comment; skipped in -short")
	}
	arts, cases := loadStanceSuite(t)
	db := filepath.Join(t.TempDir(), "stance.db")
	key := newAPIKey(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, _, _ := startServe(t, ctx, "--addr", "127.0.0.1:0", "--db", db, "--quiet")
	for _, a := range arts {
		body, err := json.Marshal(map[string]string{"title": a.Title, "body": a.Body})
		if err != nil {
			t.Fatal(err)
		}
		if code := call(t, http.MethodPut, base+"/api/v1/articles/"+a.ID, key, string(body), nil); code != http.StatusCreated {
			t.Fatalf("PUT article %s: %d", a.ID, code)
		}
	}
	classes := make([]string, len(moderation.Stances))
	for i, st := range moderation.Stances {
		classes[i] = string(st)
	}
	conf := make([][]int, len(classes))
	for i := range conf {
		conf[i] = make([]int, len(classes))
	}
	unclear, unclearRight, confident, confidentRight := 0, 0, 0, 0
	for i, c := range cases {
		body, err := json.Marshal(map[string]any{"article_id": c.Article,
			"author": map[string]string{"id": fmt.Sprintf("reader-%d", i)}, "text": c.Text})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Scores struct {
				Stance      map[string]float64 `json:"stance"`
				StanceLabel string             `json:"stance_label"`
			} `json:"scores"`
		}
		if code := call(t, http.MethodPost, base+"/api/v1/comments", key, string(body), &got); code != http.StatusCreated {
			t.Fatalf("POST comment %q: %d", c.Text, code)
		}
		scores := moderation.Scores{Stance: map[moderation.Stance]float64{}}
		for k, p := range got.Scores.Stance {
			scores.Stance[moderation.Stance(k)] = p
		}
		// The suite measures the most probable stance; the API's label is that stance or, where
		// the service reports abstentions, "unclear".
		top, _ := scores.TopStance()
		label, _ := scores.StanceLabel()
		if l := got.Scores.StanceLabel; l != string(top) && l != string(label) {
			t.Errorf("comment %q: stance label %q, want %q or %q", c.Text, l, top, label)
		}
		pred := slices.Index(classes, string(top))
		if pred < 0 {
			t.Fatalf("comment %q: stance scores %v name no stance", c.Text, got.Scores.Stance)
		}
		conf[slices.Index(classes, c.Label)][pred]++
		right := classes[pred] == c.Label
		if label == moderation.Unclear {
			unclear++
			unclearRight += b2i(right)
		} else {
			confident++
			confidentRight += b2i(right)
		}
		if !right && testing.Verbose() {
			t.Logf("MISS want %s, got %s %v: %q", c.Label, classes[pred], got.Scores.Stance, c.Text)
		}
	}
	macro := 0.0
	var md strings.Builder
	fmt.Fprintf(&md, "Stance suite (`fixtures/stance_suite.jsonl`, %d comments on %d articles), through the API:\n\n", len(cases), len(arts))
	md.WriteString("| stance | n | precision | recall | F1 |\n| --- | ---: | ---: | ---: | ---: |\n")
	for c, name := range classes {
		tp, sup, dec := conf[c][c], 0, 0
		for k := range classes {
			sup += conf[c][k]
			dec += conf[k][c]
		}
		p, r, f := ratio(tp, dec), ratio(tp, sup), ratio(2*tp, sup+dec)
		macro += f / float64(len(classes))
		fmt.Fprintf(&md, "| %s | %d | %.2f | %.2f | %.2f |\n", name, sup, p, r, f)
	}
	fmt.Fprintf(&md, "\nMacro-F1 %.3f (floor %.2f, goal %.2f). Confusion (rows gold, columns decided: %s):\n\n",
		macro, stanceSuiteFloor, stanceSuiteGoal, strings.Join(classes, ", "))
	for c, name := range classes {
		fmt.Fprintf(&md, "    %-10s %v\n", name, conf[c])
	}
	fmt.Fprintf(&md, "\nBelow StanceConfidence %.2f: %d unclear (their top stance right %d times); %d confident, right %d times.\n",
		moderation.StanceConfidence, unclear, unclearRight, confident, confidentRight)
	t.Logf("\n%s", md.String())
	writeReport(t, "stance", md.String())
	if macro < stanceSuiteFloor {
		t.Errorf("stance suite macro-F1 %.3f below floor %.2f", macro, stanceSuiteFloor)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestScoreDecisionsUnclear: `tribune score --decisions` decides stance as the service does,
// "unclear" when no stance reaches moderation.StanceConfidence, on the stance suite's comments
// (some of which the default model is unsure of).
func TestScoreDecisionsUnclear(t *testing.T) {
	arts, cases := loadStanceSuite(t)
	ctx := map[string]string{}
	for _, a := range arts {
		ctx[a.ID] = moderation.Article{Title: a.Title, Body: a.Body}.StanceContext()
	}
	var in strings.Builder
	for _, c := range cases {
		line, err := json.Marshal(map[string]string{"text": c.Text, "context": ctx[c.Article]})
		if err != nil {
			t.Fatal(err)
		}
		in.Write(append(line, '\n'))
	}
	out, stderr, err := runCmd(t, in.String(), "score", "--decisions")
	if err != nil {
		t.Fatalf("score: %v (%s)", err, stderr)
	}
	unclear := 0
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var row struct {
			Scores    struct{ Stance map[string]float64 }
			Decisions map[string]string
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want, _ := moderation.Scores{Stance: toStances(row.Scores.Stance)}.StanceLabel()
		if got := row.Decisions["stance"]; got != string(want) {
			t.Errorf("line %d: decided stance %q, want %q (%v)", i+1, got, want, row.Scores.Stance)
		}
		if want == moderation.Unclear {
			unclear++
		}
	}
	if unclear == 0 {
		t.Error("no comment of the suite came out unclear: the test checks nothing")
	}
}

func toStances(m map[string]float64) map[moderation.Stance]float64 {
	out := make(map[moderation.Stance]float64, len(m))
	for k, v := range m {
		out[moderation.Stance(k)] = v
	}
	return out
}
