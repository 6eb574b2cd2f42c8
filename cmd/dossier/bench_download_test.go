package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob/disk"
)

// BenchmarkEvidenceDownload measures GET …/content of a large item through
// the real binary on the disk store (DOSSIER_BENCH_UPLOAD_MB, default 1024)
// against reading the same blob straight from the store in the same run,
// alternating. A whole-version download is checked against the recorded
// sha256 before its last byte leaves (a changed blob is never delivered
// whole under the recorded ETag); a range of all but the first byte is not
// hashed, so the two API figures show what the check costs.
func BenchmarkEvidenceDownload(b *testing.B) {
	size := int64(envInt(b, "DOSSIER_BENCH_UPLOAD_MB", 1024)) << 20
	rounds := envInt(b, "DOSSIER_BENCH_UPLOAD_ROUNDS", 3)
	data := b.TempDir()
	p := start(b, data, "DOSSIER_ADMIN_PASSWORD="+crashPassword, "DOSSIER_MAX_UPLOAD="+strconv.FormatInt(size+1, 10))
	defer func() { _ = p.cmd.Process.Kill(); <-p.done }()
	token := loginB(b, p)
	caseID := createCaseB(b, p, token)
	if status, _, err := streamUpload(p, token, caseID, newGen(size), "", clientSendBuf); err != nil || status != 201 {
		b.Fatalf("upload: %d %v", status, err)
	}
	var list struct {
		Items []struct{ ID, SHA256 string }
	}
	if st := p.getJSON(b, "/api/v1/cases/"+caseID+"/evidence", token, &list); st != 200 || len(list.Items) != 1 {
		b.Fatalf("list: %d %+v", st, list)
	}
	id, sha := list.Items[0].ID, list.Items[0].SHA256
	store, err := disk.New(filepath.Join(data, "blobs"))
	if err != nil {
		b.Fatal(err)
	}
	pid := p.cmd.Process.Pid
	mbs := float64(size) / (1 << 20)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(rng string) (sec, srvCPU float64) {
		req, _ := http.NewRequest("GET", p.url+"/api/v1/evidence/"+id+"/content", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		want, code := size, 200
		if rng != "" {
			req.Header.Set("Range", rng)
			want, code = size-1, 206
		}
		t0, srv0 := time.Now(), procCPU(b, pid)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, res.Body, make([]byte, 1<<20))
		res.Body.Close()
		if err != nil || n != want || res.StatusCode != code {
			b.Fatalf("download %q: %d, %d of %d bytes, %v", rng, res.StatusCode, n, want, err)
		}
		return time.Since(t0).Seconds(), procCPU(b, pid) - srv0
	}
	direct := func() float64 {
		t0 := time.Now()
		rc, err := store.Open(context.Background(), sha, 0, -1)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, rc, make([]byte, 1<<20))
		rc.Close()
		if err != nil || n != size {
			b.Fatalf("direct read: %d of %d bytes, %v", n, size, err)
		}
		return time.Since(t0).Seconds()
	}
	for i := 0; i < b.N; i++ {
		var full, part, raw, fullCPU, partCPU, ratios []float64
		_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
		rss := procKB(b, pid, "VmRSS")
		for range rounds {
			d0 := direct()
			fs, fc := get("")
			ps, pc := get("bytes=1-")
			d1 := direct()
			full, part, raw = append(full, mbs/fs), append(part, mbs/ps), append(raw, mbs*2/(d0+d1))
			fullCPU, partCPU = append(fullCPU, fc/mbs*1024), append(partCPU, pc/mbs*1024)
			ratios = append(ratios, (d0+d1)/2/fs)
		}
		growth := float64(procKB(b, pid, "VmHWM")-rss) / 1024
		b.ReportMetric(median(full), "api_MB/s")
		b.ReportMetric(median(part), "api_range_MB/s")
		b.ReportMetric(median(raw), "direct_MB/s")
		b.ReportMetric(median(ratios), "api/direct")
		b.ReportMetric(median(fullCPU), "server_cpu_s/GiB")
		b.ReportMetric(growth, "peak_rss_growth_MiB")
		b.Logf("disk: %d MiB × %d rounds (medians): whole version, checked %.1f MB/s (server %.2f CPU-s per GiB); "+
			"range of all but one byte, not hashed %.1f MB/s (%.2f CPU-s per GiB); the store read directly %.1f MB/s; "+
			"ratio %.2f (%.2f–%.2f); server peak RSS growth %.1f MiB",
			size>>20, rounds, median(full), median(fullCPU), median(part), median(partCPU), median(raw),
			median(ratios), slices.Min(ratios), slices.Max(ratios), growth)
	}
}
