package store

import (
	"context"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

// Replies returns up to limit replies to a comment, oldest first, and how many there are in
// all (comments_parent serves both).
func (db *DB) Replies(ctx context.Context, parentID int64, limit int) ([]moderation.Comment, int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM comments WHERE parent_id = ?`, parentID).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("replies to %d: %w", parentID, err)
	}
	if n == 0 {
		return nil, 0, nil
	}
	cs, err := queryComments(ctx, db.read, commentSelect+` WHERE c.parent_id = ? ORDER BY c.id LIMIT ?`,
		formatTime(db.now()), parentID, clampLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("replies to %d: %w", parentID, err)
	}
	return cs, n, nil
}
