package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tribune/tribune/moderation"
)

var (
	_ moderation.EventStore   = (*DB)(nil)
	_ moderation.WebhookStore = (*DB)(nil)
)

// Events returns up to limit events with ID > after, in ID order, of one scope or ("") all.
func (db *DB) Events(ctx context.Context, after int64, scope string, limit int) ([]moderation.Event, error) {
	q := `SELECT id, kind, comment_id, article_id, scope, status, verdict, reasons, moderator, model_version, created_at
		FROM events WHERE id > ? ORDER BY id LIMIT ?`
	args := []any{after, limit}
	if scope != "" {
		q = `SELECT id, kind, comment_id, article_id, scope, status, verdict, reasons, moderator, model_version, created_at
		FROM events WHERE scope = ? AND id > ? ORDER BY id LIMIT ?`
		args = []any{scope, after, limit}
	}
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (ev moderation.Event, err error) {
		var kind, status, verdict, reasons, at string
		if err := rows.Scan(&ev.ID, &kind, &ev.CommentID, &ev.ArticleID, &ev.Scope, &status, &verdict,
			&reasons, &ev.Moderator, &ev.ModelVersion, &at); err != nil {
			return ev, err
		}
		ev.Kind, ev.Status, ev.Verdict = moderation.EventKind(kind), moderation.Verdict(status), moderation.Verdict(verdict)
		ev.Reasons = strings.Fields(reasons)
		ev.CreatedAt, err = parseTime(at)
		return ev, err
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return out, nil
}

// LastEventID returns the newest event's ID, 0 when there is none.
func (db *DB) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("last event: %w", err)
	}
	return id, nil
}

// AddWebhook stores a webhook that starts delivering after the newest event: a new receiver
// gets what happens from now on (GET /api/v1/changes serves the history).
func (db *DB) AddWebhook(ctx context.Context, w moderation.Webhook) (moderation.Webhook, error) {
	w.CreatedAt = db.now()
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&w.Cursor); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks (url, secret, scope, cursor, created_at)
			VALUES (?, ?, ?, ?, ?)`, w.URL, w.Secret, w.Scope, w.Cursor, formatTime(w.CreatedAt))
		if err != nil {
			return translate(err)
		}
		w.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return moderation.Webhook{}, fmt.Errorf("add webhook: %w", err)
	}
	return w, nil
}

// Webhooks lists every webhook by ID.
func (db *DB) Webhooks(ctx context.Context) ([]moderation.Webhook, error) {
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (w moderation.Webhook, err error) {
		var next, created string
		if err := rows.Scan(&w.ID, &w.URL, &w.Secret, &w.Scope, &w.Cursor, &w.Attempts, &next,
			&w.LastError, &created); err != nil {
			return w, err
		}
		if next != "" {
			if w.NextAttempt, err = parseTime(next); err != nil {
				return w, err
			}
		}
		w.CreatedAt, err = parseTime(created)
		return w, err
	}, `SELECT id, url, secret, scope, cursor, attempts, next_attempt_at, last_error, created_at
		FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return out, nil
}

// RemoveWebhook deletes a webhook and its delivery log, or fails with ErrNotFound.
func (db *DB) RemoveWebhook(ctx context.Context, id int64) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orNotFound(err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove webhook %d: %w", id, err)
	}
	return nil
}

func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return moderation.ErrNotFound
}

// RecordDelivery logs an attempt and moves the webhook's cursor (success) or schedules its
// retry (failure), in one transaction.
func (db *DB) RecordDelivery(ctx context.Context, d moderation.WebhookDelivery, next time.Time) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries
			(webhook_id, first_event, last_event, events, attempt, status, error, duration_ms, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.WebhookID, d.FirstEvent, d.LastEvent, d.Events, d.Attempt,
			d.Status, d.Error, d.Duration.Milliseconds(), formatTime(d.CreatedAt)); err != nil {
			return translate(err)
		}
		if d.OK() {
			// max(): a late acknowledgement never moves a cursor back.
			_, err := tx.ExecContext(ctx, `UPDATE webhooks SET cursor = max(cursor, ?), attempts = 0,
				next_attempt_at = '', last_error = '' WHERE id = ?`, d.LastEvent, d.WebhookID)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE webhooks SET attempts = ?, next_attempt_at = ?, last_error = ?
			WHERE id = ?`, d.Attempt, formatTime(next), d.Error, d.WebhookID)
		return err
	})
	if err != nil {
		return fmt.Errorf("record delivery to webhook %d: %w", d.WebhookID, err)
	}
	return nil
}

// Deliveries returns a webhook's latest deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, webhookID int64, limit int) ([]moderation.WebhookDelivery, error) {
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (d moderation.WebhookDelivery, err error) {
		var ms int64
		var at string
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.FirstEvent, &d.LastEvent, &d.Events, &d.Attempt,
			&d.Status, &d.Error, &ms, &at); err != nil {
			return d, err
		}
		d.Duration = time.Duration(ms) * time.Millisecond
		d.CreatedAt, err = parseTime(at)
		return d, err
	}, `SELECT id, webhook_id, first_event, last_event, events, attempt, status, error, duration_ms, created_at
		FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?`, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	return out, nil
}

func isComma(r rune) bool { return r == ',' }
