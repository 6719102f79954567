package perspective

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tribune/tribune/moderation"
)

// perspectiveAttributes maps the Perspective attributes Tribune answers to its tone heads.
var perspectiveAttributes = map[string]string{
	"TOXICITY":        "toxicity",
	"INSULT":          "insult",
	"THREAT":          "threat",
	"IDENTITY_ATTACK": "identity_attack",
	"PROFANITY":       "profanity",
	"SEVERE_TOXICITY": severeToxicity,
}

// supportedAttributeList names them in the order error messages list them.
const supportedAttributeList = "TOXICITY, SEVERE_TOXICITY, INSULT, THREAT, IDENTITY_ATTACK, PROFANITY"

// severeToxicity is the pseudo-head of SEVERE_TOXICITY, which no head of Tribune's is trained
// for. It is derived from the heads that are: toxicity × max(identity_attack, threat), a
// toxic comment that also attacks a group or threatens. Perspective's SEVERE_TOXICITY is "very
// hateful, aggressive, disrespectful", much less moved by mild profanity or a plain insult.
// Validated on HateXplain, which the default model is not trained on (README, "SEVERE_TOXICITY"):
// it ranks hate speech above merely offensive posts with AUC 0.67–0.68 where toxicity alone
// gets 0.55, and stays low on normal posts (mean 0.10).
const severeToxicity = "severe_toxicity"

// toneValue is one head's score from a comment's tone scores, deriving severe_toxicity.
func toneValue(tone map[string]float64, head string) (float64, bool) {
	if head != severeToxicity {
		v, ok := tone[head]
		return v, ok
	}
	tox, ok1 := tone["toxicity"]
	ia, ok2 := tone["identity_attack"]
	threat, ok3 := tone["threat"]
	if !ok1 || !(ok2 || ok3) {
		return 0, false
	}
	return tox * max(ia, threat), true
}

// unsupportedAttributes are Perspective attributes Tribune has no head for, with why. They get
// a clearer error than a misspelt name, and dropUnsupportedAttributes drops them.
var unsupportedAttributes = map[string]string{
	"SEXUALLY_EXPLICIT": "Tribune has no sexually-explicit head",
	"FLIRTATION":        "Tribune has no flirtation head",
}

// isExperimentalAttribute reports Perspective's experimental and retired attributes
// (TOXICITY_EXPERIMENTAL, the bridging attributes, the New York Times ones), none of which
// Tribune has.
func isExperimentalAttribute(name string) bool {
	if strings.HasSuffix(name, "_EXPERIMENTAL") {
		return true
	}
	switch name {
	case "ATTACK_ON_AUTHOR", "ATTACK_ON_COMMENTER", "INCOHERENT", "INFLAMMATORY", "LIKELY_TO_REJECT",
		"OBSCENE", "SPAM", "UNSUBSTANTIAL":
		return true
	}
	return false
}

// errUnknownAttribute marks a name that is no Perspective attribute at all, which
// dropUnsupportedAttributes does not excuse (it is a client bug, not a missing model).
var errUnknownAttribute = errors.New("unknown attribute")

// perspectiveHead maps a Perspective attribute name (any letter case) to Tribune's head.
func perspectiveHead(name string) (string, error) {
	upper := strings.ToUpper(name)
	if head, ok := perspectiveAttributes[upper]; ok {
		return head, nil
	}
	if why, ok := unsupportedAttributes[upper]; ok {
		return "", invalidArgument(fmt.Sprintf("Attribute %s is not supported by Tribune: %s. Supported attributes: %s",
			name, why, supportedAttributeList))
	}
	if isExperimentalAttribute(upper) {
		return "", invalidArgument(fmt.Sprintf("Attribute %s is not supported by Tribune: it has no experimental attributes. Supported attributes: %s",
			name, supportedAttributeList))
	}
	return "", fmt.Errorf("%w: %w", errUnknownAttribute, invalidArgument(fmt.Sprintf("Unknown attribute %s. Supported attributes: %s",
		name, supportedAttributeList)))
}

// sortedAttributeNames orders requested names by Tribune's head order, unknown names last
// (alphabetically), so answers and errors do not depend on map order.
func sortedAttributeNames(m map[string]perspectiveAttributeParams) []string {
	rank := func(name string) int {
		head := perspectiveAttributes[strings.ToUpper(name)]
		for i, h := range moderation.ToneAttributes {
			if h == head {
				return i
			}
		}
		return len(moderation.ToneAttributes)
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names
}
