package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

// TestLanguageRoundTrip stores a comment's detected language with its scores, reads it back
// (also through the policy preview's reader), and replaces it when a rescore writes new scores.
func TestLanguageRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	tests := []struct{ name, lang string }{{"German", "de"}, {"undetermined", ""}, {"English", "en"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc := newComment("a1", moderation.Hold, 0.5)
			nc.Comment.Assessment.Language = tt.lang
			c := mustInsert(t, db, nc)
			if c.Assessment.Language != tt.lang {
				t.Errorf("inserted language = %q, want %q", c.Assessment.Language, tt.lang)
			}
			got, err := db.Comment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Assessment.Language != tt.lang {
				t.Errorf("stored language = %q, want %q", got.Assessment.Language, tt.lang)
			}
			recent, err := db.RecentAssessments(ctx, 1)
			if err != nil || len(recent) != 1 || recent[0].Language != tt.lang {
				t.Errorf("RecentAssessments = %+v, %v; want language %q", recent, err, tt.lang)
			}
		})
	}

	// Rescoring under a new model version, and again under the same one, writes the newer
	// detection each time.
	c := mustInsert(t, db, newComment("a1", moderation.Approve, 0.1))
	for i, lang := range []string{"fr", "it"} {
		cp := moderation.RescoreCheckpoint{Key: "run-" + lang, ModelVersion: "m2", StartedAt: t0, UpdatedAt: t0}
		if err := db.StartRescore(ctx, cp); err != nil {
			t.Fatal(err)
		}
		as := assessment(0.1)
		as.ModelVersion, as.Language = "m2", lang
		cp.LastID, cp.Processed = c.ID, 1
		err := db.ApplyRescore(ctx, moderation.RescoreWrite{Checkpoint: cp, Results: []moderation.RescoreResult{{
			ID: c.ID, Assessment: as, Verdict: moderation.Hold, Changed: true, Old: moderation.Approve,
			Reasons: []moderation.Reason{{Code: "language.unsupported", Message: "language " + lang + " not supported"}},
		}}})
		if err != nil {
			t.Fatalf("ApplyRescore: %v", err)
		}
		got, err := db.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Assessment.ModelVersion != "m2" || got.Assessment.Language != lang {
			t.Errorf("after rescore %d: model %s, language %q; want m2, %q", i+1, got.Assessment.ModelVersion, got.Assessment.Language, lang)
		}
	}
}

// TestUpgradeAddsLanguage opens a database at the schema before 0004_language with a scored
// comment: the upgrade keeps the comment, and its old assessment has no language.
func TestUpgradeAddsLanguage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shipped, err := readMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	before := fstest.MapFS{}
	for _, m := range shipped {
		if m.name >= "0004" {
			break
		}
		before[m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, old, before, t0); err != nil {
		t.Fatalf("migrations before 0004: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO articles (id, title, created_at, updated_at) VALUES ('a1', 'T', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO comments (article_id, author_id, author_name, text, created_at, model_version, machine_verdict, status)
		 VALUES ('a1', 'u', 'U', 'Das ist ein alter Kommentar.', '2026-01-01T00:00:00.000000000Z', 'm0', 'approve', 'approve')`,
		`INSERT INTO scores (comment_id, model_version, tone, stance, explanation, created_at)
		 VALUES (1, 'm0', '{"toxicity":0.74}', '{}', '{}', '2026-01-01T00:00:00.000000000Z')`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open on a database before 0004: %v", err)
	}
	defer db.Close()
	if got := appliedVersions(t, db.write); len(got) != len(shipped) {
		t.Errorf("applied versions = %v, want all %d shipped", got, len(shipped))
	}
	c, err := db.Comment(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Assessment.Language != "" || c.Assessment.Scores.Tone["toxicity"] != 0.74 {
		t.Errorf("old comment after upgrade: language %q, tone %v; want \"\" and the old scores", c.Assessment.Language, c.Assessment.Scores.Tone)
	}
}

// TestPolicyLanguages checks the language fields round-trip, and that a policy saved before
// they existed loads with the defaults.
func TestPolicyLanguages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	def := moderation.DefaultPolicy()
	tests := []struct {
		name   string
		mutate func(*moderation.Policy)
	}{
		{"default", func(*moderation.Policy) {}},
		{"several languages, reject", func(p *moderation.Policy) {
			p.Languages, p.UnsupportedLanguage, p.AutoReject = []string{"en", "de", "fr"}, moderation.Reject, true
		}},
		{"check off", func(p *moderation.Policy) { p.Languages = nil }},
		{"empty verdict", func(p *moderation.Policy) { p.UnsupportedLanguage = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := moderation.DefaultPolicy()
			tt.mutate(&want)
			if err := db.SavePolicy(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := db.Policy(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Policy (-want +got):\n%s", diff)
			}
		})
	}

	// The policy JSON as the release before language detection wrote it.
	old := `{"hold":{"insult":0.7},"reject":{"insult":0.97},"auto_reject":false,"banned_words":["x"],"suspect_words":null}`
	if _, err := db.write.ExecContext(ctx, `UPDATE policy SET body = ? WHERE id = 1`, old); err != nil {
		t.Fatal(err)
	}
	got, err := db.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Written before priors too, it loads with the default priors.
	want := moderation.Policy{Hold: map[string]float64{"insult": 0.7}, Reject: map[string]float64{"insult": 0.97},
		BannedWords: []string{"x"}, Languages: def.Languages, UnsupportedLanguage: def.UnsupportedLanguage,
		Priors: def.Priors}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("old policy (-want +got):\n%s", diff)
	}
}

// TestPolicyPriors checks the priors round-trip, that a policy saved without priors (nil or
// empty) loads with none, and that one saved before priors existed loads with the defaults.
func TestPolicyPriors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	hold := map[string]float64{"insult": 0.6}
	saved := []struct {
		name   string
		priors map[string]float64
		want   map[string]float64
	}{
		{"default priors", moderation.DefaultPriors(), moderation.DefaultPriors()},
		{"own priors", map[string]float64{"toxicity": 0.3}, map[string]float64{"toxicity": 0.3}},
		{"no priors", nil, nil},
		{"empty priors", map[string]float64{}, nil},
	}
	for _, tt := range saved {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.SavePolicy(ctx, moderation.Policy{Hold: hold, Priors: tt.priors}); err != nil {
				t.Fatal(err)
			}
			var body string
			if err := db.write.QueryRowContext(ctx, `SELECT body FROM policy WHERE id = 1`).Scan(&body); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body, `"priors":`) {
				t.Errorf("saved policy %s lacks \"priors\"", body)
			}
			got, err := db.Policy(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Priors); diff != "" {
				t.Errorf("priors (-want +got):\n%s", diff)
			}
		})
	}

	bodies := []struct {
		name, body string
		want       map[string]float64
	}{
		{"saved before priors", `{"hold":{"insult":0.6},"languages":["en"],"unsupported_language":"hold"}`, moderation.DefaultPriors()},
		{"saved with {}", `{"hold":{"insult":0.6},"languages":["en"],"unsupported_language":"hold","priors":{}}`, nil},
		{"saved with own", `{"hold":{"insult":0.6},"priors":{"threat":0.2}}`, map[string]float64{"threat": 0.2}},
	}
	for _, tt := range bodies {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.write.ExecContext(ctx, `UPDATE policy SET body = ? WHERE id = 1`, tt.body); err != nil {
				t.Fatal(err)
			}
			got, err := db.Policy(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Priors); diff != "" {
				t.Errorf("priors (-want +got):\n%s", diff)
			}
			if got.Hold["insult"] != 0.6 {
				t.Errorf("hold = %v, want insult 0.6", got.Hold)
			}
		})
	}
}
