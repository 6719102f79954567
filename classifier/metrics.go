package classifier

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// ClassMetrics is one class's precision, recall and F1.
type ClassMetrics struct {
	Class     string  `json:"class"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
	Predicted int     `json:"predicted"`
}

// HeadMetrics is one head's evaluation: decisions are the head's Label (arg-max after its
// decision offsets).
type HeadMetrics struct {
	Head     string         `json:"head"`
	N        int            `json:"n"`
	Classes  []string       `json:"classes"`
	Accuracy float64        `json:"accuracy"`
	MacroF1  float64        `json:"macro_f1"`
	LogLoss  float64        `json:"log_loss"`
	PerClass []ClassMetrics `json:"per_class"`
	// Confusion[i][j] counts examples of gold class i decided as class j.
	Confusion [][]int `json:"confusion"`
	// AUC is the ROC AUC of AUCClass, for heads with two classes (HasAUC).
	AUC      float64 `json:"auc,omitempty"`
	AUCClass string  `json:"auc_class,omitempty"`
	HasAUC   bool    `json:"has_auc"`
}

func (h HeadMetrics) auc() float64 {
	if !h.HasAUC {
		return math.NaN()
	}
	return h.AUC
}

// Metrics is a model's evaluation on labeled data, one entry per head that the data labels.
type Metrics struct {
	Heads []HeadMetrics `json:"heads"`
}

// Evaluate scores data with m and measures every head on the examples that label it. A
// multi-class head's gold classes that the model does not know count as errors. For two-class
// multi-class heads the AUC is that of the rarer gold class.
func Evaluate(m *Model, data []Example) (Metrics, error) {
	return EvaluateHead(m, data, "")
}

// EvaluateHead is Evaluate with examples' Label feeding the multi-class head labelHead (the
// first multi-class head if empty); if labelHead names a binary head, only it is measured.
func EvaluateHead(m *Model, data []Example, labelHead string) (Metrics, error) {
	multi := firstMulti(m.heads)
	only := ""
	if labelHead != "" {
		i := slices.IndexFunc(m.heads, func(h Head) bool { return h.Name == labelHead })
		if i < 0 {
			return Metrics{}, fmt.Errorf("evaluate: model has no head %q", labelHead)
		}
		only = labelHead
		if !m.heads[i].Binary {
			multi = i
		}
	}
	preds := make([]Prediction, len(data))
	for i, ex := range data {
		m.PredictInto(&preds[i], ex.Text, ex.Context)
	}
	var out Metrics
	for hi, h := range m.heads {
		if only != "" && h.Name != only {
			continue
		}
		classes := append([]string(nil), h.Classes...)
		var gold []int
		var probs [][]float64
		for i, ex := range data {
			var g int
			if h.Binary {
				y, ok := ex.Labels[h.Name]
				if !ok {
					continue
				}
				g = y
			} else {
				if ex.Label == "" || hi != multi {
					continue
				}
				g = indexOf(classes, ex.Label)
				if classes[g] != ex.Label {
					classes = append(classes, ex.Label)
					g = len(classes) - 1
				}
			}
			gold = append(gold, g)
			probs = append(probs, preds[i].Heads[hi].Probs)
		}
		if len(gold) == 0 {
			continue
		}
		out.Heads = append(out.Heads, metricsFromProbs(h.Name, classes, h.Binary, gold, probs, h.Offsets))
	}
	if len(out.Heads) == 0 {
		return out, errors.New("evaluate: no example labels any head of the model")
	}
	return out, nil
}

// firstMulti returns the index of the first multi-class head, which examples' Label feeds.
func firstMulti(heads []Head) int {
	for i, h := range heads {
		if !h.Binary {
			return i
		}
	}
	return -1
}

// metricsFromProbs measures decisions and probabilities against gold class indices. classes
// may extend beyond the probabilities (gold classes unknown to the model).
func metricsFromProbs(name string, classes []string, binary bool, gold []int, probs [][]float64, offsets []float64) HeadMetrics {
	nc := len(classes)
	hm := HeadMetrics{Head: name, N: len(gold), Classes: classes}
	dec := make([]int, len(gold))
	conf := make([][]int, nc)
	for i := range conf {
		conf[i] = make([]int, nc)
	}
	correct := 0
	ll := 0.0
	for i, g := range gold {
		dec[i] = decide(probs[i], offsets)
		conf[g][dec[i]]++
		if dec[i] == g {
			correct++
		}
		q := 0.0
		if g < len(probs[i]) {
			q = probs[i][g]
		}
		ll -= math.Log(max(q, 1e-15))
	}
	hm.Accuracy = float64(correct) / float64(len(gold))
	hm.LogLoss = ll / float64(len(gold))
	hm.Confusion = conf
	hm.MacroF1 = macroF1(nc, gold, dec)
	for c := range nc {
		tp, sup, pred := conf[c][c], 0, 0
		for k := range nc {
			sup += conf[c][k]
			pred += conf[k][c]
		}
		cm := ClassMetrics{Class: classes[c], Support: sup, Predicted: pred}
		cm.Precision, cm.Recall, cm.F1 = prf(tp, pred, sup)
		hm.PerClass = append(hm.PerClass, cm)
	}
	if nc == 2 && len(probs) > 0 && len(probs[0]) == 2 {
		pos := 1
		if !binary && hm.PerClass[0].Support < hm.PerClass[1].Support {
			pos = 0
		}
		scores := make([]float64, len(gold))
		labels := make([]bool, len(gold))
		for i, g := range gold {
			scores[i] = probs[i][pos]
			labels[i] = g == pos
		}
		if a, ok := ROCAUC(scores, labels); ok {
			hm.AUC, hm.AUCClass, hm.HasAUC = a, classes[pos], true
		}
	}
	return hm
}

func prf(tp, pred, sup int) (p, r, f float64) {
	if pred > 0 {
		p = float64(tp) / float64(pred)
	}
	if sup > 0 {
		r = float64(tp) / float64(sup)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// macroF1 is the unweighted mean F1 over classes that occur in gold or decisions (as in
// scikit-learn and bench/metrics.py).
func macroF1(nc int, gold, dec []int) float64 {
	tp := make([]int, nc)
	sup := make([]int, nc)
	pred := make([]int, nc)
	for i, g := range gold {
		sup[g]++
		pred[dec[i]]++
		if g == dec[i] {
			tp[g]++
		}
	}
	s, n := 0.0, 0
	for c := range nc {
		if sup[c] == 0 && pred[c] == 0 {
			continue
		}
		_, _, f := prf(tp[c], pred[c], sup[c])
		s += f
		n++
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// ROCAUC is the area under the ROC curve of scores against the positive flags pos (ties count
// half); ok is false unless both classes occur.
func ROCAUC(scores []float64, pos []bool) (float64, bool) {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var np, nn int
	rankSum := 0.0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean 1-based rank of the tie group
		for k := i; k < j; k++ {
			if pos[idx[k]] {
				rankSum += avg
				np++
			} else {
				nn++
			}
		}
		i = j
	}
	if np == 0 || nn == 0 {
		return 0, false
	}
	return (rankSum - float64(np)*float64(np+1)/2) / (float64(np) * float64(nn)), true
}

// String formats the metrics as a human-readable report.
func (hm HeadMetrics) String() string {
	s := fmt.Sprintf("head %s: n=%d accuracy=%.4f macro-F1=%.4f log-loss=%.4f", hm.Head, hm.N, hm.Accuracy, hm.MacroF1, hm.LogLoss)
	if hm.HasAUC {
		s += fmt.Sprintf(" AUC(%s)=%.4f", hm.AUCClass, hm.AUC)
	}
	s += "\n  class                precision  recall     f1  support  predicted\n"
	for _, c := range hm.PerClass {
		s += fmt.Sprintf("  %-20s %9.4f %7.4f %6.4f %8d %10d\n", c.Class, c.Precision, c.Recall, c.F1, c.Support, c.Predicted)
	}
	s += "  confusion (rows gold, columns decided):\n"
	for i, row := range hm.Confusion {
		s += fmt.Sprintf("  %-20s", hm.Classes[i])
		for _, v := range row {
			s += fmt.Sprintf(" %7d", v)
		}
		s += "\n"
	}
	return s
}
