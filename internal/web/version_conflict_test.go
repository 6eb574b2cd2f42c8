package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestVersionConflictInChinese: the version widget's refusals when
// another version of the item was stored at the same moment (two people
// adding a version at once) say so in Chinese, not 与现有数据冲突（another
// version was added at the same time）.
func TestVersionConflictInChinese(t *testing.T) {
	latin := regexp.MustCompile(`[A-Za-z]{3,}`)
	m := Msg{Lang: "zh-CN"}
	for _, detail := range []string{"another version was added at the same time", "the item changed meanwhile",
		"the version could not be added; try again", "other versions kept being added at the same time (8 tries); upload again"} {
		if got := m.apiDetail(detail, http.StatusConflict); latin.MatchString(got) {
			t.Errorf("%q on a Chinese page: %q", detail, got)
		}
	}
}

// The refusals of a malformed upload part and of a stale If-Match read in
// Chinese on a Chinese page.
func TestUploadAndPreconditionInChinese(t *testing.T) {
	m := Msg{Lang: "zh-CN"}
	for detail, status := range map[string]int{
		`malformed multipart body: part 2 has a Content-Disposition that cannot be read: a parameter is not name="value"; a value with spaces, quotes or non-ASCII characters (a Chinese filename) must be in double quotes`: http.StatusBadRequest,
		`malformed multipart body: part 1 has a Content-Disposition that cannot be read: it must be form-data; name="file"; filename="合同.pdf", each parameter given once`:                                                    http.StatusBadRequest,
		`If-Match does not match the content's ETag "0123abcd"`:                          http.StatusPreconditionFailed,
		`another item of the case already has these bytes: "采购合同" (id 01a23c12338ed5cb)`: http.StatusConflict,
	} {
		got := m.apiDetail(detail, status)
		if strings.Contains(got, "cannot be read") || strings.Contains(got, "does not match") || strings.Contains(got, "already has") ||
			!strings.ContainsAny(got, "上内本") {
			t.Errorf("%q on a Chinese page: %q", detail, got)
		}
	}
}

// While serve rebuilds the search index (after an upgrade), a Chinese
// search page says so in Chinese, with its progress; the reason is kept as
// given.
func TestSearchRebuildInChinese(t *testing.T) {
	m := Msg{Lang: "zh-CN"}
	got := m.apiDetail(`search index being rebuilt (search: open /data/index: corrupt: schema "3", want "4"): 120 items indexed (100 with the text the old index held), 2 failed`,
		http.StatusServiceUnavailable)
	if want := `检索索引正在重建，完成后即可检索（原因：search: open /data/index: corrupt: schema "3", want "4"；进度：已索引 120 项，其中 100 项沿用原索引中的文本，失败 2 项）`; got != want {
		t.Errorf("rebuild on a Chinese page:\n%s\nwant\n%s", got, want)
	}
	if got := m.apiDetail(`search index being rebuilt (no index): compacting`, http.StatusServiceUnavailable); !strings.HasSuffix(got, "进度：正在合并索引）") {
		t.Errorf("compacting on a Chinese page: %q", got)
	}
	if got := m.apiDetail("search index unavailable: run `dossier reindex`", http.StatusServiceUnavailable); !strings.HasPrefix(got, "检索索引不可用") {
		t.Errorf("no index on a Chinese page: %q", got)
	}
}
