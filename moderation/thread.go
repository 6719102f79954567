package moderation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// MaxURLBytes bounds a comment's URL.
const MaxURLBytes = 2_000

// checkURL accepts "" (when not required) or an absolute http or https address: the dashboard
// links to it, and a relative or script address there would lead nowhere or somewhere unsafe.
func checkURL(field, v string) error {
	if err := checkText(field, v, MaxURLBytes, false); err != nil || v == "" {
		return err
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid(field, "must be an absolute http or https address")
	}
	return nil
}

// ThreadReplies is how many replies Thread lists.
const ThreadReplies = 20

// Thread is a comment's place in its discussion: the comment it answers and the first replies
// to it, so a moderator reads "you idiot" knowing what it answered.
type Thread struct {
	// Parent is the comment this one replies to, nil for a top-level comment (or a parent
	// that is gone).
	Parent *Comment
	// Replies are the first replies, oldest first; ReplyCount counts them all.
	Replies    []Comment
	ReplyCount int
}

// ThreadStore reads a comment's neighbours in its thread.
type ThreadStore interface {
	// Replies returns up to limit replies to a comment, oldest first, and how many there are.
	Replies(ctx context.Context, parentID int64, limit int) ([]Comment, int, error)
}

// Thread returns the parent and first replies of c.
func (s *Service) Thread(ctx context.Context, c Comment) (Thread, error) {
	var t Thread
	if c.ParentID != 0 {
		p, err := s.store.Comment(ctx, c.ParentID)
		switch {
		case err == nil:
			t.Parent = &p
		case !errors.Is(err, ErrNotFound):
			return Thread{}, fmt.Errorf("thread of %d: %w", c.ID, err)
		}
	}
	replies, n, err := s.store.Replies(ctx, c.ID, ThreadReplies)
	if err != nil {
		return Thread{}, fmt.Errorf("thread of %d: %w", c.ID, err)
	}
	t.Replies, t.ReplyCount = replies, n
	return t, nil
}
