package moderation

import (
	"context"
	"fmt"
	"slices"
)

// Queue lists held comments awaiting a human, highest priority first.
func (s *Service) Queue(ctx context.Context, f QueueFilter) ([]ReviewItem, error) {
	f.Limit = clampLimit(f.Limit)
	return s.store.Queue(ctx, f)
}

// QueueSize counts held comments awaiting a human.
func (s *Service) QueueSize(ctx context.Context) (int, error) {
	return s.store.QueueSize(ctx)
}

// Claim leases up to n of the highest-priority unclaimed queue items to m for s.Lease, so that
// no two moderators review the same comment at once.
func (s *Service) Claim(ctx context.Context, m Moderator, n int) ([]ReviewItem, error) {
	if n < 0 {
		return nil, invalid("count", "must not be negative")
	}
	if n == 0 {
		n = DefaultClaimSize
	}
	if n > MaxPageSize {
		return nil, invalid("count", "at most %d items can be claimed at once", MaxPageSize)
	}
	now := s.now()
	return s.store.Claim(ctx, m, n, now, now.Add(s.Lease))
}

// Release gives a claimed comment back to the queue.
func (s *Service) Release(ctx context.Context, m Moderator, commentID int64) error {
	return s.store.Release(ctx, m, commentID)
}

// Decide records moderator m's decision on a comment. Deciding a comment a human already
// decided needs in.Override, and deciding one another moderator holds a live lease on is a
// conflict. The decision is audited; it becomes a labeled example for retraining.
func (s *Service) Decide(ctx context.Context, m Moderator, in DecisionInput) (Decision, error) {
	if in.Verdict != Approve && in.Verdict != Reject {
		return Decision{}, invalid("verdict", "must be approve or reject")
	}
	if in.Reason == "" {
		if in.Verdict == Approve {
			in.Reason = ReasonOK
		} else {
			return Decision{}, invalid("reason", "a rejection needs a reason code")
		}
	}
	valid := ApproveReasons
	if in.Verdict == Reject {
		valid = RejectReasons
	}
	if !slices.Contains(valid, in.Reason) {
		return Decision{}, invalid("reason", "%q is not a reason code for %s (valid: %v)", in.Reason, in.Verdict, valid)
	}
	if err := checkText("note", in.Note, MaxNoteBytes, false); err != nil {
		return Decision{}, err
	}
	if _, err := s.CommentFor(ctx, m, in.CommentID); err != nil {
		return Decision{}, err
	}
	d, err := s.store.Decide(ctx, Decision{
		CommentID:     in.CommentID,
		ModeratorID:   m.ID,
		ModeratorName: m.Name,
		Verdict:       in.Verdict,
		Reason:        in.Reason,
		Note:          in.Note,
		Override:      in.Override,
		CreatedAt:     s.now(),
	})
	if err != nil {
		return Decision{}, fmt.Errorf("decide comment %d: %w", in.CommentID, err)
	}
	return d, nil
}

// DecideMany applies one decision to several comments (a spam wave, say). It stops at the
// first failure and reports how many were decided before it.
func (s *Service) DecideMany(ctx context.Context, m Moderator, ids []int64, in DecisionInput) (int, error) {
	for i, id := range ids {
		in.CommentID = id
		if _, err := s.Decide(ctx, m, in); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// Decided streams every human decision as a labeled example for retraining.
func (s *Service) Decided(ctx context.Context, fn func(LabeledExample) error) error {
	return s.store.Decided(ctx, fn)
}
