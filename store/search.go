package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.SearchStore = (*DB)(nil)

// matchAll is the full-text query "every term, as a prefix" over the given column ("" for
// every column). Terms are letters and digits only (moderation.ParseSearch) and lower case,
// so none of them reads as an operator (FTS operators are upper case) or breaks the syntax.
func matchAll(terms []string, column string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		if column != "" {
			t = column + ":" + t
		}
		parts[i] = t + "*"
	}
	return strings.Join(parts, " ")
}

// articleSite is commentSite for an article row a.
var articleSite = strings.ReplaceAll(commentSite, "c.article_id", "a.id")

// Search finds comments by text or author name, authors by name, and articles by title or
// body, newest first, up to q.Limit of each.
func (db *DB) Search(ctx context.Context, q moderation.SearchQuery) (moderation.SearchResult, error) {
	var res moderation.SearchResult
	var err error
	limit := clampLimit(q.Limit)
	query, args := siteFilter(`SELECT `+commentColumns+`, `+articleColumns+listFrom+`
		WHERE c.id IN (SELECT docid FROM comments_fts WHERE comments_fts MATCH ?)`,
		[]any{formatTime(db.now()), matchAll(q.Terms, "")}, q.Sites)
	if res.Comments, err = queryItems(ctx, db.read, query+` ORDER BY c.id DESC LIMIT ?`, append(args, limit)...); err != nil {
		return res, fmt.Errorf("search comments: %w", err)
	}
	if res.Authors, err = db.searchAuthors(ctx, q, limit); err != nil {
		return res, fmt.Errorf("search authors: %w", err)
	}
	if res.Articles, err = db.searchArticles(ctx, q, limit); err != nil {
		return res, fmt.Errorf("search articles: %w", err)
	}
	return res, nil
}

// searchAuthors groups the comments whose author name matches by (site, author id), the
// authors with the most recent comment first.
func (db *DB) searchAuthors(ctx context.Context, q moderation.SearchQuery, limit int) ([]moderation.AuthorHit, error) {
	query, args := siteFilter(`SELECT `+commentSite+` AS site, c.author_id AS author_id, max(c.id) AS last, count(*) AS n
		FROM comments c WHERE c.id IN (SELECT docid FROM comments_fts WHERE comments_fts MATCH ?)`,
		[]any{matchAll(q.Terms, "author_name")}, q.Sites)
	rows, err := db.read.QueryContext(ctx, `SELECT g.site, g.author_id, c.author_name, g.n FROM (`+query+`
		GROUP BY 1, 2) g JOIN comments c ON c.id = g.last
		ORDER BY g.last DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []moderation.AuthorHit{}
	for rows.Next() {
		var h moderation.AuthorHit
		var site int64
		if err := rows.Scan(&site, &h.ID, &h.Name, &h.Comments); err != nil {
			return nil, err
		}
		h.Key = moderation.AuthorKey(site, h.ID)
		out = append(out, h)
	}
	return out, rows.Err()
}

// searchArticles finds articles by title or body, most recently updated first.
func (db *DB) searchArticles(ctx context.Context, q moderation.SearchQuery, limit int) ([]moderation.Article, error) {
	query := `SELECT ` + articleColumns + ` FROM articles a
		WHERE a.id IN (SELECT key FROM articles_fts WHERE articles_fts MATCH ?)`
	args := []any{matchAll(q.Terms, "")}
	if len(q.Sites) > 0 {
		query += ` AND ` + articleSite + ` IN (?` + strings.Repeat(", ?", len(q.Sites)-1) + `)`
		for _, s := range q.Sites {
			args = append(args, s)
		}
	}
	rows, err := db.read.QueryContext(ctx, query+` ORDER BY a.updated_at DESC, a.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []moderation.Article{}
	for rows.Next() {
		var a moderation.Article
		dest, finish := articleDest(&a)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if err := finish(); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
