package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// articlesView is the articles list.
type articlesView struct {
	page
	Articles []moderation.ArticleStats
	// PrevURL and NextURL page through the list ("" at either end).
	PrevURL, NextURL string
}

// articlesPerPage is the length of one page of the articles list.
const articlesPerPage = 100

// articlesPage lists articles with volume and the share held and rejected, a page at a time.
func (d *Handler) articlesPage(c *gin.Context) {
	pageNo, err := strconv.Atoi(c.DefaultQuery("page", "1"))
	if err != nil || pageNo < 1 || pageNo > 1_000_000 {
		d.fail(c, errBadForm("page", "must be a page number"))
		return
	}
	// One more than a page tells whether there is a next one.
	list, err := d.Svc.Articles(c.Request.Context(), (pageNo-1)*articlesPerPage, articlesPerPage+1)
	if err != nil {
		d.fail(c, err)
		return
	}
	v := articlesView{page: d.base(c, "Articles", "articles"), Articles: list}
	if len(list) > articlesPerPage {
		v.Articles = list[:articlesPerPage]
		v.NextURL = "/articles?page=" + strconv.Itoa(pageNo+1)
	}
	if pageNo > 1 {
		v.PrevURL = "/articles?page=" + strconv.Itoa(pageNo-1)
	}
	d.render(c, http.StatusOK, "articles", v)
}

// articleView is one article's page.
type articleView struct {
	page
	Stats      moderation.ArticleStats
	Stance     chart
	Tone       chart
	Comments   []commentView
	Status     string
	StanceSel  string
	Verdicts   []moderation.Verdict
	Stances    []moderation.Stance
	NextURL    string
	FilterNote string
	Modes      []moderation.Mode
	Actions    []moderation.AuthorAction // mode changes, newest first
}

// articlePage shows an article's stance distribution and tone histogram as SVG, and its
// comments filtered by verdict and stance, one page at a time.
func (d *Handler) articlePage(c *gin.Context) {
	ctx, id := c.Request.Context(), c.Param("id")
	stats, err := d.Svc.ArticleFor(ctx, httpx.CurrentModerator(c), id)
	if err != nil {
		d.fail(c, err)
		return
	}
	after, err := strconv.ParseInt(c.DefaultQuery("after", "0"), 10, 64)
	if err != nil {
		d.fail(c, errBadForm("after", "must be a comment id"))
		return
	}
	f := moderation.CommentFilter{ArticleID: id, Status: moderation.Verdict(c.Query("status")),
		Stance: moderation.Stance(c.Query("stance")), After: after, Limit: 50}
	cp, err := d.Svc.Comments(ctx, f)
	if err != nil {
		d.fail(c, err)
		return
	}
	hist, err := d.Svc.ToneHistogram(ctx, id)
	if err != nil {
		d.fail(c, err)
		return
	}
	v := articleView{page: d.base(c, stats.Article.Title, "articles"), Stats: stats,
		Status: string(f.Status), StanceSel: string(f.Stance),
		Verdicts: []moderation.Verdict{moderation.Approve, moderation.Hold, moderation.Reject},
		Stances:  append(slices.Clone(moderation.Stances), moderation.Unclear)}
	v.Modes = []moderation.Mode{moderation.ModeAuto, moderation.ModePremoderate, moderation.ModeClosed}
	v.Flash = decisionFlash(c.Query("done"), c.Query("n"), "")
	if v.Actions, err = d.Svc.ArticleActions(ctx, httpx.CurrentModerator(c), id); err != nil {
		d.fail(c, err)
		return
	}
	v.Stance = stanceChart(stats.ByStance)
	v.Tone = toneChart(hist)
	policy := d.Svc.Policy()
	for _, cm := range cp.Comments {
		v.Comments = append(v.Comments, viewComment(cm, policy))
	}
	if cp.Next != 0 {
		q := url.Values{}
		q.Set("status", v.Status)
		q.Set("stance", v.StanceSel)
		q.Set("after", strconv.FormatInt(cp.Next, 10))
		v.NextURL = "/articles/" + url.PathEscape(id) + "?" + q.Encode()
	}
	d.render(c, http.StatusOK, "article", v)
}

// stanceChart draws how many comments take each stance, confident stances only; its title says
// how many were unclear.
func stanceChart(by map[moderation.Stance]int) chart {
	title := "Stance of the comments"
	if n := by[moderation.Unclear]; n > 0 {
		title = fmt.Sprintf("Stance of the comments (%d unclear, not shown)", n)
	}
	labels := make([]string, len(moderation.Stances))
	values := make([]int, len(moderation.Stances))
	classes := make([]string, len(moderation.Stances))
	for i, s := range moderation.Stances {
		labels[i], values[i], classes[i] = string(s), by[s], "stance-"+string(s)
	}
	return barChart(title, labels, values, classes, nil, 360, 180, 1)
}

// histogramLabels name the ToneHistogram bins: the highest tone score as a multiple of its
// hold threshold.
var histogramLabels = [moderation.HistogramBins]string{"<⅛", "⅛–¼", "¼–½", "½–1", "1–2×", "2–4×", "4–8×", "≥8×"}

// toneChart draws how close the comments come to being held: each comment by its largest
// tone score relative to that tone's hold threshold, the threshold marked.
func toneChart(bins [moderation.HistogramBins]int) chart {
	labels := histogramLabels[:]
	tips := make([]string, len(bins))
	classes := make([]string, len(bins))
	for i := range bins {
		classes[i] = "tone-low"
		if i >= moderation.HistogramHoldBin {
			classes[i] = "tone-high"
		}
		tips[i] = fmt.Sprintf("%d comments with a tone score %s its hold threshold", bins[i], histogramWords[i])
	}
	ch := barChart("Tone against the hold thresholds", labels, bins[:], classes, tips, 360, 180, 2)
	ch.markAt(float64(moderation.HistogramHoldBin)/float64(len(bins)), "hold")
	return ch
}

// histogramWords spell the bins out for the bars' text alternatives.
var histogramWords = [moderation.HistogramBins]string{"under an eighth of", "an eighth to a quarter of",
	"a quarter to half of", "half to all of", "1 to 2 times", "2 to 4 times", "4 to 8 times", "8 or more times"}
