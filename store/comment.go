package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tribune/tribune/moderation"
)

// Comment returns a comment with its current assessment, latest decision and live claim, or
// ErrNotFound.
func (db *DB) Comment(ctx context.Context, id int64) (moderation.Comment, error) {
	c, err := getComment(ctx, db.read, id, db.now())
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %d: %w", id, err)
	}
	return c, nil
}

func getComment(ctx context.Context, q querier, id int64, now time.Time) (moderation.Comment, error) {
	var r commentRow
	if err := q.QueryRowContext(ctx, commentSelect+` WHERE c.id = ?`, formatTime(now), id).Scan(r.dest()...); err != nil {
		return moderation.Comment{}, translate(err)
	}
	return r.comment()
}

// ListComments returns one page of an article's comments in ID order, filtered by effective
// status and top stance. A non-positive Limit means 50; at most 1000. An empty page for an
// article that does not exist is ErrNotFound.
func (db *DB) ListComments(ctx context.Context, f moderation.CommentFilter) (moderation.CommentPage, error) {
	limit := clampLimit(f.Limit)
	now := db.now()
	query := commentSelect + ` WHERE c.article_id = ? AND c.id > ?`
	args := []any{formatTime(now), f.ArticleID, f.After}
	if f.Status != "" {
		query += ` AND c.status = ?`
		args = append(args, string(f.Status))
	}
	if f.Stance != "" {
		query += ` AND c.stance = ?`
		args = append(args, string(f.Stance))
	}
	query += ` ORDER BY c.id LIMIT ?`
	args = append(args, limit+1) // one more, to know whether there is a next page
	cs, err := queryComments(ctx, db.read, query, args...)
	if err != nil {
		return moderation.CommentPage{}, fmt.Errorf("list comments of %q: %w", f.ArticleID, err)
	}
	page := moderation.CommentPage{Comments: cs}
	if len(cs) > limit {
		page.Comments = cs[:limit]
		page.Next = cs[limit-1].ID
	}
	if len(cs) == 0 {
		if _, err := getArticle(ctx, db.read, f.ArticleID); err != nil {
			return moderation.CommentPage{}, fmt.Errorf("list comments of %q: %w", f.ArticleID, err)
		}
	}
	return page, nil
}

// AuthorComments returns up to limit (default 50, at most 1000) of an author's comments,
// newest first; none (an empty slice) for an unknown author.
func (db *DB) AuthorComments(ctx context.Context, authorID string, limit int) ([]moderation.Comment, error) {
	cs, err := queryComments(ctx, db.read, commentSelect+` WHERE c.author_id = ?
		ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, formatTime(db.now()), authorID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("comments of author %q: %w", authorID, err)
	}
	return cs, nil
}

func queryComments(ctx context.Context, q querier, query string, args ...any) ([]moderation.Comment, error) {
	return queryList(ctx, q, scanComment, query, args...)
}

func scanComment(rows *sql.Rows) (moderation.Comment, error) {
	var r commentRow
	if err := rows.Scan(r.dest()...); err != nil {
		return moderation.Comment{}, err
	}
	return r.comment()
}
