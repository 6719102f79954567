-- 0008_thread: what a moderator needs to read a comment in its thread.
--
-- url is the comment's own address on the site (a permalink the site backend may send); ''
-- when it sent none, and the dashboard then links to the article. comments_parent lists a
-- comment's replies without scanning the article.
ALTER TABLE comments ADD COLUMN url TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_parent ON comments (parent_id, id) WHERE parent_id IS NOT NULL;
