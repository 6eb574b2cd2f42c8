package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// BenchmarkEvidenceReadAudit measures authenticated evidence reads (metadata
// and a 4 KiB content download) with the audit trail on and off in the same
// run, alternating rounds to spread the machine's noise over both, on both
// metadata stores. Requests per round: DOSSIER_BENCH_REQUESTS (default 4000).
func BenchmarkEvidenceReadAudit(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) { benchAuditRatio(b, backend) })
	}
}

func benchAuditRatio(b *testing.B, backend string) {
	n := 4000
	if v, err := strconv.Atoi(os.Getenv("DOSSIER_BENCH_REQUESTS")); err == nil && v > 0 {
		n = v
	}
	e := newEnv(b, backend)
	withVault(b, e, newBlobs(b, "disk"), 0, 1<<20)
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "BENCH-1")
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte('a' + i%26)
	}
	ct, body := multipartBody(part{name: "kind", data: []byte("contract")}, part{name: "file", filename: "c.txt", data: data})
	var ev dossier.Evidence
	e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, ct, body, nil).json(b, &ev)
	urls := []string{e.srv.URL + "/api/v1/evidence/" + ev.ID, e.srv.URL + "/api/v1/evidence/" + ev.ID + "/content"}
	recorder := e.api.Audit
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	run := func(audit bool) time.Duration {
		if audit {
			e.api.Audit = recorder
		} else {
			e.api.Audit = nil
		}
		start := time.Now()
		var wg sync.WaitGroup
		per := n / 8
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					req, _ := http.NewRequest("GET", urls[i%2], nil)
					req.Header.Set("Authorization", "Bearer "+admin)
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			}()
		}
		wg.Wait()
		if audit {
			// Count the time until the events are durable too.
			_ = e.audit.Flush(context.Background())
		}
		return time.Since(start)
	}
	run(true) // warm up
	var on, off time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for round := 0; round < 3; round++ {
			off += run(false)
			on += run(true)
		}
	}
	b.StopTimer()
	total := float64(b.N * 3 * (n / 8) * 8)
	b.ReportMetric(total/off.Seconds(), "req/s-audit-off")
	b.ReportMetric(total/on.Seconds(), "req/s-audit-on")
	b.ReportMetric(off.Seconds()/on.Seconds(), "ratio-on/off")
	st := e.audit.Stats()
	b.ReportMetric(float64(st.Written)/float64(max(st.Batches, 1)), "events/batch")
	// Connections the pool closed and had to open again: each is a new
	// PostgreSQL backend process, which cost a quarter of the audited
	// throughput before the pool kept its idle connections.
	ps := e.store.SQL().Stats()
	b.ReportMetric(float64(ps.MaxIdleClosed+ps.MaxLifetimeClosed+ps.MaxIdleTimeClosed), "conns_reopened")
}
