package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// Queue page sizes.
const (
	queuePageSize  = 25 // items shown at once
	queueClaimSize = 5  // items a moderator holds while the page is open
	authorHistory  = 6  // earlier comments shown per author
)

// queueView is the queue page.
type queueView struct {
	page
	Items          []queueItem
	ApproveReasons []moderation.ReasonCode
	RejectReasons  []moderation.ReasonCode
}

// queueItem is one held comment with its article, author history and claim.
type queueItem struct {
	commentView
	Article     moderation.Article
	Earlier     []moderation.Comment
	ClaimedByMe bool
}

// queuePage shows the held comments in priority order. Opening it tops the moderator's claims
// up to queueClaimSize, so two moderators working at once see different items first.
func (d *dashboard) queuePage(c *gin.Context) {
	ctx, me := c.Request.Context(), currentModerator(c)
	items, err := d.svc.Queue(ctx, moderation.QueueFilter{Limit: queuePageSize, Sites: me.Sites})
	if err != nil {
		d.fail(c, err)
		return
	}
	mine := 0
	for _, it := range items {
		if it.Comment.Claim != nil && it.Comment.Claim.ModeratorID == me.ID {
			mine++
		}
	}
	if mine < queueClaimSize && len(items) > mine {
		claimed, err := d.svc.Claim(ctx, me, queueClaimSize-mine)
		if err != nil {
			d.fail(c, err)
			return
		}
		if len(claimed) > 0 {
			if items, err = d.svc.Queue(ctx, moderation.QueueFilter{Limit: queuePageSize, Sites: me.Sites}); err != nil {
				d.fail(c, err)
				return
			}
		}
	}
	v := queueView{page: d.base(c, "Queue", "queue"),
		ApproveReasons: moderation.ApproveReasons, RejectReasons: moderation.RejectReasons}
	v.Flash = decisionFlash(c.Query("done"), c.Query("n"))
	policy := d.svc.Policy()
	for _, it := range items {
		qi := queueItem{commentView: viewComment(it.Comment, policy), Article: it.Article,
			ClaimedByMe: it.Comment.Claim != nil && it.Comment.Claim.ModeratorID == me.ID}
		earlier, err := d.svc.AuthorComments(ctx, it.Comment.Author.ID, authorHistory+1)
		if err != nil {
			d.fail(c, err)
			return
		}
		for _, e := range earlier {
			if e.ID != it.Comment.ID && len(qi.Earlier) < authorHistory {
				qi.Earlier = append(qi.Earlier, e)
			}
		}
		v.Items = append(v.Items, qi)
	}
	d.render(c, http.StatusOK, "queue", v)
}

// decisionFlash is the message after a decision. It is built from fixed words and a number,
// never echoed from the query string.
func decisionFlash(done, n string) string {
	count, err := strconv.Atoi(n)
	if err != nil || count < 0 {
		return ""
	}
	switch done {
	case "approve":
		return "Approved " + strconv.Itoa(count) + " comment(s)."
	case "reject":
		return "Rejected " + strconv.Itoa(count) + " comment(s)."
	case "release":
		return "Released comment #" + strconv.Itoa(count) + " back to the queue."
	}
	return ""
}

// countResponse is the body of GET /queue/count, polled by the pages.
type countResponse struct {
	Waiting int `json:"waiting"`
}

// queueCount answers the number of comments waiting, for the live counter.
func (d *dashboard) queueCount(c *gin.Context) {
	n, err := d.svc.QueueSize(c.Request.Context())
	if err != nil {
		d.s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, countResponse{Waiting: n})
}

// decisionForm is the decision a form submits, for one comment or a selection.
type decisionForm struct {
	verdict  moderation.Verdict
	reason   moderation.ReasonCode
	note     string
	override bool
}

func readDecision(c *gin.Context) decisionForm {
	f := decisionForm{
		verdict:  moderation.Verdict(c.PostForm("verdict")),
		reason:   moderation.ReasonCode(c.PostForm("reason")),
		note:     c.PostForm("note"),
		override: c.PostForm("override") == "1",
	}
	// One reason menu serves both buttons of the bulk form: its reject codes mean nothing to
	// an approval.
	if f.verdict == moderation.Approve && f.reason != "" && !isApproveReason(f.reason) {
		f.reason = moderation.ReasonOK
	}
	return f
}

func isApproveReason(r moderation.ReasonCode) bool {
	for _, a := range moderation.ApproveReasons {
		if a == r {
			return true
		}
	}
	return false
}

func (f decisionForm) input(id int64) moderation.DecisionInput {
	return moderation.DecisionInput{CommentID: id, Verdict: f.verdict, Reason: f.reason, Note: f.note, Override: f.override}
}

// decideSubmit records one decision and goes back to where the form came from.
func (d *dashboard) decideSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("comment_id"), 10, 64)
	if err != nil || id <= 0 {
		d.fail(c, errBadForm("comment_id", "must be a comment id"))
		return
	}
	f := readDecision(c)
	if _, err := d.svc.Decide(c.Request.Context(), currentModerator(c), f.input(id)); err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash(localPath(c.PostForm("next"), "/queue"), string(f.verdict), 1))
}

// bulkSubmit applies one decision to every selected comment.
func (d *dashboard) bulkSubmit(c *gin.Context) {
	var ids []int64
	for _, s := range c.PostFormArray("id") {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			d.fail(c, errBadForm("id", "must be comment ids"))
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		d.fail(c, errBadForm("id", "select at least one comment"))
		return
	}
	if len(ids) > moderation.MaxPageSize {
		d.fail(c, errBadForm("id", "too many comments selected"))
		return
	}
	f := readDecision(c)
	n, err := d.svc.DecideMany(c.Request.Context(), currentModerator(c), ids, f.input(0))
	if err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash("/queue", string(f.verdict), n))
}

// releaseSubmit gives a claimed comment back to the queue.
func (d *dashboard) releaseSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("comment_id"), 10, 64)
	if err != nil || id <= 0 {
		d.fail(c, errBadForm("comment_id", "must be a comment id"))
		return
	}
	if err := d.svc.Release(c.Request.Context(), currentModerator(c), id); err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash("/comments/"+strconv.FormatInt(id, 10), "release", int(id)))
}

// withFlash adds the flash parameters to a local path.
func withFlash(path, done string, n int) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set("done", done)
	q.Set("n", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String()
}
