package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func TestInsertCommentRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	parent := mustInsert(t, db, newComment("a1", moderation.Approve, 0.2))

	nc := newComment("a1", moderation.Hold, 1.2)
	nc.Comment.ParentID = parent.ID
	nc.Comment.ExternalID = "disqus-42"
	nc.Comment.Reasons = []moderation.Reason{{Code: "threshold.insult", Message: "insult 0.93 ≥ hold threshold 0.80"}}
	nc.Comment.Text = "Ünïcödé, \"quotes\" and\nnewlines"
	got, created, err := db.InsertComment(ctx, nc)
	if err != nil || !created {
		t.Fatalf("InsertComment = %v, created %v", err, created)
	}
	want := nc.Comment
	want.ID, want.CreatedAt = got.ID, t0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("returned comment (-want +got):\n%s", diff)
	}
	stored, err := db.Comment(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored comment (-want +got):\n%s", diff)
	}

	// A set CreatedAt (imports) is kept.
	old := newComment("a1", moderation.Approve, 0)
	old.Comment.CreatedAt = time.Date(2020, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 3600))
	c := mustInsert(t, db, old)
	if stored, _ := db.Comment(ctx, c.ID); !stored.CreatedAt.Equal(old.Comment.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v", stored.CreatedAt, old.Comment.CreatedAt)
	}

	audit, err := db.Audit(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantAudit := []moderation.AuditEntry{{ID: audit[0].ID, CommentID: got.ID, Action: moderation.AuditSubmitted,
		Verdict: moderation.Hold, Detail: "threshold.insult", ModelVersion: "m1", CreatedAt: t0}}
	if diff := cmp.Diff(wantAudit, audit); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	var scoreRows int
	if err := db.read.QueryRow(`SELECT count(*) FROM scores WHERE comment_id = ? AND model_version = 'm1'`, got.ID).Scan(&scoreRows); err != nil || scoreRows != 1 {
		t.Errorf("score rows = %d (%v), want 1", scoreRows, err)
	}
}

func TestInsertCommentErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	if _, err := db.Comment(ctx, 999); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Comment(999) err = %v, want ErrNotFound", err)
	}
	_, _, err := db.InsertComment(ctx, newComment("nope", moderation.Approve, 0))
	if !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("InsertComment(unknown article) err = %v, want ErrNotFound", err)
	}
	orphan := newComment("a1", moderation.Approve, 0)
	orphan.Comment.ParentID = 12345
	if _, _, err = db.InsertComment(ctx, orphan); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("InsertComment(unknown parent) err = %v, want ErrNotFound", err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT (SELECT count(*) FROM comments) + (SELECT count(*) FROM scores) + (SELECT count(*) FROM audit_log)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows after failed inserts = %d (%v), want 0", n, err)
	}
}

func TestInsertCommentIdempotency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name        string
		first, then func(*moderation.NewComment)
		wantSame    bool
	}{
		{"same key", func(nc *moderation.NewComment) { nc.IdempotencyKey = "k1" }, func(nc *moderation.NewComment) { nc.IdempotencyKey = "k1" }, true},
		{"same key, other text", func(nc *moderation.NewComment) { nc.IdempotencyKey = "k1" }, func(nc *moderation.NewComment) {
			nc.IdempotencyKey = "k1"
			nc.Comment.Text = "different"
		}, true},
		{"same external id", func(nc *moderation.NewComment) { nc.Comment.ExternalID = "e1" }, func(nc *moderation.NewComment) { nc.Comment.ExternalID = "e1" }, true},
		{"same external id, new key", func(nc *moderation.NewComment) { nc.Comment.ExternalID = "e1" }, func(nc *moderation.NewComment) {
			nc.Comment.ExternalID = "e1"
			nc.IdempotencyKey = "k2"
		}, true},
		{"same key, other scope", func(nc *moderation.NewComment) { nc.IdempotencyKey = "k1" }, func(nc *moderation.NewComment) {
			nc.IdempotencyKey = "k1"
			nc.Scope = "key:2"
		}, false},
		{"other key", func(nc *moderation.NewComment) { nc.IdempotencyKey = "k1" }, func(nc *moderation.NewComment) { nc.IdempotencyKey = "k2" }, false},
		{"no keys", func(*moderation.NewComment) {}, func(*moderation.NewComment) {}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, clk := newDB(t)
			mustArticle(t, db, "a1")
			a, b := newComment("a1", moderation.Hold, 1), newComment("a1", moderation.Hold, 1)
			tt.first(&a)
			tt.then(&b)
			first := mustInsert(t, db, a)
			clk.Advance(time.Second)
			second, created, err := db.InsertComment(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			if created == tt.wantSame {
				t.Errorf("second insert created = %v, want %v", created, !tt.wantSame)
			}
			var n int
			if err := db.read.QueryRow(`SELECT count(*) FROM comments`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if tt.wantSame {
				if diff := cmp.Diff(first, second); diff != "" {
					t.Errorf("retry returned a different comment (-first +retry):\n%s", diff)
				}
				if n != 1 {
					t.Errorf("comments = %d, want 1", n)
				}
			} else if n != 2 {
				t.Errorf("comments = %d, want 2", n)
			}
		})
	}
}

func TestListComments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	mustArticle(t, db, "a2")
	m := mustModerator(t, db, "mo")
	var all, approved, agree []int64
	for i := range 12 {
		v := []moderation.Verdict{moderation.Approve, moderation.Hold, moderation.Reject}[i%3]
		nc := newComment("a1", v, 1)
		if i%4 == 0 {
			nc.Comment.Assessment.Scores.Stance = map[moderation.Stance]float64{moderation.Agree: 0.9, moderation.Disagree: 0.1}
		}
		c := mustInsert(t, db, nc)
		mustInsert(t, db, newComment("a2", v, 1)) // never listed
		all = append(all, c.ID)
		if v == moderation.Approve {
			approved = append(approved, c.ID)
		}
		if i%4 == 0 {
			agree = append(agree, c.ID)
		}
	}
	// A held comment a human approves is listed as approved.
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: all[1], ModeratorID: m.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK}); err != nil {
		t.Fatal(err)
	}
	approved = slices.Insert(approved, 1, all[1]) // between all[0] and all[3], in ID order

	pages := func(f moderation.CommentFilter) ([]int64, int) {
		t.Helper()
		var got []int64
		n := 0
		for {
			p, err := db.ListComments(ctx, f)
			if err != nil {
				t.Fatalf("ListComments(%+v): %v", f, err)
			}
			n++
			got = append(got, ids(p.Comments)...)
			if p.Next == 0 {
				return got, n
			}
			f.After = p.Next
		}
	}
	tests := []struct {
		name      string
		f         moderation.CommentFilter
		want      []int64
		wantPages int
	}{
		{"all in pages of 5", moderation.CommentFilter{ArticleID: "a1", Limit: 5}, all, 3},
		{"all in one page", moderation.CommentFilter{ArticleID: "a1", Limit: 12}, all, 1},
		{"approved", moderation.CommentFilter{ArticleID: "a1", Status: moderation.Approve, Limit: 2}, approved, 3},
		{"agree", moderation.CommentFilter{ArticleID: "a1", Stance: moderation.Agree}, agree, 1},
		{"approved and agree", moderation.CommentFilter{ArticleID: "a1", Status: moderation.Approve, Stance: moderation.Agree}, []int64{all[0]}, 1},
		{"after cursor", moderation.CommentFilter{ArticleID: "a1", After: all[9]}, all[10:], 1},
		{"none", moderation.CommentFilter{ArticleID: "a1", Stance: moderation.Unrelated}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := pages(tt.f)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if n != tt.wantPages {
				t.Errorf("pages = %d, want %d", n, tt.wantPages)
			}
		})
	}
	p, err := db.ListComments(ctx, moderation.CommentFilter{ArticleID: "a1", After: all[0], Limit: 1})
	if err != nil || p.Comments[0].Decision == nil || p.Comments[0].Status() != moderation.Approve {
		t.Errorf("listed decided comment = %+v (%v), want its decision", p.Comments, err)
	}
	if _, err := db.ListComments(ctx, moderation.CommentFilter{ArticleID: "nope"}); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("ListComments(unknown article) err = %v, want ErrNotFound", err)
	}
}

func TestAuthorComments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	var want []int64
	for i := range 5 {
		nc := newComment("a1", moderation.Approve, 0)
		nc.Comment.Author = moderation.Author{ID: fmt.Sprintf("u%d", i%2), Name: "x"}
		c := mustInsert(t, db, nc)
		if i%2 == 0 {
			want = append([]int64{c.ID}, want...)
		}
		clk.Advance(time.Second)
	}
	got, err := db.AuthorComments(ctx, "u0", 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, ids(got)); diff != "" {
		t.Errorf("AuthorComments (-want +got):\n%s", diff)
	}
	if got, _ := db.AuthorComments(ctx, "u0", 2); len(got) != 2 {
		t.Errorf("AuthorComments limit 2 gave %d", len(got))
	}
	got, err = db.AuthorComments(ctx, "nobody", 10)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("AuthorComments(nobody) = %v, %v; want empty, nil", got, err)
	}
}
