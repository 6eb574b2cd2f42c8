package render

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

func TestChineseAmount(t *testing.T) {
	tests := []struct {
		cents int64
		want  string
	}{
		{1, "壹分"},
		{10, "壹角整"},
		{11, "壹角壹分"},
		{100, "壹元整"},
		{105, "壹元零伍分"},
		{150, "壹元伍角整"},
		{1000, "壹拾元整"},
		{1050, "壹拾元零伍角整"},
		{1005, "壹拾元零伍分"},
		{1100, "壹拾壹元整"},
		{10000, "壹佰元整"},
		{10100, "壹佰零壹元整"},
		{10005, "壹佰元零伍分"},
		{100000, "壹仟元整"},
		{100100, "壹仟零壹元整"},
		{101000, "壹仟零壹拾元整"},
		{1000000, "壹万元整"},
		{1000100, "壹万零壹元整"},
		{38650000, "叁拾捌万陆仟伍佰元整"},
		{10000505, "壹拾万零伍元零伍分"},
		{100000000, "壹佰万元整"},
		{1000500000, "壹仟万零伍仟元整"},
		{1001000000, "壹仟零壹万元整"},
		{10000000000, "壹亿元整"},
		{10000000100, "壹亿零壹元整"},
		{10001000000, "壹亿零壹万元整"},
		{11000000000, "壹亿壹仟万元整"},
		{100000000000, "壹拾亿元整"},
		{100000000001, "壹拾亿元零壹分"},
		{123456789012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元零壹角贰分"},
		{int64(dossier.MaxMoney), "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"},
		{99999999999900, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"},
		{10000000000000, "壹仟亿元整"},
		{10000000000001, "壹仟亿元零壹分"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.cents), func(t *testing.T) {
			got, err := ChineseAmount(dossier.Money(tt.cents))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ChineseAmount(%d) = %s, want %s", tt.cents, got, tt.want)
			}
		})
	}
	t.Run("ErrRange", func(t *testing.T) {
		for _, m := range []dossier.Money{0, -1, dossier.MaxMoney + 1} {
			if _, err := ChineseAmount(m); err == nil {
				t.Errorf("ChineseAmount(%d) succeeded", m)
			}
		}
	})
}

// TestChineseAmountRoundTrip writes many amounts and reads each back with an
// independent parser, over every magnitude and with zero-rich digit patterns
// (zeros are where the rules go wrong).
func TestChineseAmountRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(20260720))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	check := func(m dossier.Money) {
		s, err := ChineseAmount(m)
		if err != nil {
			t.Fatalf("ChineseAmount(%d): %v", m, err)
		}
		got, err := parseCapital(s)
		if err != nil {
			t.Fatalf("parse %s (from %d): %v", s, m, err)
		}
		if got != m {
			t.Fatalf("%d → %s → %d", m, s, got)
		}
	}
	for c := dossier.Money(1); c <= 200000; c++ { // every amount up to ¥2,000
		check(c)
	}
	for i := 0; i < n; i++ {
		digits := 1 + rng.Intn(14)
		var v int64
		for j := 0; j < digits; j++ {
			d := int64(rng.Intn(10))
			if rng.Intn(2) == 0 {
				d = 0 // bias towards zeros
			}
			v = v*10 + d
		}
		if v == 0 {
			continue
		}
		check(dossier.Money(v))
	}
}

// parseCapital reads capital numerals back to cents. It is written
// independently of ChineseAmount (a section accumulator, not positional
// digits) and is strict about the shape so that a wrong zero or unit fails:
// no leading or doubled 零, no 零 before a unit, 整 exactly when there are no fen.
func parseCapital(s string) (dossier.Money, error) {
	val := map[rune]int64{'零': 0, '壹': 1, '贰': 2, '叁': 3, '肆': 4, '伍': 5, '陆': 6, '柒': 7, '捌': 8, '玖': 9}
	small := map[rune]int64{'拾': 10, '佰': 100, '仟': 1000}
	rs := []rune(s)
	if len(rs) == 0 || rs[0] == '零' || strings.Contains(s, "零零") {
		return 0, fmt.Errorf("bad zeros")
	}
	var total, section, num, yuan, frac int64
	haveNum, done, sawFen, sawYuan := false, false, false, false
	lastSmall := int64(10000)
	for i, r := range rs {
		if done {
			return 0, fmt.Errorf("text after 整")
		}
		if d, ok := val[r]; ok {
			if haveNum {
				return 0, fmt.Errorf("two digits in a row at %d", i)
			}
			if d == 0 {
				lastSmall = 10000 // a zero resets the expected order
				continue
			}
			num, haveNum = d, true
			continue
		}
		if i > 0 && rs[i-1] == '零' {
			return 0, fmt.Errorf("零 before a unit at %d", i)
		}
		switch {
		case small[r] != 0:
			if !haveNum || small[r] >= lastSmall {
				return 0, fmt.Errorf("misplaced %c", r)
			}
			lastSmall = small[r]
			section += num * small[r]
			num, haveNum = 0, false
		case r == '万':
			total += (section + num) * 10000
			section, num, haveNum, lastSmall = 0, 0, false, 10000
		case r == '亿':
			total = (total + section + num) * 100000000
			section, num, haveNum, lastSmall = 0, 0, false, 10000
		case r == '元':
			yuan = total + section + num
			total, section, num, haveNum, sawYuan = 0, 0, 0, false, true
		case r == '角':
			if !haveNum {
				return 0, fmt.Errorf("角 without digit")
			}
			frac += num * 10
			num, haveNum = 0, false
		case r == '分':
			if !haveNum {
				return 0, fmt.Errorf("分 without digit")
			}
			frac += num
			num, haveNum, sawFen = 0, false, true
		case r == '整':
			if sawFen {
				return 0, fmt.Errorf("整 after 分")
			}
			done = true
		default:
			return 0, fmt.Errorf("unexpected %c", r)
		}
	}
	if haveNum || section != 0 || total != 0 {
		return 0, fmt.Errorf("digits without unit")
	}
	if !sawFen && !done {
		return 0, fmt.Errorf("must end in 分 or 整")
	}
	if yuan == 0 && sawYuan {
		return 0, fmt.Errorf("零元")
	}
	return dossier.Money(yuan*100 + frac), nil
}

func TestParseCapitalRejects(t *testing.T) {
	for _, s := range []string{"", "拾元整", "零壹元整", "壹元零零伍分", "壹佰零元整", "壹元伍分整", "壹元", "壹拾万伍元", "壹佰拾元整"} {
		if _, err := parseCapital(s); err == nil {
			t.Errorf("parseCapital(%q) accepted", s)
		}
	}
}
