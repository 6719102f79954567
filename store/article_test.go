package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func TestPutArticle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)

	in := moderation.Article{ID: "a1", Title: "NATO at 77", URL: "https://x/1", Body: "Body.", StanceTarget: "NATO should expand", Mode: moderation.ModePremoderate}
	saved, created, err := db.PutArticle(ctx, in)
	if err != nil || !created {
		t.Fatalf("PutArticle = %v, created %v; want nil, true", err, created)
	}
	want := in
	want.CreatedAt, want.UpdatedAt = t0, t0
	if diff := cmp.Diff(want, saved); diff != "" {
		t.Errorf("saved article (-want +got):\n%s", diff)
	}

	clk.Advance(time.Minute)
	in.Title, in.Mode = "NATO at 77, updated", moderation.ModeClosed
	saved, created, err = db.PutArticle(ctx, in)
	if err != nil || created {
		t.Fatalf("PutArticle(update) = %v, created %v; want nil, false", err, created)
	}
	want = in
	want.CreatedAt, want.UpdatedAt = t0, t0.Add(time.Minute)
	if diff := cmp.Diff(want, saved); diff != "" {
		t.Errorf("updated article (-want +got):\n%s", diff)
	}
	got, err := db.Article(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Article (-want +got):\n%s", diff)
	}

	if _, err := db.Article(ctx, "nope"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Article(nope) err = %v, want ErrNotFound", err)
	}
	if _, err := db.ArticleStats(ctx, "nope"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("ArticleStats(nope) err = %v, want ErrNotFound", err)
	}
}

func TestArticleStatsAndList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	clk.Advance(time.Second)
	mustArticle(t, db, "a2")
	m := mustModerator(t, db, "mo")

	mustInsert(t, db, newComment("a1", moderation.Approve, 0.1))
	mustInsert(t, db, newComment("a1", moderation.Approve, 0.1))
	held := mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	noStance := newComment("a1", moderation.Reject, 1)
	noStance.Comment.Assessment.Scores.Stance = nil
	mustInsert(t, db, noStance)
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: held.ID, ModeratorID: m.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK}); err != nil {
		t.Fatal(err)
	}

	st, err := db.ArticleStats(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	want := moderation.ArticleStats{
		Article:   st.Article,
		Total:     5,
		ByStatus:  map[moderation.Verdict]int{moderation.Approve: 3, moderation.Hold: 1, moderation.Reject: 1},
		ByStance:  map[moderation.Stance]int{moderation.Agree: 0, moderation.Disagree: 4, moderation.Discuss: 0, moderation.Unrelated: 0, moderation.Unclear: 0},
		Undecided: 1,
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("ArticleStats (-want +got):\n%s", diff)
	}

	list, err := db.ListArticles(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, s := range list {
		order = append(order, s.Article.ID)
	}
	if diff := cmp.Diff([]string{"a2", "a1"}, order); diff != "" {
		t.Errorf("ListArticles order (-want +got):\n%s", diff)
	}
	if list[1].Total != 5 || list[0].Total != 0 {
		t.Errorf("ListArticles totals = %d, %d; want 0, 5", list[0].Total, list[1].Total)
	}
	if list, _ := db.ListArticles(ctx, 0, 1); len(list) != 1 {
		t.Errorf("ListArticles(1) returned %d articles", len(list))
	}
}
