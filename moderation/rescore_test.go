package moderation_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
)

// newModel is a "retrained" fake: it finds "nonsense" toxic (approve → hold) and no longer
// finds "idiot" insulting (hold → approve), and explains both.
type newModel struct{ base moderationtest.FakeClassifier }

func (newModel) Version() string { return "fake-retrained-2" }

func (m newModel) Assess(text, context string) (moderation.Assessment, error) {
	a, err := m.base.Assess(text, context)
	if err != nil {
		return a, err
	}
	a.ModelVersion = m.Version()
	lower := strings.ToLower(text)
	if i := strings.Index(lower, "nonsense"); i >= 0 {
		a.Scores.Tone["toxicity"] = 0.9
		a.Explanation["toxicity"] = append(a.Explanation["toxicity"],
			moderation.Contribution{Feature: "nonsense", Class: "toxicity", Weight: 6, Start: i, End: i + 8})
	}
	if strings.Contains(lower, "idiot") {
		a.Scores.Tone["toxicity"], a.Scores.Tone["insult"] = 0.3, 0.3
		for _, head := range []string{"toxicity", "insult"} {
			for i, c := range a.Explanation[head] {
				if c.Feature == "idiot" {
					a.Explanation[head][i].Weight = 1
				}
			}
		}
	}
	return a, nil
}

// rescoreFixture is a service over a fresh SQLite file with a few comments, some decided.
type rescoreFixture struct {
	*fixture
	path string
	mod  moderation.Moderator
}

func newRescoreFixture(t *testing.T) *rescoreFixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tribune.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	fixed := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return fixed }
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{})
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	if err := svc.SetPolicy(ctx, moderationtest.Policy()); err != nil {
		t.Fatalf("SetPolicy: %v", err)
	}
	f := &rescoreFixture{fixture: &fixture{svc: svc, db: db, now: fixed}, path: path}
	svc.Now = func() time.Time { return f.now }
	f.article(t, "a1", moderation.ModeAuto)
	f.mod = f.moderator(t, "mia", moderation.RoleModerator)
	return f
}

func (f *rescoreFixture) decide(t *testing.T, id int64, v moderation.Verdict, reason moderation.ReasonCode) {
	t.Helper()
	if _, err := f.svc.Decide(context.Background(), f.mod, moderation.DecisionInput{CommentID: id, Verdict: v, Reason: reason}); err != nil {
		t.Fatalf("Decide(%d): %v", id, err)
	}
}

func (f *rescoreFixture) rescorer(apply bool) *moderation.Rescorer {
	return &moderation.Rescorer{Store: f.db, Classifier: newModel{}, Policy: f.svc.Policy(), Apply: apply,
		BatchSize: 2, Workers: 3, Now: func() time.Time { return f.now }}
}

// dump renders the tables a rescore may touch, row by row. normalize drops the columns that
// record when a write happened, which differ between two runs of the same work.
func dump(t *testing.T, path string, normalize bool) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_query_only=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	queries := []string{
		`SELECT * FROM comments ORDER BY id`,
		`SELECT * FROM decisions ORDER BY id`,
		`SELECT * FROM scores ORDER BY comment_id, model_version`,
		`SELECT * FROM audit_log ORDER BY id`,
		`SELECT * FROM rescore_runs ORDER BY key`,
		`SELECT * FROM rescore_batches ORDER BY run_key, last_id`,
	}
	if normalize {
		queries = []string{
			`SELECT * FROM comments ORDER BY id`,
			`SELECT comment_id, model_version, tone, stance, explanation FROM scores ORDER BY comment_id, model_version`,
			`SELECT comment_id, action, verdict, detail, model_version FROM audit_log ORDER BY comment_id, id`,
		}
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "%s\n", q)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}

// seed submits four comments and decides two of them.
func (f *rescoreFixture) seed(t *testing.T) (ids [4]int64) {
	texts := []string{"What nonsense, the numbers are wrong", "You idiot, read the article",
		"Another idiot who did not read it", "Total nonsense but civil"}
	for i, s := range texts {
		ids[i] = f.submit(t, "a1", s).ID
	}
	f.decide(t, ids[2], moderation.Reject, moderation.ReasonInsult)
	f.decide(t, ids[3], moderation.Approve, moderation.ReasonOK)
	return ids
}

func TestRescoreChangesUndecidedOnly(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	ids := f.seed(t)

	rep, err := f.rescorer(true).Run(ctx, moderation.RescoreFilter{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := map[int64]struct {
		machine, status moderation.Verdict
		version         string
	}{
		ids[0]: {moderation.Hold, moderation.Hold, "fake-retrained-2"},           // undecided: approve → hold
		ids[1]: {moderation.Approve, moderation.Approve, "fake-retrained-2"},     // undecided: hold → approve
		ids[2]: {moderation.Hold, moderation.Reject, moderationtest.FakeVersion}, // decided: kept
		ids[3]: {moderation.Approve, moderation.Approve, moderationtest.FakeVersion},
	}
	for id, w := range want {
		c, err := f.db.Comment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.MachineVerdict != w.machine || c.Status() != w.status || c.Assessment.ModelVersion != w.version {
			t.Errorf("comment %d = machine %s, status %s, model %s; want %s, %s, %s", id,
				c.MachineVerdict, c.Status(), c.Assessment.ModelVersion, w.machine, w.status, w.version)
		}
		// Every comment, decided or not, has its new scores stored.
		ex, err := f.db.Explanations(ctx, []int64{id})
		if err != nil || ex[id] == nil {
			t.Errorf("Explanations(%d) = %v, %v", id, ex, err)
		}
	}
	var newScores int
	sqlDB, _ := sql.Open("sqlite3", "file:"+f.path+"?_query_only=on")
	defer sqlDB.Close()
	if err := sqlDB.QueryRow(`SELECT count(*) FROM scores WHERE model_version = 'fake-retrained-2'`).Scan(&newScores); err != nil || newScores != 4 {
		t.Errorf("score rows under the new version = %d, %v; want 4", newScores, err)
	}
	hist, err := f.svc.History(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if last.Action != moderation.AuditRescored || last.Verdict != moderation.Hold || last.ModelVersion != "fake-retrained-2" {
		t.Errorf("last audit row of comment %d = %+v, want rescored hold by fake-retrained-2", ids[0], last)
	}

	tl := rep.Tally
	if diff := cmp.Diff(map[string]int{"approve→hold": 1, "hold→approve": 1}, tl.Transitions); diff != "" {
		t.Errorf("transitions (-want +got):\n%s", diff)
	}
	if tl.Scored != 4 || tl.Decided != 2 || tl.Changed != 2 {
		t.Errorf("scored, decided, changed = %d, %d, %d; want 4, 2, 2", tl.Scored, tl.Decided, tl.Changed)
	}
	// Old model: held the rejected insult (TP), approved the approved comment (TN).
	// New model: approves the insult (FN), holds the civil "nonsense" (FP).
	if want := (moderation.Agreement{TP: 1, TN: 1}); tl.Old != want {
		t.Errorf("old agreement = %+v, want %+v", tl.Old, want)
	}
	if want := (moderation.Agreement{FP: 1, FN: 1}); tl.New != want {
		t.Errorf("new agreement = %+v, want %+v", tl.New, want)
	}
	if got := rep.TopTokens(2); !cmp.Equal(got, []string{"idiot", "nonsense"}) {
		t.Errorf("top tokens = %v, want [idiot nonsense]", got)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"approve→hold", "hold→approve", "nonsense", "precision"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, b.String())
		}
	}
}

func TestRescoreDryRunChangesNothing(t *testing.T) {
	f := newRescoreFixture(t)
	f.seed(t)
	before := dump(t, f.path, false)
	rep, err := f.rescorer(false).Run(context.Background(), moderation.RescoreFilter{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Tally.Changed != 2 {
		t.Errorf("dry run reports %d changes, want 2", rep.Tally.Changed)
	}
	if diff := cmp.Diff(before, dump(t, f.path, false)); diff != "" {
		t.Errorf("dry run changed the database (-before +after):\n%s", diff)
	}
}

// failingStore fails ApplyRescore after ok successful batches, as if killed there.
type failingStore struct {
	*store.DB
	ok int
}

var errKilled = errors.New("killed")

func (s *failingStore) ApplyRescore(ctx context.Context, w moderation.RescoreWrite) error {
	if s.ok == 0 {
		return errKilled
	}
	s.ok--
	return s.DB.ApplyRescore(ctx, w)
}

func TestRescoreResumesToTheSameEndState(t *testing.T) {
	ctx := context.Background()
	texts := []string{"nonsense", "idiot", "fine words", "more nonsense", "idiot again", "calm", "stupid idiot", "ok"}
	setup := func() *rescoreFixture {
		f := newRescoreFixture(t)
		for _, s := range texts {
			f.submit(t, "a1", s)
		}
		f.decide(t, 2, moderation.Reject, moderation.ReasonInsult)
		return f
	}
	ref := setup()
	want, err := ref.rescorer(true).Run(ctx, moderation.RescoreFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for killAt := range 4 {
		t.Run(fmt.Sprintf("killed after %d batches", killAt), func(t *testing.T) {
			f := setup()
			r := f.rescorer(true)
			r.Store = &failingStore{DB: f.db, ok: killAt}
			if _, err := r.Run(ctx, moderation.RescoreFilter{}); !errors.Is(err, errKilled) {
				t.Fatalf("first run: %v, want killed", err)
			}
			r = f.rescorer(true)
			r.Workers = 1 // results must not depend on it
			got, err := r.Run(ctx, moderation.RescoreFilter{})
			if err != nil {
				t.Fatalf("rerun: %v", err)
			}
			if got.Resumed != 2*killAt {
				t.Errorf("resumed after %d comments, want %d", got.Resumed, 2*killAt)
			}
			if diff := cmp.Diff(dump(t, ref.path, true), dump(t, f.path, true)); diff != "" {
				t.Errorf("end state differs from an uninterrupted run (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.Tally, got.Tally); diff != "" {
				t.Errorf("report differs from an uninterrupted run (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRescoreFilters(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	f.article(t, "a2", moderation.ModeAuto)
	f.seed(t)
	f.now = f.now.Add(time.Hour)
	f.submit(t, "a2", "late nonsense")
	tests := []struct {
		name   string
		filter moderation.RescoreFilter
		want   int
	}{
		{"all", moderation.RescoreFilter{}, 5},
		{"undecided", moderation.RescoreFilter{Undecided: true}, 3},
		{"article", moderation.RescoreFilter{ArticleID: "a2"}, 1},
		{"since", moderation.RescoreFilter{Since: f.now.Add(-time.Minute)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := f.rescorer(false).Run(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Tally.Scored != tt.want || rep.Total != tt.want {
				t.Errorf("scored %d of %d, want %d", rep.Tally.Scored, rep.Total, tt.want)
			}
		})
	}
}

func TestRescoreClosedArticleKeepsItsDiscussion(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	f.article(t, "c", moderation.ModeAuto)
	before := f.submit(t, "c", "A fair point about the tram").ID
	if _, _, err := f.svc.PutArticle(ctx, moderation.Article{ID: "c", Title: "Closed now", Mode: moderation.ModeClosed}); err != nil {
		t.Fatal(err)
	}
	after := f.submit(t, "c", "Too late to the party").ID
	if _, err := f.rescorer(true).Run(ctx, moderation.RescoreFilter{ArticleID: "c"}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]moderation.Verdict{before: moderation.Approve, after: moderation.Reject} {
		c, err := f.db.Comment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.MachineVerdict != want {
			t.Errorf("comment %d = %s, want %s", id, c.MachineVerdict, want)
		}
	}
}

func TestAgreementRatios(t *testing.T) {
	a := moderation.Agreement{TP: 3, FP: 1, FN: 1}
	if a.Precision() != 0.75 || a.Recall() != 0.75 {
		t.Errorf("precision, recall = %v, %v; want 0.75, 0.75", a.Precision(), a.Recall())
	}
	if !math.IsNaN((moderation.Agreement{}).Precision()) {
		t.Error("precision with nothing held should be NaN")
	}
}

// quickModel is newModel with a cheap scoring path; it counts the texts it was asked to explain.
type quickModel struct {
	newModel
	explained *sync.Map
}

func (m quickModel) Assess(text, context string) (moderation.Assessment, error) {
	m.explained.Store(text, true)
	return m.newModel.Assess(text, context)
}

func (m quickModel) Score(text, context string) (moderation.Assessment, error) {
	a, err := m.newModel.Assess(text, context)
	a.Explanation = nil
	return a, err
}

// TestRescoreExplainsOnlyWhatPeopleSee checks that with a QuickClassifier, rescoring explains
// the comments that are held or change verdict, and only those, with the same verdicts.
func TestRescoreExplainsOnlyWhatPeopleSee(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	ids := f.seed(t)
	calm := f.submit(t, "a1", "A calm remark about the budget").ID
	explained := new(sync.Map)
	r := f.rescorer(true)
	r.Classifier = quickModel{explained: explained}
	if _, err := r.Run(ctx, moderation.RescoreFilter{}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, text := range []string{"What nonsense, the numbers are wrong", "You idiot, read the article"} {
		if _, ok := explained.Load(text); !ok {
			t.Errorf("%q changed verdict but was not explained", text)
		}
	}
	if _, ok := explained.Load("A calm remark about the budget"); ok {
		t.Errorf("an approved comment whose verdict did not change was explained")
	}
	c, err := f.db.Comment(ctx, ids[0])
	if err != nil || c.MachineVerdict != moderation.Hold || len(c.Assessment.Explanation["toxicity"]) == 0 {
		t.Errorf("comment %d = %s with explanation %v, %v; want hold, explained", ids[0], c.MachineVerdict, c.Assessment.Explanation, err)
	}
	if c, err := f.db.Comment(ctx, calm); err != nil || c.MachineVerdict != moderation.Approve || c.Assessment.ModelVersion != "fake-retrained-2" {
		t.Errorf("calm comment = %+v, %v; want approved under the new model", c, err)
	}
}
