package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
)

// indexDir is where the bleve index lives; it is rebuildable from the
// metadata and blobs at any time.
func indexDir(cfg *Config) string { return filepath.Join(cfg.DataDir, "index") }

// errIndexInUse: another process (a serve or a reindex) holds the index.
var errIndexInUse = errors.New("the search index is in use: stop `dossier serve` (or the other reindex) on this data directory first")

// indexLockPath is the file whose lock serve holds while it runs and reindex
// while it rebuilds, so that neither swaps or writes the index under the other.
func indexLockPath(cfg *Config) string { return filepath.Join(cfg.DataDir, "index.lock") }

// runReindex rebuilds the search index from scratch. The index is held by one
// process at a time: stop `dossier serve` first.
func runReindex(ctx context.Context, cfg *Config, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "dossier reindex: takes no arguments")
		return 2
	}
	dossier.SetServerGC()
	// The store serve made, never a new, empty one (a mistyped DOSSIER_DATA).
	store, err := openExistingStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier reindex:", err)
		return 1
	}
	defer store.Close()
	unlock, err := lockIndex(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "dossier reindex: DOSSIER_DATA=%s: %v\n", cfg.DataDir, err)
		return 1
	}
	defer unlock()
	blobs, err := openExistingBlobs(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "dossier reindex: blob store:", err)
		return 1
	}
	dir := indexDir(cfg)
	err = buildIndex(ctx, dir, store, blobs, func(done, failed int) {
		fmt.Fprintf(stderr, "\rindexed %d items (%d failed)", done, failed)
	}, func() { fmt.Fprintln(stderr, "\ncompacting the index") })
	if err != nil {
		fmt.Fprintln(stderr, "\ndossier reindex:", err)
		return 1
	}
	fmt.Fprintln(stdout, "search index rebuilt in", dir)
	return 0
}

// buildIndex builds a complete search index of every live item from the
// metadata and blobs in a directory beside dir, compacts it (a bulk load
// leaves many segments; one merged index answers faster) and only then
// swaps it in place of dir. progress gets the counts as items are indexed,
// compacting is called before the merge. A build cut short leaves dir as
// it was; its partial directory is removed by the next build.
func buildIndex(ctx context.Context, dir string, store indexer.Store, blobs blob.Store,
	progress func(done, failed int), compacting func()) error {
	tmp := dir + ".rebuild"
	_ = os.RemoveAll(tmp)
	ix, err := search.Open(tmp)
	if err != nil {
		return err
	}
	idx := &indexer.Indexer{Store: store, Blobs: blobs, Index: ix, Extract: indexer.ExtractText}
	err = idx.Reindex(ctx, progress)
	if err == nil {
		compacting()
		err = ix.Compact(ctx)
	}
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}
