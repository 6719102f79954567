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

// reapplyStanding judges a stored comment under the standing it was judged under before,
// read from its old reasons, as a rescore keeps the mode a comment was refused under (see
// rescoreMode). A suspended author's comment stays refused with its old reason: the end of the
// suspension is not kept in the reasons.
func (p Policy) reapplyStanding(text string, a Assessment, mode Mode, old []Reason, v Verdict, rs []Reason) (Verdict, []Reason) {
	for _, r := range old {
		st, ok := strings.CutPrefix(r.Code, standingPrefix)
		if !ok || !AuthorStatus(st).Valid() {
			continue
		}
		if AuthorStatus(st) == AuthorSuspended {
			return Reject, append(rs, r)
		}
		return p.ApplyStanding(text, a, mode, Standing{Status: AuthorStatus(st)}, time.Time{}, v, rs)
	}
	return v, rs
}
