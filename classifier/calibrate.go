package classifier

import (
	"context"
	"math"
)

// meanLoss is the mean log loss of logits (row-major, p.c per row).
func meanLoss(p *problem, logits []float64) float64 {
	prob := make([]float64, p.c)
	dz := make([]float64, p.c)
	s := 0.0
	for r, y := range p.y {
		s += lossGrad(p.binary, logits[r*p.c:(r+1)*p.c], y, prob, dz)
	}
	return s / float64(len(p.y))
}

// calibrate fits a temperature a and per-output biases b minimizing the log loss of
// a*logits + b on out-of-fold logits (Platt scaling for binary heads).
func calibrate(ctx context.Context, p *problem, logits []float64) (float64, []float64) {
	c := p.c
	z := make([]float64, c)
	prob := make([]float64, c)
	dz := make([]float64, c)
	n := float64(len(p.y))
	f := func(x, g []float64) float64 {
		clear(g)
		loss := 0.0
		for r, y := range p.y {
			lz := logits[r*c : (r+1)*c]
			for k := range c {
				z[k] = x[0]*lz[k] + x[1+k]
			}
			loss += lossGrad(p.binary, z, y, prob, dz)
			for k := range c {
				g[0] += dz[k] * lz[k]
				g[1+k] += dz[k]
			}
		}
		for i := range g {
			g[i] /= n
		}
		return loss / n
	}
	x := make([]float64, 1+c)
	x[0] = 1
	if _, err := lbfgs(ctx, f, x, 5, 100, 1e-9); err != nil || !(x[0] > 0) || math.IsInf(x[0], 0) {
		return 1, make([]float64, c)
	}
	return x[0], x[1:]
}

// applyCalibration returns calibrated class probabilities per row (len(classes) per row).
func applyCalibration(p *problem, logits []float64, a float64, b []float64) [][]float64 {
	out := make([][]float64, len(p.y))
	z := make([]float64, p.c)
	for r := range p.y {
		lz := logits[r*p.c : (r+1)*p.c]
		for k := range p.c {
			z[k] = a*lz[k] + b[k]
		}
		if p.binary {
			q := sigmoid(z[0])
			out[r] = []float64{1 - q, q}
		} else {
			out[r] = make([]float64, p.c)
			softmax(out[r], z)
		}
	}
	return out
}

// tuneOffsets picks per-class log-probability offsets that maximize macro-F1 of the decisions
// on out-of-fold probabilities, by coordinate search on a grid (class 0 fixed at 0). Offsets
// move only when they gain, so balanced, well-separated data keeps plain arg-max decisions.
func tuneOffsets(p *problem, h *headData, cal [][]float64) []float64 {
	nc := len(h.Classes)
	off := make([]float64, nc)
	score := func() float64 {
		dec := make([]int, len(cal))
		for r, q := range cal {
			dec[r] = decide(q, off)
		}
		return macroF1(nc, p.y, dec)
	}
	best := score()
	for range 3 {
		changed := false
		for c := 1; c < nc; c++ {
			cur := off[c]
			for step := -40; step <= 40; step++ {
				v := float64(step) / 10
				off[c] = v
				if s := score(); s > best+1e-6 {
					best, cur, changed = s, v, true
				}
			}
			off[c] = cur
		}
		if !changed {
			break
		}
	}
	return off
}
