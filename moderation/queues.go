package moderation

import (
	"context"
	"fmt"
	"slices"
)

// QueueKind names one of the dashboard's queues.
type QueueKind string

// The queues.
const (
	// QueueHeld is the review queue: held comments no human has decided, riskiest first.
	QueueHeld QueueKind = "held"
	// QueueReported lists comments with open reader reports (reported after the comment's
	// latest decision, or never decided), most recently reported first.
	QueueReported QueueKind = "reported"
	// QueuePending lists every comment no human has decided, whatever the machine said,
	// newest first.
	QueuePending QueueKind = "pending"
	// QueueApproved lists comments the machine approved and no human has decided, newest first.
	QueueApproved QueueKind = "approved"
	// QueueRejected lists rejected comments (by the machine or a moderator), newest first.
	QueueRejected QueueKind = "rejected"
)

// QueueKinds lists the queues in display order.
var QueueKinds = []QueueKind{QueueHeld, QueueReported, QueuePending, QueueApproved, QueueRejected}

// Valid reports whether k is a known queue.
func (k QueueKind) Valid() bool { return slices.Contains(QueueKinds, k) }

// ListFilter selects one page of a queue other than the held one.
type ListFilter struct {
	Kind      QueueKind
	ArticleID string // "" for every article
	Offset    int
	Limit     int
	// Sites limits the list to these sites; empty means all.
	Sites []int64
}

// ReportedItem is a comment of the reported queue with its open reports.
type ReportedItem struct {
	ReviewItem
	Reports []Report // open reports, newest first
}

// QueueStore lists the queues beyond the held one.
type QueueStore interface {
	// ListQueue returns one page of a queue (Kind is not QueueHeld) with articles; for
	// QueueReported each item carries its open reports.
	ListQueue(ctx context.Context, f ListFilter) ([]ReportedItem, error)
	// ReportedCount counts comments with open reports.
	ReportedCount(ctx context.Context, sites []int64) (int, error)
}

// List returns one page of a queue other than the held one (use Queue and Claim for that).
func (s *Service) List(ctx context.Context, f ListFilter) ([]ReportedItem, error) {
	if f.Kind == QueueHeld || !f.Kind.Valid() {
		return nil, invalid("queue", "%q is not a listed queue (valid: reported, pending, approved, rejected)", f.Kind)
	}
	if f.Offset < 0 {
		return nil, invalid("offset", "must not be negative")
	}
	f.Limit = clampLimit(f.Limit)
	items, err := s.store.ListQueue(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", f.Kind, err)
	}
	return items, nil
}

// ReportedCount counts comments with open reader reports in sites (empty: all).
func (s *Service) ReportedCount(ctx context.Context, sites []int64) (int, error) {
	return s.store.ReportedCount(ctx, sites)
}
