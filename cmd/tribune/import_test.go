package main

import (
	"database/sql"
	"testing"
)

// commentRows returns (article, external id, parent's external id, author, text) of every
// comment, in ID order.
func commentRows(t *testing.T, path string) [][5]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_query_only=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT c.article_id, coalesce(c.external_id, ''), coalesce(p.external_id, ''), c.author_id, c.text
		FROM comments c LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][5]string
	for rows.Next() {
		var r [5]string
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3], &r[4]); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}
