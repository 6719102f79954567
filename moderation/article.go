package moderation

import "time"

// Mode is an article's moderation mode.
type Mode string

// The article modes.
const (
	// ModeAuto publishes or holds according to the policy.
	ModeAuto Mode = "auto"
	// ModePremoderate holds every comment for a moderator.
	ModePremoderate Mode = "premoderate"
	// ModeClosed refuses new comments.
	ModeClosed Mode = "closed"
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == ModeAuto || m == ModePremoderate || m == ModeClosed }

// Article is the piece comments are attached to. StanceTarget, when set, is the claim stance
// is measured against (otherwise the title and body are).
type Article struct {
	ID           string
	Title        string
	URL          string
	Body         string
	StanceTarget string
	Mode         Mode
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// StanceContext is the text the classifier reads a comment's stance against: the stance target
// when the site set one, otherwise the title followed by the body.
func (a Article) StanceContext() string {
	if a.StanceTarget != "" {
		return a.StanceTarget
	}
	if a.Body == "" {
		return a.Title
	}
	return a.Title + "\n" + a.Body
}

// ArticleStats is an article with its comment counts.
type ArticleStats struct {
	Article   Article
	Total     int
	ByStatus  map[Verdict]int
	ByStance  map[Stance]int
	Undecided int // held comments no human has decided yet
}
