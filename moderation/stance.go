package moderation

// Unclear is the stance reported when the classifier is not confident of any: the probabilities
// are kept, but no label is claimed. It is not one of Stances (the four the classifier scores),
// so charts that count Stances count confident stances only.
const Unclear Stance = "unclear"

// StanceConfidence is the lowest top-stance probability reported as a stance; below it the
// stance is Unclear. The default model's stance probabilities are calibrated on out-of-fold
// predictions grouped by claim, and at this level its confident stances were right about
// three times in four there while about one comment in five was left unclear (models/README.md,
// "Stance").
const StanceConfidence = 0.5

// StanceLabel returns the comment's decided stance: the most probable one (TopStance) when its
// probability is at least StanceConfidence, Unclear otherwise, and "" when there are no stance
// scores. The probability returned is the top stance's in every case.
func (s Scores) StanceLabel() (Stance, float64) {
	st, p := s.TopStance()
	if st == "" || p >= StanceConfidence {
		return st, p
	}
	return Unclear, p
}

// ValidFilter reports whether s may select comments: a known stance or Unclear.
func (s Stance) ValidFilter() bool { return s == Unclear || s.Valid() }
