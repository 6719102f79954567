package moderation

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
)

// Feedback limits.
const (
	// MaxFeedbackTokenBytes bounds a client token or community ID.
	MaxFeedbackTokenBytes = 500
	// FeedbackPositive is the suggested score from which an attribute counts as present when
	// feedback becomes a training label (Perspective clients send 0 or 1; anything in between
	// is read as the suggester's probability and rounded).
	FeedbackPositive = 0.5
)

// Feedback is a score a client suggests for a text, usually because a moderator decided about
// it: the Perspective API's SuggestCommentScore. It becomes a labeled training example.
type Feedback struct {
	ID   int64
	Text string
	// Context is the client's context for the text, as sent (Coral sends a JSON object with the
	// comment's URL and IDs, not article text). It is kept for reference and never trained on.
	Context string
	// Scores maps tone attributes (ToneAttributes) to the suggested probability in [0, 1].
	Scores map[string]float64
	// Verdict is a moderator's verdict on the text when the client sent one instead of (or
	// beside) scores: Approve or Reject, "" when none.
	Verdict Verdict
	// CommunityID and ClientToken identify the client's community and the item (Coral sends
	// "Coral:<site URL>" and "comment:<id>"). A later suggestion for the same API key,
	// community and non-empty token replaces the earlier one: the moderator changed their mind.
	CommunityID string
	ClientToken string
	APIKeyID    int64
	CreatedAt   time.Time
}

// FeedbackExample is a feedback row as a training example for `tribune train`.
type FeedbackExample struct {
	Feedback Feedback
	// Labels maps tone attributes to 0 or 1; see Feedback.Labels.
	Labels map[string]int
}

// FeedbackStore persists suggested scores.
type FeedbackStore interface {
	// PutFeedback stores f, replacing an earlier row with the same API key, community ID and
	// (non-empty) client token. It returns the stored row with its ID and CreatedAt.
	PutFeedback(ctx context.Context, f Feedback) (Feedback, error)
	// EachFeedback streams every stored row in ID order; an error from fn stops the stream and
	// is returned as is.
	EachFeedback(ctx context.Context, fn func(Feedback) error) error
	// CountFeedback counts the rows recorded with an API key (0: without one).
	CountFeedback(ctx context.Context, apiKeyID int64) (int, error)
}

// DefaultFeedbackQuota is how many suggestions one API key may store. Suggestions are kept
// for retraining until exported; a bound keeps one key from filling the disk.
const DefaultFeedbackQuota = 10_000

// FeedbackService validates, records and exports suggested scores. It is safe for concurrent
// use.
type FeedbackService struct {
	store FeedbackStore
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Quota is how many suggestions one API key may store; 0 means DefaultFeedbackQuota.
	Quota int
}

// NewFeedbackService returns a feedback service over store.
func NewFeedbackService(store FeedbackStore) *FeedbackService {
	return &FeedbackService{store: store, Now: time.Now}
}

// checkQuota refuses a suggestion once f's key has stored its quota. Replacing a suggestion
// with the same client token would not grow the table, but it is refused as well at the cap:
// a key there has stopped behaving like a moderation tool.
func (s *FeedbackService) checkQuota(ctx context.Context, f Feedback) error {
	quota := s.Quota
	if quota <= 0 {
		quota = DefaultFeedbackQuota
	}
	n, err := s.store.CountFeedback(ctx, f.APIKeyID)
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	if n >= quota {
		return &RateLimitError{Reason: fmt.Sprintf("this API key has stored its quota of %d suggested scores", quota)}
	}
	return nil
}

// Record validates a suggestion and stores it. CreatedAt is set by the service.
func (s *FeedbackService) Record(ctx context.Context, f Feedback) (Feedback, error) {
	if err := validateFeedback(f); err != nil {
		return Feedback{}, err
	}
	if err := s.checkQuota(ctx, f); err != nil {
		return Feedback{}, err
	}
	f.CreatedAt = s.Now().UTC()
	out, err := s.store.PutFeedback(ctx, f)
	if err != nil {
		return Feedback{}, fmt.Errorf("record feedback: %w", err)
	}
	return out, nil
}

func validateFeedback(f Feedback) error {
	if err := checkText("text", f.Text, MaxCommentBytes, true); err != nil {
		return err
	}
	if err := checkText("context", f.Context, MaxArticleBytes, false); err != nil {
		return err
	}
	if err := checkText("community_id", f.CommunityID, MaxFeedbackTokenBytes, false); err != nil {
		return err
	}
	if err := checkText("client_token", f.ClientToken, MaxFeedbackTokenBytes, false); err != nil {
		return err
	}
	if len(f.Scores) == 0 && f.Verdict == "" {
		return invalid("scores", "suggest at least one attribute score")
	}
	if f.Verdict != "" && f.Verdict != Approve && f.Verdict != Reject {
		return invalid("verdict", "must be approve or reject")
	}
	for _, attr := range slices.Sorted(maps.Keys(f.Scores)) {
		if !isToneAttribute(attr) {
			return invalid("scores", "unknown attribute %q", attr)
		}
		if p := f.Scores[attr]; math.IsNaN(p) || p < 0 || p > 1 {
			return invalid("scores", "%s must be between 0 and 1, not %v", attr, p)
		}
	}
	return nil
}

// Labels turns the suggestion into tone labels:
//
//   - a suggested score is 1 from FeedbackPositive up, else 0;
//   - an approval makes every tone attribute not given a score 0 (as a moderator's approval
//     does in Service.Decided: an approved comment carries none of them);
//   - a rejection makes toxicity 1 unless a score for it was given, when rejectIsToxic is
//     set. Clients such as Coral reject for reasons other than tone too (spam, off topic)
//     without saying which, so callers choose whether to trust rejections as toxicity.
//
// The result may be empty (a bare rejection with rejectIsToxic unset).
func (f Feedback) Labels(rejectIsToxic bool) map[string]int {
	out := make(map[string]int, len(ToneAttributes))
	for attr, p := range f.Scores {
		out[attr] = 0
		if p >= FeedbackPositive {
			out[attr] = 1
		}
	}
	switch f.Verdict {
	case Approve:
		for _, attr := range ToneAttributes {
			if _, ok := out[attr]; !ok {
				out[attr] = 0
			}
		}
	case Reject:
		if _, ok := out["toxicity"]; !ok && rejectIsToxic {
			out["toxicity"] = 1
		}
	}
	return out
}

// Export streams every stored suggestion with labels as a training example, in ID order,
// skipping suggestions that give no label (see Feedback.Labels).
func (s *FeedbackService) Export(ctx context.Context, rejectIsToxic bool, fn func(FeedbackExample) error) error {
	if s.store == nil {
		return errors.New("export feedback: no store")
	}
	return s.store.EachFeedback(ctx, func(f Feedback) error {
		labels := f.Labels(rejectIsToxic)
		if len(labels) == 0 {
			return nil
		}
		return fn(FeedbackExample{Feedback: f, Labels: labels})
	})
}

func isToneAttribute(attr string) bool { return slices.Contains(ToneAttributes, attr) }
