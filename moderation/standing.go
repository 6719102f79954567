package moderation

import (
	"fmt"
	"strings"
	"time"
)

// standingPrefix starts the reason code a standing adds ("author.banned", ...).
const standingPrefix = "author."

// ApplyStanding adjusts the policy's verdict on a comment (Evaluate's verdict and reasons) for
// its author's standing, and adds a reason naming it:
//
//   - banned: rejected; suspended: rejected until the suspension ends. A moderator chose this
//     for the author, so it holds even with AutoReject off (which is about the machine's own
//     judgement of a text);
//   - pre-moderated: held at least (a rejection stays a rejection);
//   - trusted: approved unless a hard rule fires (HardRules), with the hard rules' verdict and
//     reasons then; the machine's other reasons stay listed for the moderator;
//   - normal (or a suspension that has ended): unchanged.
func (p Policy) ApplyStanding(text string, a Assessment, mode Mode, st Standing, now time.Time,
	verdict Verdict, reasons []Reason) (Verdict, []Reason) {
	status := st.At(now)
	code := standingPrefix + string(status)
	switch status {
	case AuthorBanned:
		return Reject, append(reasons, Reason{Code: code, Message: "the author is banned"})
	case AuthorSuspended:
		return Reject, append(reasons, Reason{Code: code,
			Message: "the author is suspended until " + st.Until.UTC().Format("2006-01-02 15:04 UTC")})
	case AuthorPremoderated:
		if verdict == Approve {
			verdict = Hold
		}
		return verdict, append(reasons, Reason{Code: code, Message: "the author is pre-moderated: every comment is reviewed"})
	case AuthorTrusted:
		hv, hr := p.HardRules().Evaluate(text, a, mode)
		if hv != Approve {
			return hv, append(hr, Reason{Code: code, Message: fmt.Sprintf("the author is trusted, but a hard rule %s the comment", verbOf(hv))})
		}
		return Approve, append(reasons, Reason{Code: code, Message: "the author is trusted: approved unless a hard rule fires"})
	}
	return verdict, reasons
}

// HardRules is the part of p that even a trusted author's comment answers to: the article's
// mode (closed, pre-moderated), banned words, a threat score at or above its reject threshold,
// and a language the model does not support. Hold thresholds, the other heads' reject
// thresholds and suspect words are left out: they are where the machine is unsure, and a
// trusted author's record outweighs that.
func (p Policy) HardRules() Policy {
	h := p
	h.Hold = nil
	h.SuspectWords = nil
	h.Reject = nil
	if t, ok := p.Reject["threat"]; ok {
		h.Reject = map[string]float64{"threat": t}
	}
	return h
}

func verbOf(v Verdict) string {
	if v == Reject {
		return "rejects"
	}
	return "holds"
}

// StandingOf is the author standing a stored comment's verdict was given under, read from its
// reasons; "" when none was applied.
func StandingOf(reasons []Reason) AuthorStatus {
	for _, r := range reasons {
		if st, ok := strings.CutPrefix(r.Code, standingPrefix); ok && AuthorStatus(st).Valid() {
			return AuthorStatus(st)
		}
	}
	return ""
}

// reapplyStanding judges a stored comment again under the standing its verdict was given
// under (RescoreItem.Standing), as a rescore keeps the mode a comment was refused under (see
// StoredMode): what a moderator decided about the author when the comment arrived still holds
// for it. A suspended author's comment stays refused: the end of the suspension is not kept.
func (p Policy) reapplyStanding(text string, a Assessment, mode Mode, st AuthorStatus, v Verdict, rs []Reason) (Verdict, []Reason) {
	switch st {
	case "", AuthorNormal:
		return v, rs
	case AuthorSuspended:
		return Reject, append(rs, Reason{Code: standingPrefix + string(st), Message: "the author was suspended when the comment arrived"})
	}
	return p.ApplyStanding(text, a, mode, Standing{Status: st}, time.Time{}, v, rs)
}
