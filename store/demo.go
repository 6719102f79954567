package store

import (
	"context"
	"fmt"
)

// ForeignData counts the comments outside scope plus the API keys: what makes a database a
// real site's rather than a demo's. It stops counting comments at 1,000 so a large database
// answers fast.
func (db *DB) ForeignData(ctx context.Context, scope string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM (SELECT 1 FROM comments WHERE scope <> ? LIMIT 1000)) +
		(SELECT count(*) FROM api_keys)`, scope).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("foreign data: %w", err)
	}
	return n, nil
}
