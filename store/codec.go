package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tribune/tribune/moderation"
)

// The JSON columns use these store-owned shapes, so renaming a domain field never changes
// what is on disk (domain structs carry no tags).

type reasonJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// explanationJSON is one head's contributions stored column-wise ({"f":[features],
// "c":[classes], "w":[weights], "s":[starts], "e":[ends]}): half the size of an array of
// objects, so a comment's scores row shares its page with others, and it encodes and decodes
// with a handful of allocations instead of several per contribution.
type explanationJSON struct {
	Feature []string  `json:"f"`
	Class   []string  `json:"c"`
	Weight  []float64 `json:"w"`
	Start   []int     `json:"s"`
	End     []int     `json:"e"`
}

type policyJSON struct {
	Hold         map[string]float64 `json:"hold"`
	Reject       map[string]float64 `json:"reject"`
	AutoReject   bool               `json:"auto_reject"`
	BannedWords  []string           `json:"banned_words"`
	SuspectWords []string           `json:"suspect_words"`
	// Languages and UnsupportedLanguage are pointers so that a policy saved before they
	// existed (no such keys) loads with the defaults, while one saved with the language
	// check off (an empty list) stays off.
	Languages           *[]string `json:"languages"`
	UnsupportedLanguage *string   `json:"unsupported_language"`
	// Priors is absent in policies saved before it existed; they load with the default
	// priors, while a policy saved without priors ({}) keeps none.
	Priors *map[string]float64 `json:"priors"`
}

func encodeReasons(rs []moderation.Reason) (string, error) {
	if rs == nil {
		return "null", nil
	}
	out := make([]reasonJSON, len(rs))
	for i, r := range rs {
		out[i] = reasonJSON(r)
	}
	return marshal(out)
}

func decodeReasons(s string) ([]moderation.Reason, error) {
	var in []reasonJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode reasons: %w", err)
	}
	if in == nil {
		return nil, nil
	}
	out := make([]moderation.Reason, len(in))
	for i, r := range in {
		out[i] = moderation.Reason(r)
	}
	return out, nil
}

func encodeExplanation(ex map[string][]moderation.Contribution) (string, error) {
	if ex == nil {
		return "null", nil
	}
	out := make(map[string]explanationJSON, len(ex))
	for head, cs := range ex {
		e := explanationJSON{
			Feature: make([]string, len(cs)), Class: make([]string, len(cs)),
			Weight: make([]float64, len(cs)), Start: make([]int, len(cs)), End: make([]int, len(cs)),
		}
		for i, c := range cs {
			e.Feature[i], e.Class[i], e.Weight[i], e.Start[i], e.End[i] = c.Feature, c.Class, c.Weight, c.Start, c.End
		}
		out[head] = e
	}
	return marshal(out)
}

func decodeExplanation(s string) (map[string][]moderation.Contribution, error) {
	if out, ok := parseExplanation(s); ok {
		return out, nil
	}
	return decodeExplanationJSON(s)
}

// decodeExplanationJSON is decodeExplanation by encoding/json: slower, but it reports errors.
func decodeExplanationJSON(s string) (map[string][]moderation.Contribution, error) {
	var in map[string]explanationJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode explanation: %w", err)
	}
	if in == nil {
		return nil, nil
	}
	out := make(map[string][]moderation.Contribution, len(in))
	for head, e := range in {
		n := len(e.Feature)
		if len(e.Class) != n || len(e.Weight) != n || len(e.Start) != n || len(e.End) != n {
			return nil, fmt.Errorf("decode explanation: head %q has columns of different lengths", head)
		}
		cs := make([]moderation.Contribution, n)
		for i := range cs {
			cs[i] = moderation.Contribution{Feature: e.Feature[i], Class: e.Class[i], Weight: e.Weight[i], Start: e.Start[i], End: e.End[i]}
		}
		out[head] = cs
	}
	return out, nil
}

// encodeScores returns the tone and stance JSON columns.
func encodeScores(s moderation.Scores) (tone, stance string, err error) {
	if tone, err = marshal(s.Tone); err != nil {
		return "", "", err
	}
	if stance, err = marshal(s.Stance); err != nil {
		return "", "", err
	}
	return tone, stance, nil
}

func decodeScores(tone, stance string) (moderation.Scores, error) {
	var s moderation.Scores
	if err := json.Unmarshal([]byte(tone), &s.Tone); err != nil {
		return s, fmt.Errorf("decode tone scores: %w", err)
	}
	if err := json.Unmarshal([]byte(stance), &s.Stance); err != nil {
		return s, fmt.Errorf("decode stance scores: %w", err)
	}
	return s, nil
}

func encodePolicy(p moderation.Policy) (string, error) {
	langs := p.Languages
	if langs == nil {
		langs = []string{}
	}
	unsupported := string(p.UnsupportedLanguage)
	priors := p.Priors
	if priors == nil {
		priors = map[string]float64{}
	}
	return marshal(policyJSON{Hold: p.Hold, Reject: p.Reject, AutoReject: p.AutoReject,
		BannedWords: p.BannedWords, SuspectWords: p.SuspectWords,
		Languages: &langs, UnsupportedLanguage: &unsupported, Priors: &priors})
}

func decodePolicy(s string) (moderation.Policy, error) {
	var j policyJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return moderation.Policy{}, fmt.Errorf("decode policy: %w", err)
	}
	def := moderation.DefaultPolicy()
	p := moderation.Policy{Hold: j.Hold, Reject: j.Reject, AutoReject: j.AutoReject,
		BannedWords: j.BannedWords, SuspectWords: j.SuspectWords,
		Languages: def.Languages, UnsupportedLanguage: def.UnsupportedLanguage, Priors: def.Priors}
	if j.Priors != nil {
		p.Priors = nil
		if len(*j.Priors) > 0 {
			p.Priors = *j.Priors
		}
	}
	if j.Languages != nil {
		p.Languages = nil
		if len(*j.Languages) > 0 {
			p.Languages = *j.Languages
		}
	}
	if j.UnsupportedLanguage != nil {
		p.UnsupportedLanguage = moderation.Verdict(*j.UnsupportedLanguage)
	}
	return p, nil
}

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only NaN or ±Inf scores get here; the classifier promises finite ones.
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}

// reasonCodes joins the reasons' codes with commas (the audit detail of a verdict).
func reasonCodes(rs []moderation.Reason) string {
	codes := make([]string, len(rs))
	for i, r := range rs {
		codes[i] = r.Code
	}
	return strings.Join(codes, ",")
}
