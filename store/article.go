package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

// PutArticle creates or updates an article. CreatedAt is kept from the stored article on update
// (or taken from a, when set, on create); UpdatedAt is the clock's time.
func (db *DB) PutArticle(ctx context.Context, a moderation.Article) (moderation.Article, bool, error) {
	now := db.now()
	var created bool
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var createdAt string
		err := tx.QueryRowContext(ctx, `SELECT created_at FROM articles WHERE id = ?`, a.ID).Scan(&createdAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created = true
			if a.CreatedAt.IsZero() {
				a.CreatedAt = now
			}
			a.UpdatedAt = now
			_, err = tx.ExecContext(ctx, `INSERT INTO articles
				(id, title, url, body, stance_target, mode, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				a.ID, a.Title, a.URL, a.Body, a.StanceTarget, string(a.Mode),
				formatTime(a.CreatedAt), formatTime(a.UpdatedAt))
			return translate(err)
		case err != nil:
			return err
		}
		if a.CreatedAt, err = parseTime(createdAt); err != nil {
			return err
		}
		a.UpdatedAt = now
		_, err = tx.ExecContext(ctx, `UPDATE articles
			SET title = ?, url = ?, body = ?, stance_target = ?, mode = ?, updated_at = ?
			WHERE id = ?`,
			a.Title, a.URL, a.Body, a.StanceTarget, string(a.Mode), formatTime(a.UpdatedAt), a.ID)
		return err
	})
	if err != nil {
		return moderation.Article{}, false, fmt.Errorf("put article %q: %w", a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, created, nil
}

const articleColumns = `a.id, a.title, a.url, a.body, a.stance_target, a.mode, a.created_at, a.updated_at`

// articleDest returns scan destinations for articleColumns and a function that finishes a.
func articleDest(a *moderation.Article) ([]any, func() error) {
	var mode, created, updated string
	dest := []any{&a.ID, &a.Title, &a.URL, &a.Body, &a.StanceTarget, &mode, &created, &updated}
	return dest, func() (err error) {
		a.Mode = moderation.Mode(mode)
		if a.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		a.UpdatedAt, err = parseTime(updated)
		return err
	}
}

// Article returns the article with the given ID, or ErrNotFound.
func (db *DB) Article(ctx context.Context, id string) (moderation.Article, error) {
	a, err := getArticle(ctx, db.read, id)
	if err != nil {
		return moderation.Article{}, fmt.Errorf("article %q: %w", id, err)
	}
	return a, nil
}

// querier is what *sql.DB and *sql.Tx share, so that reads can run on the pool or inside a
// write transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getArticle(ctx context.Context, q querier, id string) (moderation.Article, error) {
	var a moderation.Article
	dest, finish := articleDest(&a)
	if err := q.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles a WHERE a.id = ?`, id).Scan(dest...); err != nil {
		return moderation.Article{}, translate(err)
	}
	return a, finish()
}

// ArticleStats returns the article with its comment counts, or ErrNotFound. ByStatus has every
// verdict and ByStance every stance as keys, zero counts included.
func (db *DB) ArticleStats(ctx context.Context, id string) (moderation.ArticleStats, error) {
	a, err := getArticle(ctx, db.read, id)
	if err != nil {
		return moderation.ArticleStats{}, fmt.Errorf("article stats %q: %w", id, err)
	}
	st, err := db.stats(ctx, a)
	if err != nil {
		return moderation.ArticleStats{}, fmt.Errorf("article stats %q: %w", id, err)
	}
	return st, nil
}

// stats reads an article's comment counts from article_counts, which triggers keep in step
// with the comments (migration 0006): a few rows, however many comments the article has.
func (db *DB) stats(ctx context.Context, a moderation.Article) (moderation.ArticleStats, error) {
	st := moderation.ArticleStats{
		Article:  a,
		ByStatus: map[moderation.Verdict]int{moderation.Approve: 0, moderation.Hold: 0, moderation.Reject: 0},
		ByStance: make(map[moderation.Stance]int, len(moderation.Stances)),
	}
	for _, s := range moderation.Stances {
		st.ByStance[s] = 0
	}
	st.ByStance[moderation.Unclear] = 0
	rows, err := db.read.QueryContext(ctx,
		`SELECT status, stance, undecided, n FROM article_counts WHERE article_id = ? AND n > 0`, a.ID)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var status, stance string
		var undecided bool
		var n int
		if err := rows.Scan(&status, &stance, &undecided, &n); err != nil {
			return st, err
		}
		st.ByStatus[moderation.Verdict(status)] += n
		st.Total += n
		if stance != "" {
			st.ByStance[moderation.Stance(stance)] += n
		}
		if undecided {
			st.Undecided += n
		}
	}
	return st, rows.Err()
}

// ListArticles returns up to limit articles (default 50, at most 1000) with their stats, most
// recently updated first, after skipping offset.
func (db *DB) ListArticles(ctx context.Context, offset, limit int) ([]moderation.ArticleStats, error) {
	limit = clampLimit(limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles a
		ORDER BY a.updated_at DESC, a.id LIMIT ? OFFSET ?`, limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	var articles []moderation.Article
	for rows.Next() {
		var a moderation.Article
		dest, finish := articleDest(&a)
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list articles: %w", err)
		}
		if err := finish(); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list articles: %w", err)
		}
		articles = append(articles, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	out := make([]moderation.ArticleStats, 0, len(articles))
	for _, a := range articles {
		st, err := db.stats(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("list articles: %q: %w", a.ID, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// Limits for list methods: a non-positive limit means defaultLimit; larger ones are capped.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

func clampLimit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}
