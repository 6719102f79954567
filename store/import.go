package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.ImportStore = (*DB)(nil)

// ImportComments inserts imported comments in one transaction with prepared statements,
// creating articles on first sight (mode auto). Imported comments carry no scores (model
// version "") and no audit row: the import is not an event of Tribune's (the comment's reasons
// say it was imported), and skipping it makes bulk imports a third faster. A row already stored
// under (scope, external ID) or (scope, key) is a duplicate; a row whose parent (same scope
// and article) is neither stored nor earlier in rows is returned in Deferred, not inserted.
func (db *DB) ImportComments(ctx context.Context, scope string, rows []moderation.ImportRow) (moderation.ImportResult, error) {
	type encoded struct{ reasons, created string }
	now := db.now()
	enc := make([]encoded, len(rows))
	for i, r := range rows {
		reasons, err := encodeReasons(r.Comment.Reasons)
		if err != nil {
			return moderation.ImportResult{}, fmt.Errorf("import: %w", err)
		}
		created := now
		if !r.Comment.CreatedAt.IsZero() {
			created = r.Comment.CreatedAt
		}
		enc[i] = encoded{reasons, formatTime(created)}
	}
	var res moderation.ImportResult
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res = moderation.ImportResult{}
		st, err := prepareImport(ctx, tx)
		if err != nil {
			return err
		}
		defer st.close()
		articles := map[string]bool{}
		ids := map[string]int64{} // external ID → comment ID, for replies within rows
		for i, r := range rows {
			c := r.Comment
			if !articles[c.ArticleID] {
				articles[c.ArticleID] = true
				ar, err := st.article.ExecContext(ctx, c.ArticleID, r.ArticleTitle, r.ArticleURL, enc[i].created, enc[i].created)
				if err != nil {
					return fmt.Errorf("create article %q: %w", c.ArticleID, translate(err))
				}
				if n, _ := ar.RowsAffected(); n > 0 {
					res.Articles++
				}
			}
			var parent sql.NullInt64
			if r.ParentExternalID != "" {
				id, ok := ids[c.ArticleID+"\x00"+r.ParentExternalID]
				if !ok {
					err := st.parent.QueryRowContext(ctx, scope, r.ParentExternalID, c.ArticleID).Scan(&id)
					if errors.Is(err, sql.ErrNoRows) {
						res.Deferred = append(res.Deferred, r)
						continue
					}
					if err != nil {
						return fmt.Errorf("parent of %q: %w", c.ExternalID, err)
					}
				}
				parent = sql.NullInt64{Int64: id, Valid: true}
			}
			ins, err := st.comment.ExecContext(ctx, c.ArticleID, c.Author.ID, c.Author.Name, c.Text, parent,
				nullString(c.ExternalID), scope, nullString(r.Key), enc[i].created, c.Assessment.ModelVersion,
				string(c.MachineVerdict), enc[i].reasons, c.Priority, string(c.MachineVerdict))
			if err != nil {
				return fmt.Errorf("import comment: %w", translate(err))
			}
			if n, _ := ins.RowsAffected(); n == 0 {
				res.Duplicates++
				continue
			}
			id, err := ins.LastInsertId()
			if err != nil {
				return err
			}
			if c.ExternalID != "" {
				ids[c.ArticleID+"\x00"+c.ExternalID] = id
			}
			res.Inserted++
		}
		return nil
	})
	if err != nil {
		return moderation.ImportResult{}, fmt.Errorf("import: %w", err)
	}
	return res, nil
}

// importStmts are the statements an import transaction runs once per row.
type importStmts struct {
	article, parent, comment *sql.Stmt
}

func prepareImport(ctx context.Context, tx *sql.Tx) (*importStmts, error) {
	var st importStmts
	var err error
	prep := func(dst **sql.Stmt, query string) {
		if err == nil {
			*dst, err = tx.PrepareContext(ctx, query)
		}
	}
	prep(&st.article, `INSERT OR IGNORE INTO articles (id, title, url, body, stance_target, mode, created_at, updated_at)
		VALUES (?, ?, ?, '', '', 'auto', ?, ?)`)
	prep(&st.parent, `SELECT id FROM comments WHERE scope = ? AND external_id = ? AND article_id = ?`)
	// OR IGNORE skips rows that break a UNIQUE index: (scope, external_id) and
	// (scope, idempotency_key) are the duplicates. Foreign keys still fail loudly.
	prep(&st.comment, `INSERT OR IGNORE INTO comments
		(article_id, author_id, author_name, text, parent_id, external_id, scope, idempotency_key,
		 created_at, model_version, machine_verdict, reasons, priority, status, stance)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')`)
	if err != nil {
		st.close()
		return nil, fmt.Errorf("prepare import: %w", err)
	}
	return &st, nil
}

func (st *importStmts) close() {
	for _, s := range []*sql.Stmt{st.article, st.parent, st.comment} {
		if s != nil {
			_ = s.Close()
		}
	}
}
