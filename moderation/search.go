package moderation

import (
	"context"
	"strings"
	"unicode"
)

// Limits on a search query.
const (
	MaxSearchBytes = 200
	MaxSearchTerms = 8
)

// SearchQuery is a parsed search: the words to find, each as a prefix (a moderator typing
// "insul" finds "insulting"), all of which must occur.
type SearchQuery struct {
	Terms []string // lower-case letters and digits only
	Limit int      // per kind of result
	Sites []int64  // empty: every site
}

// AuthorHit is an author found by name or id.
type AuthorHit struct {
	Key      string // AuthorKey
	ID       string
	Name     string
	Comments int
}

// SearchResult is what a search found, newest first in each kind.
type SearchResult struct {
	Comments []ReviewItem
	Authors  []AuthorHit
	Articles []Article
}

// SearchStore runs full-text searches.
type SearchStore interface {
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
}

// ParseSearch splits what a moderator typed into search terms: runs of letters and digits,
// lower-cased, so that no character of the input reaches the index's query syntax.
func ParseSearch(q string) (SearchQuery, error) {
	if err := checkText("q", q, MaxSearchBytes, true); err != nil {
		return SearchQuery{}, err
	}
	terms := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(terms) == 0 {
		return SearchQuery{}, invalid("q", "has no letters or digits to search for")
	}
	if len(terms) > MaxSearchTerms {
		return SearchQuery{}, invalid("q", "has %d words; at most %d are searched", len(terms), MaxSearchTerms)
	}
	return SearchQuery{Terms: terms}, nil
}

// Search finds comments (by text or author name), authors (by name or id) and articles (by
// title or body) that moderator m may see.
func (s *Service) Search(ctx context.Context, m Moderator, q string, limit int) (SearchResult, error) {
	sq, err := ParseSearch(q)
	if err != nil {
		return SearchResult{}, err
	}
	sq.Limit, sq.Sites = clampLimit(limit), m.Sites
	return s.store.Search(ctx, sq)
}
