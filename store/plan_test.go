package store

import (
	"context"
	"strings"
	"testing"
)

// TestQueryPlans checks that the hot queries walk an index in the order they return, so they
// stop at LIMIT instead of scanning or sorting every comment.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	queries := map[string]string{
		"queue":            queueSelect + queueOrder,
		"queue of article": queueSelect + ` AND c.article_id = ?` + queueOrder,
		"claim":            queueSelect + ` AND k.comment_id IS NULL` + queueOrder,
		"list all":         commentSelect + ` WHERE c.article_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`,
		"list by status":   commentSelect + ` WHERE c.article_id = ? AND c.id > ? AND c.status = ? ORDER BY c.id LIMIT ?`,
		"list by stance":   commentSelect + ` WHERE c.article_id = ? AND c.id > ? AND c.stance = ? ORDER BY c.id LIMIT ?`,
		"author":           commentSelect + ` WHERE c.author_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
		"idempotency key":  `SELECT id FROM comments WHERE scope = ? AND idempotency_key = ?`,
		"external id":      `SELECT id FROM comments WHERE scope = ? AND external_id = ?`,
		"stats by status":  `SELECT status, count(*) FROM comments WHERE article_id = ? GROUP BY status`,
		"stats by stance":  `SELECT stance, count(*) FROM comments WHERE article_id = ? AND stance <> '' GROUP BY stance`,
		"decided":          `SELECT c.id FROM comments c JOIN decisions d ON d.id = c.decision_id WHERE c.decision_id IS NOT NULL AND c.id > ? ORDER BY c.id LIMIT ?`,
		"audit":            `SELECT l.id FROM audit_log l WHERE l.comment_id = ? ORDER BY l.id`,
	}
	for name, q := range queries {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = "x"
		}
		rows, err := db.read.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if strings.Contains(step, "TEMP B-TREE") || (strings.HasPrefix(step, "SCAN") && !strings.Contains(step, "INDEX")) {
				t.Errorf("%s: plan step %q sorts or scans a table:\n%s", name, step, strings.Join(plan, "\n"))
			}
		}
	}
}
