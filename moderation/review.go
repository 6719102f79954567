package moderation

import "time"

// Role is what a moderator may do.
type Role string

// The roles.
const (
	// RoleModerator works the queue.
	RoleModerator Role = "moderator"
	// RoleAdmin also changes policy and manages moderators and API keys.
	RoleAdmin Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleModerator || r == RoleAdmin }

// Moderator is a person who reviews comments.
type Moderator struct {
	ID        int64
	Name      string
	Role      Role
	CreatedAt time.Time
	// DisabledAt is set while the account is disabled: it cannot log in and has no sessions.
	DisabledAt *time.Time
	// Sites restricts the moderator to these sites; empty means every site.
	Sites []int64
}

// Disabled reports whether the account is disabled.
func (m Moderator) Disabled() bool { return m.DisabledAt != nil }

// SeesSite reports whether m may see site's comments.
func (m Moderator) SeesSite(site int64) bool {
	if len(m.Sites) == 0 {
		return true
	}
	for _, s := range m.Sites {
		if s == site {
			return true
		}
	}
	return false
}

// IsAdmin reports whether m has the admin role.
func (m Moderator) IsAdmin() bool { return m.Role == RoleAdmin }

// Claim is a moderator's lease on a held comment: until Until, nobody else is offered it.
type Claim struct {
	ModeratorID   int64
	ModeratorName string
	Until         time.Time
}

// ReasonCode is why a moderator decided as they did. Reject codes double as training labels.
type ReasonCode string

// The reason codes a decision may carry.
const (
	ReasonOK             ReasonCode = "ok"              // approve: nothing wrong
	ReasonFalsePositive  ReasonCode = "false_positive"  // approve: the machine was wrong
	ReasonToxicity       ReasonCode = "toxicity"        // reject: generally toxic
	ReasonInsult         ReasonCode = "insult"          // reject: insults a person
	ReasonThreat         ReasonCode = "threat"          // reject: threatens violence
	ReasonIdentityAttack ReasonCode = "identity_attack" // reject: attacks a group
	ReasonProfanity      ReasonCode = "profanity"       // reject: obscene language
	ReasonSpam           ReasonCode = "spam"            // reject: advertising, flooding
	ReasonOffTopic       ReasonCode = "off_topic"       // reject: against site rules, off topic
	ReasonOther          ReasonCode = "other"           // either: see the note
)

// ApproveReasons and RejectReasons list the codes valid for each action, in display order.
var (
	ApproveReasons = []ReasonCode{ReasonOK, ReasonFalsePositive, ReasonOther}
	RejectReasons  = []ReasonCode{ReasonToxicity, ReasonInsult, ReasonThreat, ReasonIdentityAttack,
		ReasonProfanity, ReasonSpam, ReasonOffTopic, ReasonOther}
)

// DecisionInput is what a moderator submits about one comment.
type DecisionInput struct {
	CommentID int64
	Verdict   Verdict // Approve or Reject
	Reason    ReasonCode
	Note      string
	// Override must be set to change a comment a human has already decided.
	Override bool
}

// Decision is a recorded human decision.
type Decision struct {
	ID            int64
	CommentID     int64
	ModeratorID   int64
	ModeratorName string
	Verdict       Verdict
	Reason        ReasonCode
	Note          string
	Override      bool
	CreatedAt     time.Time
}

// ReviewItem is a held comment as the queue shows it, with its article.
type ReviewItem struct {
	Comment Comment
	Article Article
}

// QueueFilter narrows the review queue.
type QueueFilter struct {
	ArticleID string // "" for every article
	Limit     int
	// Sites limits the queue to these sites (a restricted moderator's); empty means all.
	Sites []int64
}

// AuditAction names an event in a comment's history.
type AuditAction string

// The audited actions.
const (
	AuditSubmitted AuditAction = "submitted" // machine scored and gave a verdict
	AuditRescored  AuditAction = "rescored"  // a new model or policy gave a new verdict
	AuditClaimed   AuditAction = "claimed"
	AuditReleased  AuditAction = "released"
	AuditDecided   AuditAction = "decided"
	AuditOverride  AuditAction = "overridden" // a decision replaced an earlier human decision
	AuditReported  AuditAction = "reported"   // a reader reported the comment
)

// AuditEntry is one append-only row of the audit log.
type AuditEntry struct {
	ID            int64
	CommentID     int64
	Action        AuditAction
	ModeratorID   int64 // 0 for machine actions
	ModeratorName string
	Verdict       Verdict
	Detail        string
	ModelVersion  string
	CreatedAt     time.Time
}

// APIKey identifies a site backend. The secret itself is shown once at creation and only its
// hash is stored.
type APIKey struct {
	ID        int64
	Name      string
	Prefix    string // first characters of the key, to recognise it in lists
	CreatedAt time.Time
	RevokedAt *time.Time
	// SiteID is the site whose data the key reaches.
	SiteID int64
	// Scopes is what the key may do.
	Scopes []Scope
	// RatePerMinute is the key's request rate limit; 0 means the server's default.
	RatePerMinute int
}

// LabeledExample is a human-decided comment exported as training data.
type LabeledExample struct {
	CommentID int64
	Text      string
	Context   string
	Verdict   Verdict
	Reason    ReasonCode
	// Labels maps tone attributes to 0/1 as implied by the decision: a reject with reason
	// "insult" is insult=1, an approval is 0 for every attribute.
	Labels map[string]int
}
