package moderation

import (
	"context"
	"strings"
)

// The rules that judge a comment again after it was stored live here, in one place, so that
// every path that re-evaluates stored comments (rescoring, the settings page's policy
// preview) and every view that shows what a score means (the dashboard) agree.

// reasonClosed is the reason code of a comment refused because its article was closed.
const reasonClosed = "mode.closed"

// ReasonStore reads the reasons of stored comments' current machine verdicts.
type ReasonStore interface {
	// Reasons returns the current machine verdict's reasons of each listed comment; comments
	// that do not exist are missing from the map.
	Reasons(ctx context.Context, ids []int64) (map[int64][]Reason, error)
}

// StoredMode is the mode a stored comment is judged under when it is judged again. Closing an
// article refuses new comments; it does not unpublish the discussion it had, so comments of a
// closed article are judged as in an auto-moderated one, except those refused because it was
// closed, which stay refused. reasons are the comment's current reasons; only comments of
// closed articles need them (see NeedsReasons).
func StoredMode(m Mode, reasons []Reason) Mode {
	if m != ModeClosed {
		return m
	}
	for _, r := range reasons {
		if r.Code == reasonClosed {
			return ModeClosed
		}
	}
	return ModeAuto
}

// NeedsReasons reports whether StoredMode needs a comment's reasons under its article's mode
// m: reading and decoding every comment's reasons would cost a bulk rescore seconds.
func NeedsReasons(m Mode) bool { return m == ModeClosed }

// JudgeStored is the verdict, under p, of a stored comment of an article in mode m, assessed
// as a, whose current reasons are reasons and which was judged under the author standing st
// ("" for none): the mode it was refused under and the standing still hold for it. Rescoring
// and the policy preview both judge through it.
func (p Policy) JudgeStored(text string, a Assessment, m Mode, reasons []Reason, st AuthorStatus) (Verdict, []Reason) {
	mode := StoredMode(m, reasons)
	v, rs := p.Evaluate(text, a, mode)
	return p.reapplyStanding(text, a, mode, st, v, rs)
}

// storedReasons reads the reasons of the listed comments whose article's mode needs them
// (NeedsReasons); it asks the store nothing when none does.
func storedReasons(ctx context.Context, rs ReasonStore, ids []int64, modes []Mode) (map[int64][]Reason, error) {
	var need []int64
	for i, id := range ids {
		if NeedsReasons(modes[i]) {
			need = append(need, id)
		}
	}
	if len(need) == 0 {
		return nil, nil
	}
	return rs.Reasons(ctx, need)
}

// ToneVerdict is the verdict one tone score alone earns under p, and the threshold it reached
// (0 when none): at or above the reject threshold, Reject with AutoReject and Hold without it
// (humans have the last word); at or above the hold threshold, Hold; else Approve.
func (p Policy) ToneVerdict(attr string, score float64) (Verdict, float64) {
	if t, ok := p.Reject[attr]; ok && score >= t {
		if p.AutoReject {
			return Reject, t
		}
		return Hold, t
	}
	if t, ok := p.Hold[attr]; ok && score >= t {
		return Hold, t
	}
	return Approve, 0
}

// RefusedAsClosed reports whether c's status says nothing about its author: the machine
// rejected it only because its article was closed (no human decided it; no tone, word or
// author reason came with the refusal). Views show such a comment as "closed", not as a
// rejection that would make a harmless author's history look bad.
func (c Comment) RefusedAsClosed() bool {
	if c.Decision != nil || c.MachineVerdict != Reject {
		return false
	}
	closed := false
	for _, r := range c.Reasons {
		switch {
		case r.Code == reasonClosed:
			closed = true
		case strings.HasPrefix(r.Code, "threshold."), strings.HasPrefix(r.Code, "banned_word"),
			strings.HasPrefix(r.Code, standingPrefix):
			return false
		}
	}
	return closed
}
