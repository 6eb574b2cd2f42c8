package main

import (
	"context"
	"errors"
	"flag"
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

// runReindex rebuilds the search index. The index is held by one process at
// a time: stop `dossier serve` first. The text the current index holds for
// an item's current bytes is taken over unless -extract asks for every
// item's text to be extracted again (after an extractor upgrade that reads
// some files better: the schema, and so the index, is then unchanged).
func runReindex(ctx context.Context, cfg *Config, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dossier reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	extractAll := fs.Bool("extract", false, "extract every item's text again instead of reusing the text the current index holds")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: dossier reindex [--extract]")
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
	err = rebuildIndexDir(ctx, dir, store, blobs, indexBuild{
		Extract: indexer.ExtractText,
		Reuse:   !*extractAll,
		Progress: func(p indexer.Progress) {
			fmt.Fprintf(stderr, "\rindexed %d items (%d reused, %d failed)", p.Done, p.Reused, p.Failed)
		},
		Compacting: func() { fmt.Fprintln(stderr, "\ncompacting the index") },
	})
	if err != nil {
		fmt.Fprintln(stderr, "\ndossier reindex:", err)
		return 1
	}
	fmt.Fprintln(stdout, "search index rebuilt in", dir)
	return 0
}

// buildIndex is rebuildIndexDir with the production extractor and reuse of
// the text in dir, for serve's rebuild in the background. progress gets the
// items done, reused and failed; compacting is called before the merge.
func buildIndex(ctx context.Context, dir string, store indexer.Store, blobs blob.Store,
	progress func(indexer.Progress), compacting func()) error {
	return rebuildIndexDir(ctx, dir, store, blobs, indexBuild{Extract: indexer.ExtractText, Reuse: true,
		Progress: progress, Compacting: compacting})
}

// indexBuild says how rebuildIndexDir gets each item's text and reports.
type indexBuild struct {
	Extract indexer.Extractor
	// Reuse takes an item's text from the index in dir when that index
	// can be read and holds the text of the item's current bytes.
	Reuse      bool
	Progress   func(indexer.Progress) // as items are indexed; may be nil
	Compacting func()                 // before the merge; may be nil
}

// rebuildIndexDir builds a complete search index of every live item from
// the metadata and blobs in a directory beside dir, compacts it (a bulk load
// leaves many segments; one merged index answers faster) and only then
// swaps it in place of dir. A build cut short leaves dir as it was; its
// partial directory is removed by the next build.
//
// With b.Reuse the index in dir, if it opens and reads correctly (any schema
// from 5 on stores the sha256 each text came from), is opened read-only and
// an item's text is taken from it when it is the text of the item's current
// bytes: an upgrade that changes the schema then costs no second OCR.
// Otherwise, or when dir is missing or damaged, every item is extracted.
func rebuildIndexDir(ctx context.Context, dir string, store indexer.Store, blobs blob.Store, b indexBuild) error {
	tmp := dir + ".rebuild"
	_ = os.RemoveAll(tmp)
	ix, err := search.Open(tmp)
	if err != nil {
		return err
	}
	var prev *search.Previous
	if b.Reuse {
		// An error means nothing can be taken from it: extract everything.
		prev, _ = search.OpenPrevious(dir)
	}
	idx := &indexer.Indexer{Store: store, Blobs: blobs, Index: ix, Extract: b.Extract}
	err = idx.Reindex(ctx, prev, b.Progress)
	// Closed before dir is removed below; nothing more is read from it.
	if cerr := prev.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if b.Compacting != nil {
			b.Compacting()
		}
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
