package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
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
	// Article filters the queue to one article ("" for all); Page counts from 1.
	Article string
	Page    int
	// More is true when another page follows; Prev and Next are their links.
	More       bool
	Prev, Next string
	// Queue is the queue shown; Tabs lead to every queue.
	Queue moderation.QueueKind
	Tabs  []queueTab
	// Undo is the comment whose decision the page offers to take back (0: none).
	Undo int64
	// Self is this page's address, where decisions made on it return.
	Self string
}

// queueItem is one held comment with its article, author history and claim.
type queueItem struct {
	commentView
	Article     moderation.Article
	Earlier     []moderation.Comment
	Thread      moderation.Thread
	ClaimedByMe bool
	// Reports are the item's open reader reports (reported queue).
	Reports []moderation.Report
	// Decided is true when a human decided it already: deciding again overrides.
	Decided bool
}

// queuePage shows the held comments in priority order, with who holds which. It changes
// nothing: claiming is POST /queue/claim, which the page's script sends when the page opens
// and before each refresh. With ?fragment=1 it answers only the list of items: the script
// refreshes the list with it after each decision and when new comments arrive, without
// reloading the page.
func (d *Handler) queuePage(c *gin.Context) {
	ctx, me := c.Request.Context(), httpx.CurrentModerator(c)
	v := queueView{ApproveReasons: moderation.ApproveReasons, RejectReasons: moderation.RejectReasons,
		Article: c.Query("article"), Page: 1, Queue: moderation.QueueHeld}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		v.Page = n
	}
	if k := moderation.QueueKind(c.Query("queue")); k != "" {
		if !k.Valid() {
			d.fail(c, errBadForm("queue", "must be one of held, reported, pending, approved, rejected"))
			return
		}
		v.Queue = k
	}
	items, err := d.queueItems(c, &v)
	if err != nil {
		d.fail(c, err)
		return
	}
	v.Prev, v.Next = queueLink(v.Queue, v.Article, v.Page-1), queueLink(v.Queue, v.Article, v.Page+1)
	v.Self = queueLink(v.Queue, v.Article, v.Page)
	policy := d.Svc.Policy()
	for _, it := range items {
		qi := queueItem{commentView: viewComment(it.Comment, policy), Article: it.Article, Reports: it.Reports,
			Decided:     it.Comment.Decision != nil,
			ClaimedByMe: it.Comment.Claim != nil && it.Comment.Claim.ModeratorID == me.ID}
		earlier, err := d.Svc.AuthorComments(ctx, it.Comment.Author.ID, authorHistory+1)
		if err != nil {
			d.fail(c, err)
			return
		}
		if qi.Thread, err = d.Svc.Thread(ctx, it.Comment); err != nil {
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
	if c.Query("fragment") == "1" {
		v.page = page{CSRF: d.sessionCSRF(c), Me: me}
		d.render(c, http.StatusOK, "queue-items", v)
		return
	}
	v.page = d.base(c, "Queue", "queue")
	v.Tabs = d.queueTabs(c, v.Queue, v.Article)
	v.Flash = decisionFlash(c.Query("done"), c.Query("n"), c.Query("failed"))
	v.Undo = undoable(c.Query("done"), c.Query("undo"))
	d.render(c, http.StatusOK, "queue", v)
}

// claimResponse is the body of POST /queue/claim for the page's script.
type claimResponse struct {
	Claimed int `json:"claimed"`
}

// claimSubmit tops the moderator's claims up to queueClaimSize, so that two moderators working
// at once are offered different items; the script sends it when the queue opens and before
// each refresh, a form without script gets the queue page back.
func (d *Handler) claimSubmit(c *gin.Context) {
	ctx, me := c.Request.Context(), httpx.CurrentModerator(c)
	items, err := d.Svc.Queue(ctx, moderation.QueueFilter{Limit: queuePageSize, Sites: me.Sites})
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
	var claimed []moderation.ReviewItem
	if mine < queueClaimSize && len(items) > mine {
		if claimed, err = d.Svc.Claim(ctx, me, queueClaimSize-mine); err != nil {
			d.fail(c, err)
			return
		}
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, claimResponse{Claimed: len(claimed)})
		return
	}
	c.Redirect(http.StatusSeeOther, "/queue")
}

// queueLink is the queue page's address for a queue, an article filter and a page ("" before
// page 1).
func queueLink(kind moderation.QueueKind, article string, page int) string {
	if page < 1 {
		return ""
	}
	q := url.Values{}
	if kind != "" && kind != moderation.QueueHeld {
		q.Set("queue", string(kind))
	}
	if article != "" {
		q.Set("article", article)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/queue"
	}
	return "/queue?" + q.Encode()
}

// decisionFlash is the message after a decision. It is built from fixed words and a number,
// never echoed from the query string.
// failed lists comment IDs a bulk decision left alone, as "12.15"; only IDs are echoed.
func decisionFlash(done, n, failed string) string {
	count, err := strconv.Atoi(n)
	if err != nil || count < 0 {
		return ""
	}
	var msg string
	switch done {
	case "approve":
		msg = "Approved " + strconv.Itoa(count) + " comment(s)."
	case "reject":
		msg = "Rejected " + strconv.Itoa(count) + " comment(s)."
	case "release":
		return "Released comment #" + strconv.Itoa(count) + " back to the queue."
	case "mode":
		return "Moderation mode changed; it applies to comments submitted from now on."
	case "author":
		return "Author standing saved; it applies to comments submitted from now on."
	case "note":
		return "Note added."
	case "undo":
		return "Took back the decision on comment #" + strconv.Itoa(count) + "; it is back in its queue."
	default:
		return ""
	}
	var ids []string
	for _, s := range strings.Split(failed, ".") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 && len(ids) < moderation.MaxPageSize {
			ids = append(ids, "#"+strconv.FormatInt(id, 10))
		}
	}
	if len(ids) > 0 {
		msg += " Not decided: " + strings.Join(ids, ", ") +
			" (another moderator holds or has decided them; open them to see)."
	}
	return msg
}

// countResponse is the body of GET /queue/count, polled by the pages.
type countResponse struct {
	Waiting int `json:"waiting"`
}

// queueCount answers the number of comments waiting, for the live counter.
func (d *Handler) queueCount(c *gin.Context) {
	n, err := d.Svc.QueueSize(c.Request.Context())
	if err != nil {
		d.Fail(c, err)
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
func (d *Handler) decideSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("comment_id"), 10, 64)
	if err != nil || id <= 0 {
		d.fail(c, errBadForm("comment_id", "must be a comment id"))
		return
	}
	f := readDecision(c)
	dec, err := d.Svc.Decide(c.Request.Context(), httpx.CurrentModerator(c), f.input(id))
	if wantsJSON(c) {
		if err != nil {
			d.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, decidedResponse{CommentID: id, Verdict: string(dec.Verdict), Reason: string(dec.Reason),
			Message: decisionFlash(string(dec.Verdict), "1", ""), UndoSeconds: int(moderation.UndoWindow.Seconds())})
		return
	}
	if err != nil {
		d.fail(c, err)
		return
	}
	next := withFlash(localPath(c.PostForm("next"), "/queue"), string(f.verdict), 1)
	c.Redirect(http.StatusSeeOther, next+"&undo="+strconv.FormatInt(id, 10))
}

// decidedResponse answers a decision sent by the page's script.
type decidedResponse struct {
	CommentID int64  `json:"comment_id"`
	Verdict   string `json:"verdict"`
	Reason    string `json:"reason"`
	Message   string `json:"message"`
	// UndoSeconds is how long the decision can be taken back (POST /queue/undo).
	UndoSeconds int `json:"undo_seconds"`
}

// wantsJSON reports whether the caller is the page's script, which asks for JSON, rather than
// a plain form submission.
func wantsJSON(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "application/json")
}

// bulkSubmit applies one decision to every selected comment.
func (d *Handler) bulkSubmit(c *gin.Context) {
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
	if f.verdict == moderation.Reject && f.reason == "" {
		// Refuse up front: a rejection without a chosen reason must not become a default one.
		d.fail(c, errBadForm("reason", "choose a reason for rejecting the selection"))
		return
	}
	if f.verdict == moderation.Reject && !d.confirmBulkReject(c, len(ids), f.reason) {
		return
	}
	res := d.decideEach(c, ids, f)
	if wantsJSON(c) {
		c.JSON(http.StatusOK, res)
		return
	}
	if res.Decided == 0 && len(res.Failed) > 0 && res.Failed[0].status != http.StatusConflict {
		d.fail(c, res.Failed[0].err)
		return
	}
	var failed []string
	for _, fl := range res.Failed {
		failed = append(failed, strconv.FormatInt(fl.CommentID, 10))
	}
	u := withFlash(queueLink(moderation.QueueKind(c.PostForm("queue")), "", 1), string(f.verdict), res.Decided)
	if len(failed) > 0 {
		u += "&failed=" + strings.Join(failed, ".")
	}
	c.Redirect(http.StatusSeeOther, u)
}

// bulkResponse reports exactly what a bulk decision did: each comment is decided on its own,
// so one that another moderator holds or decided is listed, and the rest are decided.
type bulkResponse struct {
	Verdict string       `json:"verdict"`
	Decided int          `json:"decided"`
	IDs     []int64      `json:"ids"`
	Failed  []bulkFailed `json:"failed"`
}

// bulkFailed is one comment a bulk decision left alone, and why.
type bulkFailed struct {
	CommentID int64  `json:"comment_id"`
	Message   string `json:"message"`
	status    int
	err       error
}

// decideEach decides each comment in turn, collecting what failed instead of stopping.
func (d *Handler) decideEach(c *gin.Context, ids []int64, f decisionForm) bulkResponse {
	res := bulkResponse{Verdict: string(f.verdict), IDs: []int64{}, Failed: []bulkFailed{}}
	me := httpx.CurrentModerator(c)
	for _, id := range ids {
		if _, err := d.Svc.Decide(c.Request.Context(), me, f.input(id)); err != nil {
			pr := d.problem(c, err)
			res.Failed = append(res.Failed, bulkFailed{CommentID: id, Message: pr.Message, status: pr.Status, err: err})
			continue
		}
		res.Decided++
		res.IDs = append(res.IDs, id)
	}
	return res
}

// releaseSubmit gives a claimed comment back to the queue.
func (d *Handler) releaseSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("comment_id"), 10, 64)
	if err != nil || id <= 0 {
		d.fail(c, errBadForm("comment_id", "must be a comment id"))
		return
	}
	if err := d.Svc.Release(c.Request.Context(), httpx.CurrentModerator(c), id); err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, withFlash("/comments/"+strconv.FormatInt(id, 10), "release", int(id)))
}
