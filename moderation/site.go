package moderation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultSiteID is the site every installation has: an upgraded database puts its existing
// keys, articles and comments there, and its article ids are stored unchanged.
const DefaultSiteID int64 = 1

// Site is one publication served by this Tribune. API keys, articles and comments belong to a
// site; a key never sees another site's data.
type Site struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// Scope is what an API key may do.
type Scope string

// The API key scopes.
const (
	// ScopeSite is the JSON API of the key's own site: articles, comments.
	ScopeSite Scope = "site"
	// ScopeScore is stateless scoring: POST /api/v1/score and the Perspective-compatible API.
	// It reads and stores nothing of the site's (suggestscore's feedback aside).
	ScopeScore Scope = "score"
)

// Valid reports whether sc is a known scope.
func (sc Scope) Valid() bool { return sc == ScopeSite || sc == ScopeScore }

// ParseScopes reads a comma- or space-separated scope list; empty means every scope.
func ParseScopes(s string) ([]Scope, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 {
		return []Scope{ScopeSite, ScopeScore}, nil
	}
	var out []Scope
	seen := map[Scope]bool{}
	for _, f := range fields {
		sc := Scope(strings.ToLower(f))
		if !sc.Valid() {
			return nil, invalid("scope", "%q is not a scope (site, score)", f)
		}
		if !seen[sc] {
			seen[sc] = true
			out = append(out, sc)
		}
	}
	return out, nil
}

// HasScope reports whether the key carries scope sc.
func (k APIKey) HasScope(sc Scope) bool {
	for _, s := range k.Scopes {
		if s == sc {
			return true
		}
	}
	return false
}

// siteKeyPrefix starts the stored id of an article of any site but the default one.
const siteKeyPrefix = "@"

// ArticleKey is how an article id is stored: unchanged on the default site (so databases from
// before sites need no rewrite), "@SITE:id" on the others. Two sites may use the same id
// without meeting, and a site's own ids cannot take that form (validateArticleID), so keys
// never collide.
func ArticleKey(site int64, id string) string {
	if site == DefaultSiteID || site == 0 {
		return id
	}
	return siteKeyPrefix + strconv.FormatInt(site, 10) + ":" + id
}

// SplitArticleKey is the inverse of ArticleKey: the site and the id the site knows.
func SplitArticleKey(key string) (site int64, id string) {
	if n, rest, ok := parseSitePrefix(key); ok {
		return n, rest
	}
	return DefaultSiteID, key
}

// parseSitePrefix recognises "@N:rest" with N a positive decimal.
func parseSitePrefix(key string) (int64, string, bool) {
	if !strings.HasPrefix(key, siteKeyPrefix) {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(key[len(siteKeyPrefix):], ":")
	if !ok || num == "" {
		return 0, "", false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, rest, true
}

// validateArticleID refuses ids that could read as a stored key of another site: '@' and a
// digit (the whole "@N" prefix space is reserved, which keeps the store's SQL test for a site,
// GLOB '@[0-9]*', exact).
func validateArticleID(field, id string) error {
	if len(id) >= 2 && id[0] == '@' && id[1] >= '0' && id[1] <= '9' {
		return invalid(field, "must not start with @ and a digit (reserved)")
	}
	return nil
}

// SiteOf is the site a comment or article key belongs to.
func SiteOf(articleKey string) int64 {
	site, _ := SplitArticleKey(articleKey)
	return site
}

// visible is ErrNotFound when moderator m is restricted away from the site of articleKey.
func visible(m Moderator, articleKey string) error {
	if !m.SeesSite(SiteOf(articleKey)) {
		return fmt.Errorf("article %q: %w", articleKey, ErrNotFound)
	}
	return nil
}

// CommentFor returns a comment moderator m may see (ErrNotFound otherwise).
func (s *Service) CommentFor(ctx context.Context, m Moderator, id int64) (Comment, error) {
	c, err := s.store.Comment(ctx, id)
	if err != nil {
		return Comment{}, err
	}
	if err := visible(m, c.ArticleID); err != nil {
		return Comment{}, fmt.Errorf("comment %d: %w", id, ErrNotFound)
	}
	return c, nil
}

// ArticleFor returns an article moderator m may see (ErrNotFound otherwise).
func (s *Service) ArticleFor(ctx context.Context, m Moderator, id string) (ArticleStats, error) {
	if err := visible(m, id); err != nil {
		return ArticleStats{}, err
	}
	return s.Article(ctx, id)
}

// SiteStore persists sites.
type SiteStore interface {
	CreateSite(ctx context.Context, s Site) (Site, error)
	Sites(ctx context.Context) ([]Site, error)
	SiteByName(ctx context.Context, name string) (Site, error)
}

// CreateSite adds a site.
func (s *Service) CreateSite(ctx context.Context, name string) (Site, error) {
	if err := checkName("name", name); err != nil {
		return Site{}, err
	}
	return s.store.CreateSite(ctx, Site{Name: name, CreatedAt: s.now()})
}

// Sites lists every site.
func (s *Service) Sites(ctx context.Context) ([]Site, error) { return s.store.Sites(ctx) }

// SiteByRef finds a site by id or name ("" is the default site).
func (s *Service) SiteByRef(ctx context.Context, ref string) (Site, error) {
	if ref == "" {
		ref = strconv.FormatInt(DefaultSiteID, 10)
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		sites, err := s.store.Sites(ctx)
		if err != nil {
			return Site{}, err
		}
		for _, st := range sites {
			if st.ID == id {
				return st, nil
			}
		}
		return Site{}, fmt.Errorf("site %d: %w", id, ErrNotFound)
	}
	return s.store.SiteByName(ctx, ref)
}

// The site-scoped API: what a site backend's key may call. Ids are the site's own; the
// methods map them to stored keys and back, and treat another site's data as absent
// (ErrNotFound), so that a key learns nothing about other sites, not even which ids exist.

// PutSiteArticle creates or updates one of site's articles.
func (s *Service) PutSiteArticle(ctx context.Context, site int64, a Article) (Article, bool, error) {
	if err := validateArticleID("id", a.ID); err != nil {
		return Article{}, false, err
	}
	id := a.ID
	a.ID = ArticleKey(site, id)
	if err := checkText("id", id, MaxIDBytes, true); err != nil {
		return Article{}, false, err
	}
	saved, created, err := s.PutArticle(ctx, a)
	saved.ID = id
	return saved, created, err
}

// SiteArticle returns one of site's articles with its counts.
func (s *Service) SiteArticle(ctx context.Context, site int64, id string) (ArticleStats, error) {
	st, err := s.Article(ctx, ArticleKey(site, id))
	st.Article.ID = id
	return st, err
}

// SubmitToSite submits a comment to one of site's articles.
func (s *Service) SubmitToSite(ctx context.Context, site int64, scope string, sub Submission) (Comment, bool, error) {
	if err := validateArticleID("article_id", sub.ArticleID); err != nil {
		return Comment{}, false, err
	}
	id := sub.ArticleID
	sub.ArticleID = ArticleKey(site, id)
	c, created, err := s.Submit(ctx, scope, sub)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) && ie.Field == "article_id" {
			return Comment{}, false, invalid("article_id", "no article %q: create it first with PUT /api/v1/articles/{id}", id)
		}
		return Comment{}, false, err
	}
	c.ArticleID = id
	return c, created, nil
}

// SiteComment returns one of site's comments; another site's is ErrNotFound.
func (s *Service) SiteComment(ctx context.Context, site, id int64) (Comment, error) {
	c, err := s.store.Comment(ctx, id)
	if err != nil {
		return Comment{}, err
	}
	cs, aid := SplitArticleKey(c.ArticleID)
	if cs != site {
		return Comment{}, fmt.Errorf("comment %d: %w", id, ErrNotFound)
	}
	c.ArticleID = aid
	return c, nil
}

// SiteComments lists the comments of one of site's articles.
func (s *Service) SiteComments(ctx context.Context, site int64, f CommentFilter) (CommentPage, error) {
	id := f.ArticleID
	f.ArticleID = ArticleKey(site, id)
	page, err := s.Comments(ctx, f)
	for i := range page.Comments {
		page.Comments[i].ArticleID = id
	}
	return page, err
}
