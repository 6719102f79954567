package dashboard

import (
	"fmt"
	"math"
)

// The charts are SVG drawn on the server: geometry is computed here, and the "chart" template
// writes it as attributes, which html/template escapes like any other. No chart library, no
// script, and they print.

// chart is a vertical bar chart.
type chart struct {
	Title         string
	Width, Height float64
	Bars          []bar
	Labels        []svgText // category labels under the bars
	Grid          []gridLine
	// Marker is an optional vertical line (a threshold), drawn when MarkerX > 0.
	MarkerX     float64
	MarkerLabel string
}

// bar is one rectangle with its tooltip and value label.
type bar struct {
	X, Y, W, H float64
	Class      string
	Tip        string
	Value      string
	ValueX     float64
	ValueY     float64
}

// svgText is a positioned label.
type svgText struct {
	X, Y float64
	Text string
}

// gridLine is a horizontal line with its value.
type gridLine struct {
	Y     float64
	Label string
}

// Chart margins, in SVG user units.
const (
	chartLeft   = 36.0
	chartRight  = 8.0
	chartTop    = 16.0
	chartBottom = 28.0
)

// barChart lays out one bar per value. labelEvery thins the category labels of dense charts
// (1 labels every bar). classes may be nil or one per bar.
func barChart(title string, labels []string, values []int, classes []string, tips []string, width, height float64, labelEvery int) chart {
	ch := chart{Title: title, Width: width, Height: height}
	if len(values) == 0 {
		return ch
	}
	maxV := 0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	top := niceCeil(maxV)
	plotW := width - chartLeft - chartRight
	plotH := height - chartTop - chartBottom
	slot := plotW / float64(len(values))
	gap := math.Min(slot*0.2, 6)
	for i, v := range values {
		h := plotH * float64(v) / float64(top)
		b := bar{
			X: round1(chartLeft + float64(i)*slot + gap/2), W: round1(slot - gap),
			Y: round1(chartTop + plotH - h), H: round1(h),
			Class: "bar", Value: fmt.Sprint(v),
		}
		b.ValueX, b.ValueY = round1(b.X+b.W/2), round1(b.Y-3)
		if classes != nil {
			b.Class += " " + classes[i]
		}
		b.Tip = fmt.Sprintf("%s: %d", labels[i], v)
		if tips != nil {
			b.Tip = tips[i]
		}
		if len(values) > 16 {
			b.Value = "" // too dense to label every bar; the tooltip has it
		}
		ch.Bars = append(ch.Bars, b)
		if labelEvery <= 1 || i%labelEvery == 0 {
			ch.Labels = append(ch.Labels, svgText{X: round1(chartLeft + (float64(i)+0.5)*slot), Y: height - 10, Text: labels[i]})
		}
	}
	for _, frac := range []float64{0, 0.5, 1} {
		ch.Grid = append(ch.Grid, gridLine{Y: round1(chartTop + plotH*(1-frac)), Label: fmt.Sprint(int(float64(top) * frac))})
	}
	return ch
}

// markAt places the marker at fraction x of the plot's width (a threshold on a [0,1] axis).
func (ch *chart) markAt(x float64, label string) {
	ch.MarkerX = round1(chartLeft + x*(ch.Width-chartLeft-chartRight))
	ch.MarkerLabel = label
}

// niceCeil rounds a maximum up to 1, 2 or 5 times a power of ten (at least 1), so gridlines
// fall on round numbers.
func niceCeil(v int) int {
	if v <= 1 {
		return 1
	}
	p := 1
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
