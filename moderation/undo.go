package moderation

import (
	"context"
	"fmt"
	"time"
)

// UndoWindow is how long after a decision its moderator may take it back.
const UndoWindow = 10 * time.Second

// AuditUndone marks a decision taken back within the undo window.
const AuditUndone AuditAction = "undone"

// UndoStore takes back decisions and changes article modes.
type UndoStore interface {
	// Undo takes back decision decisionID of comment commentID, made by moderatorID at or after
	// notBefore, if it is still the comment's latest decision: the comment's decision and
	// status return to what they were before it (the earlier decision's, else the machine's),
	// an audit row ("undone") and an event for the site are written, in one transaction. The
	// decision row stays (decisions are append-only) but no longer counts. ErrConflict when
	// the decision is not the latest, not the moderator's, or older than notBefore.
	Undo(ctx context.Context, commentID, decisionID, moderatorID int64, notBefore, at time.Time) (Comment, error)
	// SetArticleMode changes an article's mode and appends the action row in one transaction.
	SetArticleMode(ctx context.Context, articleKey string, mode Mode, act AuthorAction) error
}

// Undo takes back moderator m's latest decision on a comment, if it was made less than
// UndoWindow ago and is still the comment's latest: the comment goes back to the queue it was
// in (held, or decided as before an override). The undo is audited and sent to the site as a
// decision event with the restored status.
func (s *Service) Undo(ctx context.Context, m Moderator, commentID int64) (Comment, error) {
	c, err := s.CommentFor(ctx, m, commentID)
	if err != nil {
		return Comment{}, err
	}
	if c.Decision == nil {
		return Comment{}, &ConflictError{Reason: fmt.Sprintf("comment %d has no decision to undo", commentID)}
	}
	now := s.now()
	d := c.Decision
	if d.ModeratorID != m.ID {
		return Comment{}, &ConflictError{Reason: fmt.Sprintf("the latest decision on comment %d is %s's, not yours", commentID, d.ModeratorName)}
	}
	if now.Sub(d.CreatedAt) > UndoWindow {
		return Comment{}, &ConflictError{Reason: fmt.Sprintf("the decision on comment %d is older than %d seconds and can no longer be undone", commentID, int(UndoWindow/time.Second))}
	}
	out, err := s.store.Undo(ctx, commentID, d.ID, m.ID, now.Add(-UndoWindow), now)
	if err != nil {
		return Comment{}, fmt.Errorf("undo decision on comment %d: %w", commentID, err)
	}
	return out, nil
}

// SetArticleMode changes the moderation mode of an article moderator m may see, audited in
// the article's action log. It applies to comments submitted from then on.
func (s *Service) SetArticleMode(ctx context.Context, m Moderator, articleKey string, mode Mode) error {
	if !mode.Valid() {
		return invalid("mode", "%q is not a mode (valid: auto, premoderate, closed)", mode)
	}
	st, err := s.ArticleFor(ctx, m, articleKey)
	if err != nil {
		return err
	}
	if st.Article.Mode == mode {
		return nil
	}
	return s.store.SetArticleMode(ctx, articleKey, mode, AuthorAction{Subject: articleSubject(articleKey),
		Action: "mode", Detail: fmt.Sprintf("%s → %s", st.Article.Mode, mode), ModeratorID: m.ID, CreatedAt: s.now()})
}

// ArticleActions returns the action log of an article moderator m may see, newest first.
func (s *Service) ArticleActions(ctx context.Context, m Moderator, articleKey string) ([]AuthorAction, error) {
	if err := visible(m, articleKey); err != nil {
		return nil, err
	}
	return s.store.Actions(ctx, articleSubject(articleKey), MaxPageSize)
}
