package classifier

import "math"

// relStats are the overlap counts of pass one (stanceModel.overlap).
type relStats struct {
	uniq, shared, entities, entShared, titleShared               int
	mass, sharedMass, sq, dotAll, dotTitle, titleMass, maxShared float64
}

// relMeasures fills s.x from the overlap counts. Every measure is of unique stems, so a
// repeated sentence changes none of them.
func (st *stanceModel) relMeasures(s *stanceScratch, c *stanceContext, r relStats) {
	x := &s.x
	clear(x[:])
	norm := math.Sqrt(r.sq)
	if norm > 0 && c.norm > 0 {
		x[relCos] = r.dotAll / (norm * c.norm)
	}
	if norm > 0 && c.titleN > 0 {
		x[relCosTitle] = r.dotTitle / (norm * c.titleN)
	}
	if r.mass > 0 {
		x[relCoverComment] = r.sharedMass / r.mass
	}
	if c.tmass > 0 {
		x[relCoverTitle] = r.titleMass / c.tmass
	}
	if c.mass > 0 {
		x[relCoverContext] = r.sharedMass / c.mass
	}
	x[relLogShared] = math.Log1p(float64(r.shared))
	switch n := r.shared; {
	case n == 0:
		x[relShared0] = 1
	case n == 1:
		x[relShared1] = 1
	case n == 2:
		x[relShared2] = 1
	case n <= 4:
		x[relShared3] = 1
	case n <= 7:
		x[relShared5] = 1
	default:
		x[relShared8] = 1
	}
	switch n := r.uniq; {
	case n <= 2:
		x[relLen0] = 1
	case n <= 5:
		x[relLen3] = 1
	case n <= 10:
		x[relLen6] = 1
	case n <= 20:
		x[relLen11] = 1
	case n <= 40:
		x[relLen21] = 1
	default:
		x[relLen41] = 1
	}
	if r.shared == 0 && r.uniq >= 6 {
		x[relNoneLong] = 1
	}
	x[relEntShared] = float64(min(r.entShared, 3)) / 3
	if r.entities > 0 && r.entShared == 0 {
		x[relEntMissing] = 1
	}
	x[relMaxIDF] = r.maxShared / 16
	x[relSqrtCos] = math.Sqrt(x[relCos])
	if c.short {
		x[relShortContext] = 1
		x[relCosShort] = x[relCos]
		x[relCoverShort] = x[relCoverComment]
	}
	x[relTitleShared] = math.Log1p(float64(r.titleShared))
	if r.uniq <= 10 && r.shared > 0 {
		// A short comment has few words to share: one rare word in common says more there
		// than in a long comment, where chance overlap is common.
		x[relShortCommentShared] = 1
		x[relShortCommentMaxIDF] = x[relMaxIDF]
	}
}

// relBins adds binned relatedness to stage two: how closely a comment follows the article also
// separates a discussion from a verdict. (The comment's length is left out: the training sets
// differ in length by source and class, which would teach length as stance.)
func (st *stanceModel) relBins(s *stanceScratch, trace bool) {
	cb := 0
	switch c := s.x[relCos]; {
	case c == 0:
	case c < 0.05:
		cb = 1
	case c < 0.1:
		cb = 2
	case c < 0.2:
		cb = 3
	default:
		cb = 4
	}
	names := [...]string{"0", "<0.05", "<0.1", "<0.2", ">=0.2"}
	st.add(s, key(nsStRel, uint64(cb)), 1, stBlkCue, trace, tn(trace, "related:cosine", names[cb]), -1, -1)
}
