package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// overviewView is the overview page.
type overviewView struct {
	page
	O         moderation.Overview
	Hourly    chart
	Daily     chart
	Verdicts  chart
	Stance    chart
	QueueAge  []queueAgeRow
	Agreement []moderation.AgreementCount
}

// queueAgeRow is how many waiting comments are older than Limit.
type queueAgeRow struct {
	Limit string
	Count int
}

// overviewPage shows volume per hour and per day, the share of machine verdicts, the queue's
// age and how often moderators agreed with the model.
func (d *Handler) overviewPage(c *gin.Context) {
	o, err := d.Svc.Overview(c.Request.Context())
	if err != nil {
		d.fail(c, err)
		return
	}
	v := overviewView{page: d.base(c, "Overview", "overview"), O: o, Agreement: o.Agreement}
	v.Hourly = volumeChart("Comments per hour (last 48 h, UTC)", o.Hourly, "15h", 6)
	v.Daily = volumeChart("Comments per day (last 14 days)", o.Daily, "Jan 2", 2)
	verdicts := []moderation.Verdict{moderation.Approve, moderation.Hold, moderation.Reject}
	labels := []string{"auto-approved", "held", "rejected"}
	values := make([]int, len(verdicts))
	classes := make([]string, len(verdicts))
	tips := make([]string, len(verdicts))
	for i, vd := range verdicts {
		values[i], classes[i] = o.Verdicts[vd], "verdict-"+string(vd)
		share := 0.0
		if o.Total > 0 {
			share = 100 * float64(values[i]) / float64(o.Total)
		}
		tips[i] = fmt.Sprintf("%s: %d (%.0f%%)", labels[i], values[i], share)
	}
	v.Verdicts = barChart("Machine verdicts (last 14 days)", labels, values, classes, tips, 360, 180, 1)
	v.Stance = stanceChart(o.ByStance)
	for i, lim := range moderation.QueueAgeLimits {
		v.QueueAge = append(v.QueueAge, queueAgeRow{Limit: wholeSpan(lim), Count: o.QueueAges[i]})
	}
	d.render(c, http.StatusOK, "overview", v)
}

// volumeChart draws comment counts per bucket, labelled with layout.
func volumeChart(title string, points []moderation.VolumePoint, layout string, labelEvery int) chart {
	labels := make([]string, len(points))
	values := make([]int, len(points))
	for i, p := range points {
		labels[i], values[i] = p.Start.Format(layout), p.Count
	}
	return barChart(title, labels, values, nil, nil, 720, 200, labelEvery)
}

// wholeSpan writes a whole number of hours or days the way a person says it ("1 hour", "3 days").
func wholeSpan(d time.Duration) string {
	unit, n := "hour", int(d/time.Hour)
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		unit, n = "day", int(d/(24*time.Hour))
	}
	if n == 0 {
		return d.String()
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.Itoa(n) + " " + unit
}
