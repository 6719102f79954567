package moderation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ImportRow is one existing comment to import, from a site's own export or a Disqus one.
type ImportRow struct {
	// Comment holds ArticleID, Author, Text, ExternalID and CreatedAt (zero: the import time).
	// The importer sets its machine verdict.
	Comment Comment
	// ParentExternalID is the external ID of the comment this one replies to, "" for none.
	ParentExternalID string
	// ArticleTitle and ArticleURL describe the article when it has to be created.
	ArticleTitle, ArticleURL string
	// Key deduplicates rows without an external ID; the importer sets it.
	Key string
}

// ImportResult counts what an import did.
type ImportResult struct {
	Inserted   int
	Duplicates int // rows imported before (same scope and external ID or content key)
	Articles   int // articles created
	Orphans    int // replies whose parent was not found: imported as top-level comments
	// Deferred lists rows whose parent was not found yet; the store did not insert them.
	Deferred []ImportRow
}

func (r *ImportResult) add(u ImportResult) {
	r.Inserted += u.Inserted
	r.Duplicates += u.Duplicates
	r.Articles += u.Articles
	r.Orphans += u.Orphans
}

// ImportStore writes imported comments.
type ImportStore interface {
	// ImportComments inserts rows in one transaction, in order, creating missing articles.
	// A row whose (scope, external ID) or (scope, key) was stored before counts as a
	// duplicate. A row whose parent is neither stored (same scope and article) nor earlier in
	// rows is not inserted but returned in Deferred.
	ImportComments(ctx context.Context, scope string, rows []ImportRow) (ImportResult, error)
}

// ImportReason is the reason recorded with an imported comment's machine verdict. Imported
// comments are published as they were on the site, unscored until the next rescore.
var ImportReason = Reason{Code: "import", Message: "imported as published; not scored yet"}

// DefaultImportBatch is how many rows one import transaction writes.
const DefaultImportBatch = 5000

// Importer validates rows and writes them in batches. Rows replying to a comment not seen
// yet wait until the end, so files need not list parents first. It is not safe for
// concurrent use.
type Importer struct {
	Store ImportStore
	// Scope namespaces external IDs and content keys, e.g. "import" or "disqus".
	Scope     string
	BatchSize int
	// Result is updated after every batch.
	Result ImportResult

	pending  []ImportRow
	deferred []ImportRow
}

// Add validates row and queues it; it writes a batch when enough are queued. An invalid row
// returns an *InputError and is skipped; the import can go on.
func (im *Importer) Add(ctx context.Context, row ImportRow) error {
	if err := prepareImport(&row); err != nil {
		return err
	}
	im.pending = append(im.pending, row)
	if len(im.pending) >= im.batchSize() {
		return im.flush(ctx)
	}
	return nil
}

// Close writes what is queued, then the replies whose parents came later, and finally those
// whose parents never came, as top-level comments.
func (im *Importer) Close(ctx context.Context) error {
	if err := im.flush(ctx); err != nil {
		return err
	}
	// Each pass inserts the replies whose parents are now stored; stop when one makes no
	// progress.
	for len(im.deferred) > 0 {
		rows := im.deferred
		waiting := len(rows)
		im.deferred = nil
		for len(rows) > 0 {
			n := min(len(rows), im.batchSize())
			im.pending = rows[:n]
			rows = rows[n:]
			if err := im.flush(ctx); err != nil {
				return err
			}
		}
		if len(im.deferred) == waiting {
			break
		}
	}
	if len(im.deferred) == 0 {
		return nil
	}
	// No parent will come: keep the replies as top-level comments.
	for i := range im.deferred {
		im.deferred[i].ParentExternalID = ""
	}
	im.pending, im.deferred = im.deferred, nil
	before := im.Result.Inserted
	err := im.flush(ctx)
	im.Result.Orphans += im.Result.Inserted - before
	return err
}

func (im *Importer) batchSize() int {
	if im.BatchSize <= 0 {
		return DefaultImportBatch
	}
	return im.BatchSize
}

func (im *Importer) flush(ctx context.Context) error {
	if len(im.pending) == 0 {
		return nil
	}
	res, err := im.Store.ImportComments(ctx, im.Scope, im.pending)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	im.pending = im.pending[:0:0]
	im.Result.add(res)
	im.deferred = append(im.deferred, res.Deferred...)
	return nil
}

// prepareImport validates and completes one row: trims identifiers, checks sizes, sets the
// machine verdict and the content key.
func prepareImport(row *ImportRow) error {
	c := &row.Comment
	c.ArticleID = strings.TrimSpace(c.ArticleID)
	c.ExternalID = strings.TrimSpace(c.ExternalID)
	row.ParentExternalID = strings.TrimSpace(row.ParentExternalID)
	if row.ParentExternalID == c.ExternalID {
		row.ParentExternalID = "" // a comment cannot reply to itself
	}
	checks := []struct {
		field, v string
		max      int
		required bool
	}{
		{"article_id", c.ArticleID, MaxIDBytes, true},
		{"author.id", c.Author.ID, MaxIDBytes, true},
		{"author.name", c.Author.Name, MaxNameBytes, false},
		{"text", c.Text, MaxCommentBytes, true},
		{"external_id", c.ExternalID, MaxIDBytes, false},
		{"parent_id", row.ParentExternalID, MaxIDBytes, false},
		{"article_title", row.ArticleTitle, MaxTitleBytes, false},
		{"article_url", row.ArticleURL, 2_000, false},
	}
	for _, ch := range checks {
		if err := checkText(ch.field, ch.v, ch.max, ch.required); err != nil {
			return err
		}
	}
	if strings.TrimSpace(row.ArticleTitle) == "" {
		row.ArticleTitle = c.ArticleID
	}
	c.MachineVerdict = Approve
	c.Reasons = []Reason{ImportReason}
	c.Assessment = Assessment{}
	if !c.CreatedAt.IsZero() {
		c.CreatedAt = c.CreatedAt.UTC()
	}
	row.Key = ""
	if c.ExternalID == "" {
		row.Key = importKey(*c)
	}
	return nil
}

// importKey identifies a comment without an external ID by its content: importing the same
// file twice must not duplicate it, while two readers posting "+1" stay two comments.
func importKey(c Comment) string {
	h := sha256.New()
	created := ""
	if !c.CreatedAt.IsZero() {
		created = c.CreatedAt.Format(time.RFC3339Nano)
	}
	for _, s := range []string{c.ArticleID, c.Author.ID, created, c.Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "content:" + hex.EncodeToString(h.Sum(nil))[:32]
}
