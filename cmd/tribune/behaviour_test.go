package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tribune/tribune/fixtures"
	"github.com/tribune/tribune/internal/shareddata"
)

// behaviourFloors gives, for each category of fixtures/behaviour.jsonl in report order, the
// pass rate the test enforces (Floor) and the one we aim for (Goal). Floors are what the
// shipped default model reaches under the default policy, rounded down: a regression guard that
// fails the test when a model or policy change makes a category worse. Goals are issue 9's
// acceptance criteria (0.95 for short civil replies and sharp civil criticism, 0.90 for
// threats, identity attacks and insults) and, for the other categories, ours:
//   - obfuscated 0.80 and padded 0.85: abusive comments, which text folding and
//     worst-sentence scoring should hold nearly as often as plain abuse.
//   - profanity 0.85: word-level, a little below insults because mild swearing is a site's
//     choice.
//   - counter_speech 0.70: condemning abuse means quoting it, which a bag of words cannot tell
//     from the abuse itself.
//   - violent_words_neutral 0.85 and identity_neutral 0.90: civil comments that a biased model
//     holds for a word.
//   - other_language 0.90: the policy holds unsupported languages; a short comment may be
//     misdetected.
//
// The report marks a category "below goal" where the model has not reached it yet; the model
// card lists them.
var behaviourFloors = []struct {
	Category string
	Floor    float64
	Goal     float64
	Min      int // fewest rows the fixture must hold in the category
}{
	{"threat_explicit", 0.93, 0.90, 25},
	{"threat_implied", 0.58, 0.90, 25},
	{"identity_attack", 0.65, 0.90, 25},
	{"insult", 0.76, 0.90, 25},
	{"profanity", 0.96, 0.85, 25},
	{"obfuscated", 0.83, 0.80, 25},
	{"padded", 0.68, 0.85, 25},
	{"short_civil", 1.00, 0.95, 40},
	{"civil_criticism", 1.00, 0.95, 40},
	{"counter_speech", 0.79, 0.70, 25},
	{"violent_words_neutral", 0.96, 0.85, 25},
	{"identity_neutral", 0.96, 0.90, 25},
	{"other_language", 0.87, 0.90, 25},
}

// reportEnv names the environment variable with the path of the Markdown report that both
// tests write their tables into, each in its own marked section, for the model card.
const reportEnv = "TRIBUNE_BEHAVIOUR_REPORT"

// behaviourCase is one row of fixtures/behaviour.jsonl.
type behaviourCase struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Context  string `json:"context"`
	Want     string `json:"want"`
	// body is the article body, set only for the seed case, which comes with its article.
	body string
}

// loadBehaviour reads the behaviour suite, and adds the seed case as a civil criticism when the
// shared folder is present: the seed's text is read from there rather than copied into fixtures
// (shared/seed/README.md), so the suite carries it unchanged.
func loadBehaviour(t *testing.T) []behaviourCase {
	t.Helper()
	b, err := fixtures.FS.ReadFile("behaviour.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var cases []behaviourCase
	for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var c behaviourCase
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("behaviour.jsonl line %d: %v", i+1, err)
		}
		cases = append(cases, c)
	}
	seedPath, ok := shareddata.Optional(t, "seed/seed.json")
	if ok {
		raw, err := os.ReadFile(seedPath)
		if err != nil {
			t.Fatal(err)
		}
		var seed struct {
			Article struct{ Title, Body string }
			Comment struct{ Text string }
		}
		if err := json.Unmarshal(raw, &seed); err != nil {
			t.Fatalf("%s: %v", seedPath, err)
		}
		cases = append(cases, behaviourCase{Category: "civil_criticism", Text: seed.Comment.Text,
			Context: seed.Article.Title, Want: "approve", body: seed.Article.Body})
	}
	return cases
}

// TestBehaviourFixture checks the suite's shape without a model: known categories with enough
// rows, verdicts that agree with the category, no duplicate texts.
func TestBehaviourFixture(t *testing.T) {
	approve := map[string]bool{"short_civil": true, "civil_criticism": true, "counter_speech": true,
		"violent_words_neutral": true, "identity_neutral": true}
	counts := map[string]int{}
	seen := map[string]bool{}
	for _, c := range loadBehaviour(t) {
		want := "hold"
		if approve[c.Category] {
			want = "approve"
		}
		if c.Want != want || strings.TrimSpace(c.Text) == "" || seen[c.Text] {
			t.Errorf("bad or duplicate row %+v (want %q for its category)", c, want)
		}
		seen[c.Text] = true
		counts[c.Category]++
	}
	total := 0
	for _, f := range behaviourFloors {
		if counts[f.Category] < f.Min {
			t.Errorf("category %s has %d rows, want at least %d", f.Category, counts[f.Category], f.Min)
		}
		total += counts[f.Category]
		delete(counts, f.Category)
	}
	if len(counts) > 0 {
		t.Errorf("categories without a floor: %v", counts)
	}
	if total < 360 {
		t.Errorf("suite has %d rows, want at least 360", total)
	}
}

// behaviourResult is what the API said about one suite row.
type behaviourResult struct {
	Verdict string                            `json:"machine_verdict"`
	Model   string                            `json:"model_version"`
	Reasons []reasonResult                    `json:"reasons"`
	Scores  struct{ Tone map[string]float64 } `json:"scores"`
}

type reasonResult struct{ Code, Message string }

// TestBehaviourSuite submits every row of the behaviour suite to a real tribune serve (temp
// SQLite file, embedded default model, default policy) through POST /api/v1/comments, and
// compares each machine verdict with the row's want: "hold" is met by hold or reject.
func TestBehaviourSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("behaviour suite boots the server and scores every row; skipped in -short")
	}
	cases := loadBehaviour(t)
	db := filepath.Join(t.TempDir(), "behaviour.db")
	key := newAPIKey(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, _, _ := startServe(t, ctx, "--addr", "127.0.0.1:0", "--db", db, "--quiet")

	// One article per distinct context, created through the API like a site's backend would.
	articles := map[string]string{}
	for _, c := range cases {
		if _, ok := articles[c.Context]; ok {
			continue
		}
		id := fmt.Sprintf("behaviour-%02d", len(articles))
		title := c.Context
		if title == "" {
			title = "Readers' letters"
		}
		body, err := json.Marshal(map[string]string{"title": title, "body": c.body})
		if err != nil {
			t.Fatal(err)
		}
		if code := call(t, http.MethodPut, base+"/api/v1/articles/"+id, key, string(body), nil); code != http.StatusCreated {
			t.Fatalf("PUT article %s: %d", id, code)
		}
		articles[c.Context] = id
	}

	type tally struct{ n, passed int }
	tallies := map[string]*tally{}
	model := ""
	for i, c := range cases {
		body, err := json.Marshal(map[string]any{"article_id": articles[c.Context],
			"author": map[string]string{"id": fmt.Sprintf("reader-%d", i)}, "text": c.Text})
		if err != nil {
			t.Fatal(err)
		}
		var got behaviourResult
		if code := call(t, http.MethodPost, base+"/api/v1/comments", key, string(body), &got); code != http.StatusCreated {
			t.Fatalf("POST comment %q: %d", c.Text, code)
		}
		model = got.Model
		tl := tallies[c.Category]
		if tl == nil {
			tl = &tally{}
			tallies[c.Category] = tl
		}
		tl.n++
		held := got.Verdict == "hold" || got.Verdict == "reject"
		if held == (c.Want == "hold") {
			tl.passed++
			continue
		}
		if testing.Verbose() {
			t.Logf("FAIL %s: want %s, got %s: %q\n\ttone %s\n\treasons %s", c.Category, c.Want, got.Verdict,
				c.Text, formatTone(got.Scores.Tone), formatReasons(got.Reasons))
		}
	}

	var md strings.Builder
	fmt.Fprintf(&md, "Behaviour suite (`fixtures/behaviour.jsonl`), model `%s`, default policy:\n\n", model)
	md.WriteString("| category | n | passed | rate | floor (enforced) | goal | |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |\n")
	var below []string
	all := tally{}
	for _, f := range behaviourFloors {
		tl := tallies[f.Category]
		if tl == nil || tl.n == 0 {
			t.Errorf("category %s has no rows", f.Category)
			continue
		}
		all.n += tl.n
		all.passed += tl.passed
		rate := float64(tl.passed) / float64(tl.n)
		mark := "ok"
		if rate < f.Goal {
			mark = "below goal"
		}
		if rate < f.Floor {
			mark = "BELOW FLOOR"
			below = append(below, fmt.Sprintf("%s %.2f < %.2f", f.Category, rate, f.Floor))
		}
		fmt.Fprintf(&md, "| %s | %d | %d | %.2f | %.2f | %.2f | %s |\n", f.Category, tl.n, tl.passed, rate, f.Floor, f.Goal, mark)
	}
	fmt.Fprintf(&md, "| all | %d | %d | %.2f | | | |\n", all.n, all.passed, float64(all.passed)/float64(all.n))
	t.Logf("\n%s", md.String())
	writeReport(t, "behaviour", md.String())
	reportFloors(t, "behaviour suite", below)
}

// reportFloors fails the test for every floor missed.
func reportFloors(t *testing.T, what string, below []string) {
	t.Helper()
	if len(below) > 0 {
		t.Errorf("%s below floor: %s", what, strings.Join(below, "; "))
	}
}

// writeReport replaces (or appends) the named section of the Markdown report at
// $TRIBUNE_BEHAVIOUR_REPORT, so both tests can share one file in any order.
func writeReport(t *testing.T, section, body string) {
	t.Helper()
	path := os.Getenv(reportEnv)
	if path == "" {
		return
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	begin, end := "<!-- tribune:"+section+" -->\n", "<!-- /tribune:"+section+" -->\n"
	block := begin + body + end
	text := string(old)
	if i := strings.Index(text, begin); i >= 0 {
		if j := strings.Index(text[i:], end); j >= 0 {
			text = text[:i] + block + text[i+j+len(end):]
		} else {
			text = text[:i] + block
		}
	} else {
		if text != "" && !strings.HasSuffix(text, "\n\n") {
			text += "\n"
		}
		text += block
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// formatTone prints tone scores in a fixed order, highest first.
func formatTone(tone map[string]float64) string {
	names := make([]string, 0, len(tone))
	for n := range tone {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if tone[names[i]] != tone[names[j]] {
			return tone[names[i]] > tone[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %.2f", n, tone[n])
	}
	return strings.Join(parts, ", ")
}

func formatReasons(rs []reasonResult) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Code + ": " + r.Message
	}
	return strings.Join(parts, "; ")
}
