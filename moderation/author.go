package moderation

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// AuthorStatus is the standing moderators gave an author. It feeds the policy (ApplyStanding).
type AuthorStatus string

// The author statuses.
const (
	// AuthorNormal leaves the author's comments to the policy alone.
	AuthorNormal AuthorStatus = "normal"
	// AuthorTrusted approves the author's comments unless a hard rule fires (Policy.HardRules).
	AuthorTrusted AuthorStatus = "trusted"
	// AuthorPremoderated holds every comment of the author for a moderator.
	AuthorPremoderated AuthorStatus = "premoderate"
	// AuthorSuspended rejects the author's comments until the suspension ends.
	AuthorSuspended AuthorStatus = "suspended"
	// AuthorBanned rejects every comment of the author.
	AuthorBanned AuthorStatus = "banned"
)

// AuthorStatuses lists the statuses in display order.
var AuthorStatuses = []AuthorStatus{AuthorNormal, AuthorTrusted, AuthorPremoderated, AuthorSuspended, AuthorBanned}

// Valid reports whether st is a known status.
func (st AuthorStatus) Valid() bool { return slices.Contains(AuthorStatuses, st) }

// Standing is an author's status; Until ends a suspension.
type Standing struct {
	Status AuthorStatus
	Until  time.Time // AuthorSuspended only
}

// At is the standing in force at now: a suspension that has ended is normal again.
func (s Standing) At(now time.Time) AuthorStatus {
	if s.Status == "" || (s.Status == AuthorSuspended && !now.Before(s.Until)) {
		return AuthorNormal
	}
	return s.Status
}

// AuthorAction is one entry of the log of moderators' actions on an author or article.
type AuthorAction struct {
	ID            int64
	Subject       string // "author:KEY" or "article:KEY"
	Action        string // "status", "note", "mode"
	Detail        string
	ModeratorID   int64
	ModeratorName string
	CreatedAt     time.Time
}

// The subjects of the moderator action log.
func authorSubject(key string) string  { return "author:" + key }
func articleSubject(key string) string { return "article:" + key }

// AuthorStore persists author standing and the moderator action log.
type AuthorStore interface {
	// Standing returns an author's standing; the zero Standing (normal) when none was set.
	Standing(ctx context.Context, authorKey string) (Standing, error)
	// SetStanding stores a standing and its action row in one transaction.
	SetStanding(ctx context.Context, authorKey string, st Standing, act AuthorAction) error
	// AddAction appends an action row (a note).
	AddAction(ctx context.Context, act AuthorAction) error
	// Actions returns the action log of a subject, newest first.
	Actions(ctx context.Context, subject string, limit int) ([]AuthorAction, error)
	// SiteAuthorComments returns an author's comments on one site, newest first.
	SiteAuthorComments(ctx context.Context, site int64, authorID string, limit int) ([]Comment, error)
}

// AuthorKey is how an author is keyed across sites: the site's author id, prefixed like an
// article key on every site but the default one.
func AuthorKey(site int64, authorID string) string { return ArticleKey(site, authorID) }

// AuthorView is everything the author page shows.
type AuthorView struct {
	Key      string
	ID       string // the site's author id
	Site     int64
	Name     string // from the newest comment, "" when there is none
	Standing Standing
	Status   AuthorStatus // in force now
	Comments []Comment
	Actions  []AuthorAction
	// ByStatus counts the listed comments by effective status; comments refused only because
	// their article was closed (Comment.RefusedAsClosed) are counted in Closed instead of as
	// rejections, which would make a harmless author's record look bad.
	ByStatus map[Verdict]int
	Closed   int
}

// Author returns the author page of authorKey for moderator m.
func (s *Service) Author(ctx context.Context, m Moderator, authorKey string) (AuthorView, error) {
	site, id := SplitArticleKey(authorKey)
	if id == "" {
		return AuthorView{}, invalid("author", "is required")
	}
	if !m.SeesSite(site) {
		return AuthorView{}, fmt.Errorf("author %q: %w", authorKey, ErrNotFound)
	}
	st, err := s.store.Standing(ctx, authorKey)
	if err != nil {
		return AuthorView{}, err
	}
	cs, err := s.store.SiteAuthorComments(ctx, site, id, MaxPageSize)
	if err != nil {
		return AuthorView{}, err
	}
	acts, err := s.store.Actions(ctx, authorSubject(authorKey), MaxPageSize)
	if err != nil {
		return AuthorView{}, err
	}
	v := AuthorView{Key: authorKey, ID: id, Site: site, Standing: st, Status: st.At(s.now()),
		Comments: cs, Actions: acts, ByStatus: map[Verdict]int{}}
	for _, c := range cs {
		if c.RefusedAsClosed() {
			v.Closed++
			continue
		}
		v.ByStatus[c.Status()]++
	}
	if len(cs) > 0 {
		v.Name = cs[0].Author.Name
	}
	return v, nil
}

// SetAuthorStatus changes an author's standing, audited under moderator m. A suspension needs
// an end in the future; every other status ignores until.
func (s *Service) SetAuthorStatus(ctx context.Context, m Moderator, authorKey string, st AuthorStatus, until time.Time, note string) error {
	if err := s.checkAuthor(m, authorKey); err != nil {
		return err
	}
	if !st.Valid() {
		return invalid("status", "%q is not an author status (valid: %v)", st, AuthorStatuses)
	}
	if err := checkText("note", note, MaxNoteBytes, false); err != nil {
		return err
	}
	now := s.now()
	standing := Standing{Status: st}
	detail := string(st)
	if st == AuthorSuspended {
		if !until.After(now) {
			return invalid("until", "a suspension needs an end in the future")
		}
		standing.Until = until.UTC()
		detail += " until " + standing.Until.Format(time.RFC3339)
	}
	if note != "" {
		detail += ": " + note
	}
	return s.store.SetStanding(ctx, authorKey, standing, AuthorAction{Subject: authorSubject(authorKey),
		Action: "status", Detail: detail, ModeratorID: m.ID, CreatedAt: now})
}

// AddAuthorNote appends a moderator's note to an author's log.
func (s *Service) AddAuthorNote(ctx context.Context, m Moderator, authorKey, note string) error {
	if err := s.checkAuthor(m, authorKey); err != nil {
		return err
	}
	if err := checkText("note", note, MaxNoteBytes, true); err != nil {
		return err
	}
	return s.store.AddAction(ctx, AuthorAction{Subject: authorSubject(authorKey), Action: "note",
		Detail: note, ModeratorID: m.ID, CreatedAt: s.now()})
}

func (s *Service) checkAuthor(m Moderator, authorKey string) error {
	site, id := SplitArticleKey(authorKey)
	if err := checkText("author", id, MaxIDBytes, true); err != nil {
		return err
	}
	if !m.SeesSite(site) {
		return fmt.Errorf("author %q: %w", authorKey, ErrNotFound)
	}
	return nil
}
