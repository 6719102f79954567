package moderation

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Limits on what the service accepts. Transports check sizes earlier; these hold for every
// entry point.
const (
	MaxCommentBytes  = 20_000
	MaxArticleBytes  = 200_000
	MaxTitleBytes    = 1_000
	MaxIDBytes       = 200
	MaxNameBytes     = 200
	MaxNoteBytes     = 2_000
	DefaultPageSize  = 50
	MaxPageSize      = 500
	DefaultLease     = 5 * time.Minute
	DefaultClaimSize = 10
)

// Service is Tribune's moderation workflow: it scores submitted comments, applies the site's
// policy, records verdicts, and runs the review queue. It is safe for concurrent use.
type Service struct {
	store      Store
	classifier atomic.Pointer[classifierBox]
	policy     atomic.Pointer[Policy]

	// Now is the clock; tests replace it.
	Now func() time.Time
	// Lease is how long a claim holds a comment for one moderator.
	Lease time.Duration
	// Observer, when set, hears about every assessment and stored verdict (metrics). Set it
	// before use.
	Observer Observer

	// blocked remembers, in this process, login keys the database said must wait, until
	// when: a guesser who keeps knocking is answered without a database read.
	blocked     sync.Map // string -> time.Time
	blockedSize atomic.Int64
	// passwordChecks bounds concurrent bcrypt comparisons, so password guessing can take at
	// most that many cores from everything else.
	passwordChecks chan struct{}
}

// Observer is told what the service did, for metrics. Calls must be cheap and safe for
// concurrent use.
type Observer interface {
	// Assessed reports how long the classifier took on one comment.
	Assessed(d time.Duration)
	// Judged reports a stored comment's machine verdict and its reasons.
	Judged(v Verdict, reasons []Reason)
}

// classifierBox lets an interface value live behind an atomic.Pointer.
type classifierBox struct{ c Classifier }

// NewService returns a service over store and classifier, with the policy saved in the store
// (or DefaultPolicy when none was saved).
func NewService(ctx context.Context, store Store, c Classifier) (*Service, error) {
	if store == nil || c == nil {
		return nil, errors.New("new service: store and classifier are required")
	}
	s := &Service{store: store, Now: time.Now, Lease: DefaultLease,
		passwordChecks: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))}
	s.classifier.Store(&classifierBox{c})
	p, err := LoadPolicy(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("new service: %w", err)
	}
	s.policy.Store(&p)
	return s, nil
}

// Classifier returns the classifier in use.
func (s *Service) Classifier() Classifier { return s.classifier.Load().c }

// SetClassifier switches to another model. Requests already scoring finish with the old one.
func (s *Service) SetClassifier(c Classifier) { s.classifier.Store(&classifierBox{c}) }

// Policy returns the policy in force.
func (s *Service) Policy() Policy { return *s.policy.Load() }

// SetPolicy validates, saves and activates a new policy.
func (s *Service) SetPolicy(ctx context.Context, p Policy) error {
	p.BannedWords = CleanWordList(p.BannedWords)
	p.SuspectWords = CleanWordList(p.SuspectWords)
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.store.SavePolicy(ctx, p); err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	s.policy.Store(&p)
	return nil
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// PutArticle creates or updates an article after validating it.
func (s *Service) PutArticle(ctx context.Context, a Article) (Article, bool, error) {
	if a.Mode == "" {
		a.Mode = ModeAuto
	}
	if err := validateArticle(a); err != nil {
		return Article{}, false, err
	}
	return s.store.PutArticle(ctx, a)
}

func validateArticle(a Article) error {
	if err := checkText("id", a.ID, MaxIDBytes, true); err != nil {
		return err
	}
	if err := checkText("title", a.Title, MaxTitleBytes, true); err != nil {
		return err
	}
	if err := checkText("url", a.URL, 2_000, false); err != nil {
		return err
	}
	if err := checkText("body", a.Body, MaxArticleBytes, false); err != nil {
		return err
	}
	if err := checkText("stance_target", a.StanceTarget, MaxTitleBytes, false); err != nil {
		return err
	}
	if !a.Mode.Valid() {
		return invalid("mode", "must be one of auto, premoderate, closed")
	}
	return nil
}

// checkText validates one text field: valid UTF-8, within max bytes, non-blank when required.
func checkText(field, v string, max int, required bool) error {
	if !utf8.ValidString(v) {
		return invalid(field, "is not valid UTF-8")
	}
	if len(v) > max {
		return invalid(field, "is %d bytes long; the limit is %d", len(v), max)
	}
	if required && strings.TrimSpace(v) == "" {
		return invalid(field, "is required")
	}
	return nil
}

// Article returns an article with its comment counts.
func (s *Service) Article(ctx context.Context, id string) (ArticleStats, error) {
	return s.store.ArticleStats(ctx, id)
}

// Articles lists articles with their counts, most recently updated first, one page at a
// time: offset articles are skipped.
func (s *Service) Articles(ctx context.Context, offset, limit int) ([]ArticleStats, error) {
	if offset < 0 {
		return nil, invalid("offset", "must not be negative")
	}
	return s.store.ListArticles(ctx, offset, clampLimit(limit))
}

// Submit scores a new comment against its article, applies the policy and stores comment,
// scores and verdict in one transaction. A retry with the same idempotency key or external ID
// returns the stored comment with created false.
func (s *Service) Submit(ctx context.Context, scope string, sub Submission) (Comment, bool, error) {
	if err := validateSubmission(sub); err != nil {
		return Comment{}, false, err
	}
	article, err := s.store.Article(ctx, sub.ArticleID)
	if errors.Is(err, ErrNotFound) {
		return Comment{}, false, invalid("article_id", "no article %q: create it first with PUT /api/v1/articles/{id}", sub.ArticleID)
	}
	if err != nil {
		return Comment{}, false, fmt.Errorf("submit: %w", err)
	}
	if sub.ParentID != 0 {
		parent, err := s.store.Comment(ctx, sub.ParentID)
		if errors.Is(err, ErrNotFound) || (err == nil && parent.ArticleID != article.ID) {
			return Comment{}, false, invalid("parent_id", "no comment %d on this article", sub.ParentID)
		}
		if err != nil {
			return Comment{}, false, fmt.Errorf("submit: %w", err)
		}
	}
	start := time.Now()
	a, err := s.Classifier().Assess(sub.Text, article.StanceContext())
	if err != nil {
		return Comment{}, false, fmt.Errorf("submit: assess: %w", err)
	}
	if s.Observer != nil {
		s.Observer.Assessed(time.Since(start))
	}
	pol := s.Policy()
	a = pol.Adjust(a)
	verdict, reasons := pol.Evaluate(sub.Text, a, article.Mode)
	standing, err := s.store.Standing(ctx, AuthorKey(SiteOf(article.ID), sub.Author.ID))
	if err != nil {
		return Comment{}, false, fmt.Errorf("submit: %w", err)
	}
	verdict, reasons = pol.ApplyStanding(sub.Text, a, article.Mode, standing, s.now(), verdict, reasons)
	c := Comment{
		ArticleID:      article.ID,
		Author:         sub.Author,
		Text:           sub.Text,
		ParentID:       sub.ParentID,
		ExternalID:     sub.ExternalID,
		URL:            sub.URL,
		CreatedAt:      s.now(),
		Assessment:     a,
		MachineVerdict: verdict,
		Reasons:        reasons,
		Priority:       Priority(a.Scores),
	}
	stored, created, err := s.store.InsertComment(ctx, NewComment{Comment: c, IdempotencyKey: sub.IdempotencyKey, Scope: scope})
	if err == nil && !created && !sameSubmission(stored, c) {
		// The id was reused for something else: answering with the old comment would drop the
		// new one without a word.
		return Comment{}, false, &IdempotencyConflictError{CommentID: stored.ID}
	}
	if err == nil && created && s.Observer != nil {
		s.Observer.Judged(stored.MachineVerdict, stored.Reasons)
	}
	return stored, created, err
}

// sameSubmission reports whether a retry carries the submission that was stored.
func sameSubmission(stored, retry Comment) bool {
	return stored.ArticleID == retry.ArticleID && stored.Text == retry.Text &&
		stored.Author.ID == retry.Author.ID && stored.ParentID == retry.ParentID
}

func validateSubmission(sub Submission) error {
	if err := checkText("article_id", sub.ArticleID, MaxIDBytes, true); err != nil {
		return err
	}
	if err := checkText("author.id", sub.Author.ID, MaxIDBytes, true); err != nil {
		return err
	}
	if err := checkText("author.name", sub.Author.Name, MaxNameBytes, false); err != nil {
		return err
	}
	if err := checkText("text", sub.Text, MaxCommentBytes, true); err != nil {
		return err
	}
	if err := checkText("external_id", sub.ExternalID, MaxIDBytes, false); err != nil {
		return err
	}
	if err := checkText("idempotency_key", sub.IdempotencyKey, MaxIDBytes, false); err != nil {
		return err
	}
	if err := checkURL("url", sub.URL); err != nil {
		return err
	}
	if sub.ParentID < 0 {
		return invalid("parent_id", "must be a positive comment id")
	}
	return nil
}

// Score assesses a text against an optional context and gives the verdict the policy would
// give it in an auto-moderated article. Nothing is stored.
func (s *Service) Score(ctx context.Context, text, context string) (Assessment, Verdict, []Reason, error) {
	if err := checkText("text", text, MaxCommentBytes, true); err != nil {
		return Assessment{}, "", nil, err
	}
	if err := checkText("context", context, MaxArticleBytes, false); err != nil {
		return Assessment{}, "", nil, err
	}
	a, err := s.Classifier().Assess(text, context)
	if err != nil {
		return Assessment{}, "", nil, fmt.Errorf("score: %w", err)
	}
	pol := s.Policy()
	a = pol.Adjust(a)
	v, reasons := pol.Evaluate(text, a, ModeAuto)
	return a, v, reasons, nil
}

// ScoreTones scores the tone of each text on its own, without context or explanation (the
// cheap path), for per-sentence scores, moved to the site's priors like every other score. It stops with the context's error as soon as ctx
// ends, so abandoned requests stop using CPU.
func (s *Service) ScoreTones(ctx context.Context, texts []string) ([]map[string]float64, error) {
	c := s.Classifier()
	score := c.Assess
	if q, ok := c.(QuickClassifier); ok {
		score = q.Score
	}
	// Span scores are read against the same thresholds as the summary: the site's priors apply.
	pol := s.Policy()
	out := make([]map[string]float64, len(texts))
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("score tones: %w", context.Cause(ctx))
		}
		if err := checkText("text", t, MaxCommentBytes, false); err != nil {
			return nil, err
		}
		a, err := score(t, "")
		if err != nil {
			return nil, fmt.Errorf("score tones: %w", err)
		}
		out[i] = pol.Adjust(a).Scores.Tone
	}
	return out, nil
}

// Comment returns one stored comment.
func (s *Service) Comment(ctx context.Context, id int64) (Comment, error) {
	return s.store.Comment(ctx, id)
}

// Comments lists an article's comments, filtered, one page at a time.
func (s *Service) Comments(ctx context.Context, f CommentFilter) (CommentPage, error) {
	if f.Status != "" && !f.Status.Valid() {
		return CommentPage{}, invalid("status", "must be one of approve, hold, reject")
	}
	if f.Stance != "" && !f.Stance.ValidFilter() {
		return CommentPage{}, invalid("stance", "must be one of agree, disagree, discuss, unrelated, unclear")
	}
	if f.After < 0 {
		return CommentPage{}, invalid("cursor", "must not be negative")
	}
	if _, err := s.store.Article(ctx, f.ArticleID); err != nil {
		return CommentPage{}, err
	}
	f.Limit = clampLimit(f.Limit)
	return s.store.ListComments(ctx, f)
}

// AuthorComments returns an author's latest comments, newest first.
func (s *Service) AuthorComments(ctx context.Context, authorID string, limit int) ([]Comment, error) {
	return s.store.AuthorComments(ctx, authorID, clampLimit(limit))
}

// History returns a comment's audit log, oldest first.
func (s *Service) History(ctx context.Context, commentID int64) ([]AuditEntry, error) {
	if _, err := s.store.Comment(ctx, commentID); err != nil {
		return nil, err
	}
	return s.store.Audit(ctx, commentID)
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return n
}
