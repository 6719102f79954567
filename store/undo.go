package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.UndoStore = (*DB)(nil)

// Undo takes back a decision within the undo window: see moderation.UndoStore.
func (db *DB) Undo(ctx context.Context, commentID, decisionID, moderatorID int64, notBefore, at time.Time) (moderation.Comment, error) {
	var out moderation.Comment
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var cur sql.NullInt64
		var machine, modelVersion, articleID, scope string
		if err := tx.QueryRowContext(ctx, `SELECT decision_id, machine_verdict, model_version, article_id, scope
			FROM comments WHERE id = ?`, commentID).Scan(&cur, &machine, &modelVersion, &articleID, &scope); err != nil {
			return fmt.Errorf("comment %d: %w", commentID, translate(err))
		}
		var owner int64
		var made, verdict, reason, name string
		if err := tx.QueryRowContext(ctx, `SELECT d.moderator_id, d.created_at, d.verdict, d.reason, m.name
			FROM decisions d JOIN moderators m ON m.id = d.moderator_id WHERE d.id = ?`,
			decisionID).Scan(&owner, &made, &verdict, &reason, &name); err != nil {
			return fmt.Errorf("decision %d: %w", decisionID, translate(err))
		}
		if !cur.Valid || cur.Int64 != decisionID || owner != moderatorID || made < formatTime(notBefore) {
			return &moderation.ConflictError{Reason: fmt.Sprintf(
				"the decision on comment %d can no longer be undone: it is not the latest, not yours, or too old", commentID)}
		}
		prev, status, err := previousDecision(ctx, tx, commentID, decisionID, machine)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET undone_at = ? WHERE id = ?`, formatTime(at), decisionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET decision_id = ?, status = ? WHERE id = ?`,
			prev, status, commentID); err != nil {
			return err
		}
		if err := insertAudit(ctx, tx, auditRow{commentID: commentID, action: moderation.AuditUndone,
			moderatorID: moderatorID, verdict: moderation.Verdict(status),
			detail: "took back " + verdict + " (" + reason + ")", modelVersion: modelVersion, at: at}); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, moderation.Event{Kind: moderation.EventDecision, CommentID: commentID,
			ArticleID: articleID, Scope: scope, Status: moderation.Verdict(status), Verdict: moderation.Verdict(status),
			Reasons: []string{"undo"}, Moderator: name, ModelVersion: modelVersion, CreatedAt: at}); err != nil {
			return err
		}
		out, err = getComment(ctx, tx, commentID, at)
		return err
	})
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("undo decision %d: %w", decisionID, err)
	}
	return out, nil
}

// previousDecision is the comment's latest decision before decisionID that was not undone
// (NULL when none) and the status it gives: its verdict, else the machine's.
func previousDecision(ctx context.Context, tx *sql.Tx, commentID, decisionID int64, machine string) (sql.NullInt64, string, error) {
	var id int64
	var verdict string
	err := tx.QueryRowContext(ctx, `SELECT id, verdict FROM decisions
		WHERE comment_id = ? AND id < ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1`,
		commentID, decisionID).Scan(&id, &verdict)
	if errors.Is(err, sql.ErrNoRows) {
		return sql.NullInt64{}, machine, nil
	}
	if err != nil {
		return sql.NullInt64{}, "", err
	}
	return sql.NullInt64{Int64: id, Valid: true}, verdict, nil
}
