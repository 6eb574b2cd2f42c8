package web

import (
	"net/http"
	"regexp"
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
