package moderation

import (
	"context"
	"time"
)

// Classifier scores a text against an optional context (for stance). Implementations must be
// safe for concurrent use.
type Classifier interface {
	Assess(text, context string) (Assessment, error)
	// Version identifies the model, and is recorded with every score.
	Version() string
}

// QuickClassifier is a Classifier that can also score without explaining, which costs a
// fraction of Assess. Bulk rescoring uses it, and explains only the comments a person will look
// at: those held or rejected, and those whose verdict changes.
type QuickClassifier interface {
	Classifier
	// Score is Assess without the explanation.
	Score(text, context string) (Assessment, error)
}

// NewComment is everything stored when a submission is accepted, in one transaction.
type NewComment struct {
	Comment        Comment // ID, Decision and Claim are ignored; CreatedAt is set
	IdempotencyKey string  // "" for none
	// Scope namespaces idempotency keys and external IDs, e.g. "key:3" for API key 3.
	Scope string
}

// ArticleStore persists articles.
type ArticleStore interface {
	// PutArticle creates or updates an article; created reports which.
	PutArticle(ctx context.Context, a Article) (saved Article, created bool, err error)
	Article(ctx context.Context, id string) (Article, error)
	ArticleStats(ctx context.Context, id string) (ArticleStats, error)
	// ListArticles returns up to limit articles with stats after skipping offset, most
	// recently updated first.
	ListArticles(ctx context.Context, offset, limit int) ([]ArticleStats, error)
}

// CommentStore persists comments with their assessment and machine verdict.
type CommentStore interface {
	// InsertComment stores comment, scores, verdict and an audit row in one transaction. When
	// the idempotency key or (scope, external ID) was seen before it stores nothing and
	// returns the earlier comment with created false.
	InsertComment(ctx context.Context, nc NewComment) (c Comment, created bool, err error)
	Comment(ctx context.Context, id int64) (Comment, error)
	ListComments(ctx context.Context, f CommentFilter) (CommentPage, error)
	// AuthorComments returns an author's most recent comments, newest first.
	AuthorComments(ctx context.Context, authorID string, limit int) ([]Comment, error)
}

// ReviewStore persists the queue, claims, decisions and the audit log. Claim and Decide are
// atomic: SQLite's single writer serialises them.
type ReviewStore interface {
	// Queue lists held, undecided comments by priority (highest first, oldest first within ties).
	Queue(ctx context.Context, f QueueFilter) ([]ReviewItem, error)
	// QueueSize counts held, undecided comments.
	QueueSize(ctx context.Context) (int, error)
	// Claim leases up to n queue items to moderator m until until: items unclaimed or whose
	// lease ended before now, in queue order. Each claim is audited.
	Claim(ctx context.Context, m Moderator, n int, now, until time.Time) ([]ReviewItem, error)
	// Release ends m's lease on a comment (audited); ErrNotFound if m holds none on it.
	Release(ctx context.Context, m Moderator, commentID int64) error
	// Decide records a human decision and its audit row. It fails with ErrConflict when the
	// comment already has a decision and d.Override is false, or when another moderator's lease
	// on it has not ended at d.CreatedAt. It clears the claim.
	Decide(ctx context.Context, d Decision) (Decision, error)
	// Audit returns a comment's history, oldest first.
	Audit(ctx context.Context, commentID int64) ([]AuditEntry, error)
	// Decided streams every human-decided comment as a labeled example, in comment ID order.
	Decided(ctx context.Context, fn func(LabeledExample) error) error
}

// AccountStore persists moderators, API keys and sessions. Secrets arrive already hashed.
type AccountStore interface {
	CreateModerator(ctx context.Context, m Moderator, passwordHash string) (Moderator, error)
	// ModeratorByName returns a moderator and their password hash.
	ModeratorByName(ctx context.Context, name string) (Moderator, string, error)
	Moderators(ctx context.Context) ([]Moderator, error)
	// SetModeratorPassword replaces the hash and deletes the moderator's sessions, in one
	// transaction.
	SetModeratorPassword(ctx context.Context, name, passwordHash string) error
	// SetModeratorDisabled disables (at != nil; sessions are deleted in the same transaction)
	// or re-enables a moderator.
	SetModeratorDisabled(ctx context.Context, name string, at *time.Time) error
	SetModeratorRole(ctx context.Context, name string, role Role) error
	SetModeratorSites(ctx context.Context, name string, sites []int64) error
	// DeleteModerator deletes a moderator and their sessions; ErrConflict when decisions,
	// claims or audit rows name them.
	DeleteModerator(ctx context.Context, name string) error

	CreateAPIKey(ctx context.Context, k APIKey, keyHash string) (APIKey, error)
	APIKeyByHash(ctx context.Context, keyHash string) (APIKey, error)
	APIKeys(ctx context.Context) ([]APIKey, error)
	RevokeAPIKey(ctx context.Context, id int64, at time.Time) error

	CreateSession(ctx context.Context, tokenHash string, moderatorID int64, expires time.Time) error
	// SessionModerator returns the moderator of an unexpired session.
	SessionModerator(ctx context.Context, tokenHash string, now time.Time) (Moderator, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// PurgeSessions deletes sessions expired at now and returns how many.
	PurgeSessions(ctx context.Context, now time.Time) (int64, error)
	// Secret returns the secret stored under name, storing value first when there is none.
	Secret(ctx context.Context, name string, value []byte) ([]byte, error)
}

// PolicyStore persists the site's policy.
type PolicyStore interface {
	// Policy returns the saved policy, or ErrNotFound when none was saved yet.
	Policy(ctx context.Context) (Policy, error)
	SavePolicy(ctx context.Context, p Policy) error
}

// Store is everything the Service needs from storage.
type Store interface {
	ArticleStore
	CommentStore
	ReviewStore
	AccountStore
	PolicyStore
	SiteStore
	LoginLimitStore
	ReportStore
	AuthorStore
	QueueStore
	SearchStore
	UndoStore
	ThreadStore
}
