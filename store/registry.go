package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.ModelRegistry = (*DB)(nil)

// ImportModel stores a model file under its version; a version already stored is left as it
// is and reported with created false.
func (db *DB) ImportModel(ctx context.Context, m moderation.RegisteredModel) (bool, error) {
	metrics := m.Metrics
	if metrics == "" {
		metrics = "{}"
	}
	var created bool
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO models (version, name, data, metrics, imported_at, active)
			VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (version) DO NOTHING`,
			m.Version, m.Name, m.Data, metrics, formatTime(db.now()))
		if err != nil {
			return translate(err)
		}
		n, err := res.RowsAffected()
		created = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("import model %s: %w", m.Version, err)
	}
	return created, nil
}

// Models lists the registry without the files, newest import first.
func (db *DB) Models(ctx context.Context) ([]moderation.RegisteredModel, error) {
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (m moderation.RegisteredModel, err error) {
		var at string
		if err := rows.Scan(&m.Version, &m.Name, &m.Size, &m.Metrics, &at, &m.Active); err != nil {
			return m, err
		}
		m.ImportedAt, err = parseTime(at)
		return m, err
	}, `SELECT version, name, length(data), metrics, imported_at, active FROM models ORDER BY imported_at DESC, version`)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	return out, nil
}

// Model returns one model with its file, or ErrNotFound.
func (db *DB) Model(ctx context.Context, version string) (moderation.RegisteredModel, error) {
	var m moderation.RegisteredModel
	var at string
	err := db.read.QueryRowContext(ctx, `SELECT version, name, data, metrics, imported_at, active
		FROM models WHERE version = ?`, version).Scan(&m.Version, &m.Name, &m.Data, &m.Metrics, &at, &m.Active)
	if err != nil {
		return m, fmt.Errorf("model %s: %w", version, translate(err))
	}
	m.Size = len(m.Data)
	if m.ImportedAt, err = parseTime(at); err != nil {
		return m, err
	}
	return m, nil
}

// ActivateModel makes version the only active model, in one transaction, so readers always
// see exactly one active model once one has been activated.
func (db *DB) ActivateModel(ctx context.Context, version string) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM models WHERE version = ?`, version).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return moderation.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE models SET active = 0 WHERE active = 1 AND version <> ?`, version); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE models SET active = 1 WHERE version = ?`, version)
		return err
	})
	if err != nil {
		return fmt.Errorf("activate model %s: %w", version, err)
	}
	return nil
}

// DeactivateModels leaves no registered model active, so servers return to the model embedded
// in the binary. It is not an error when none was active.
func (db *DB) DeactivateModels(ctx context.Context) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE models SET active = 0 WHERE active = 1`)
		return err
	})
	if err != nil {
		return fmt.Errorf("deactivate models: %w", err)
	}
	return nil
}

// ActiveModelVersion returns the active model's version, or ErrNotFound when none is active.
// It reads one row by index, cheap enough to poll every few seconds.
func (db *DB) ActiveModelVersion(ctx context.Context) (string, error) {
	var v string
	if err := db.read.QueryRowContext(ctx, `SELECT version FROM models WHERE active = 1`).Scan(&v); err != nil {
		return "", fmt.Errorf("active model: %w", translate(err))
	}
	return v, nil
}
