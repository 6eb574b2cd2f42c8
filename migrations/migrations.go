// Package migrations embeds the schema migrations (goose format). The schema
// for a dialect is the union of common/ and the dialect's own directory; a
// version number lives in exactly one of them.
package migrations

import (
	"embed"
	"errors"
	"io/fs"
	"sort"
)

//go:embed common/*.sql sqlite/*.sql postgres/*.sql
var files embed.FS

// For returns the migrations for dialect "sqlite" or "postgres" as one flat FS.
func For(dialect string) (fs.FS, error) {
	if dialect != "sqlite" && dialect != "postgres" {
		return nil, errors.New("migrations: unknown dialect " + dialect)
	}
	return union{files, "common", dialect}, nil
}

// union serves the files of two directories of an embed.FS as one root.
type union struct {
	fsys        embed.FS
	base, extra string
}

func (u union) Open(name string) (fs.File, error) {
	if name == "." {
		return u.fsys.Open(u.extra)
	}
	if f, err := u.fsys.Open(u.extra + "/" + name); err == nil {
		return f, nil
	}
	return u.fsys.Open(u.base + "/" + name)
}

func (u union) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, fs.ErrNotExist
	}
	a, err := u.fsys.ReadDir(u.base)
	if err != nil {
		return nil, err
	}
	b, err := u.fsys.ReadDir(u.extra)
	if err != nil {
		return nil, err
	}
	all := append(a, b...)
	sort.Slice(all, func(i, j int) bool { return all[i].Name() < all[j].Name() })
	return all, nil
}
