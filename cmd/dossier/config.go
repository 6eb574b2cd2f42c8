package main

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/web"
)

// Config is built once from the environment and passed down; there is no
// global configuration.
type Config struct {
	Addr          string
	DataDir       string
	DatabaseURL   string
	S3Endpoint    string
	S3Bucket      string
	S3AccessKey   string
	S3SecretKey   string
	S3Secure      bool
	S3Region      string
	S3ObjectLock  bool
	MaxUpload     int64
	AdminPassword string
	Templates     string
	Retention     time.Duration
	TokenTTL      time.Duration
	LogLevel      string
	LogFormat     string
	TimeZone      *time.Location
	ContactStart  int
	ContactEnd    int
	ContactMaxDay int
	IndexWorkers  int
	BaseURL       string
	BasePath      string
	PlanGraceDays int
	DemandDays    int
	// TrustedProxies may vouch for a client's address in X-Forwarded-For.
	TrustedProxies []netip.Prefix
}

// setting documents one environment variable: `dossier --help` prints the
// list and the README's table names every one (a test checks it).
type setting struct {
	name, def, help string
	apply           func(c *Config, v string) error
}

var settings = []setting{
	{"DOSSIER_ADDR", "127.0.0.1:8080", "listen address: host:port, or unix:PATH for a unix socket (a reverse proxy on the same host)", func(c *Config, v string) error {
		if path, ok := strings.CutPrefix(v, "unix:"); ok {
			if path == "" {
				return fmt.Errorf("unix: needs the socket's path, e.g. unix:/run/dossier/dossier.sock")
			}
		} else if !strings.Contains(v, ":") {
			return fmt.Errorf("must be host:port or unix:PATH")
		}
		c.Addr = v
		return nil
	}},
	{"DOSSIER_DATA", "./storage", "data directory: SQLite file, blobs (without S3), search index, audit signing key", func(c *Config, v string) error {
		c.DataDir = v
		return nil
	}},
	{"DATABASE_URL", "", "postgres://… selects PostgreSQL; empty means SQLite under the data directory", func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			return fmt.Errorf("must be a postgres:// URL or empty")
		}
		c.DatabaseURL = v
		return nil
	}},
	{"DOSSIER_S3_ENDPOINT", "", "S3 endpoint host:port; empty means blobs on local disk", func(c *Config, v string) error {
		if strings.Contains(v, "://") {
			return fmt.Errorf("must be host:port without a scheme (use DOSSIER_S3_SECURE for TLS)")
		}
		c.S3Endpoint = v
		return nil
	}},
	{"DOSSIER_S3_BUCKET", "dossier", "S3 bucket (created if absent)", func(c *Config, v string) error { c.S3Bucket = v; return nil }},
	{"DOSSIER_S3_ACCESS_KEY", "", "S3 access key", func(c *Config, v string) error { c.S3AccessKey = v; return nil }},
	{"DOSSIER_S3_SECRET_KEY", "", "S3 secret key", func(c *Config, v string) error { c.S3SecretKey = v; return nil }},
	{"DOSSIER_S3_SECURE", "false", "use TLS to reach S3", boolSetting(func(c *Config, b bool) { c.S3Secure = b })},
	{"DOSSIER_S3_REGION", "", "S3 region (optional)", func(c *Config, v string) error { c.S3Region = v; return nil }},
	{"DOSSIER_S3_OBJECT_LOCK", "false", "create the bucket with object locking and lock evidence objects (retention + legal hold)", boolSetting(func(c *Config, b bool) { c.S3ObjectLock = b })},
	{"DOSSIER_MAX_UPLOAD", "4294967296", "largest accepted upload in bytes (4 GiB)", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("must be a positive number of bytes")
		}
		c.MaxUpload = n
		return nil
	}},
	{"DOSSIER_ADMIN_PASSWORD", "", "password of the admin user created on first start (random and printed once when empty)", func(c *Config, v string) error {
		if v != "" && len([]rune(v)) < 12 {
			return fmt.Errorf("must be at least 12 characters")
		}
		c.AdminPassword = v
		return nil
	}},
	{"DOSSIER_TEMPLATES", "", "directory whose document templates override the embedded ones", func(c *Config, v string) error {
		c.Templates = v
		return nil
	}},
	{"DOSSIER_RETENTION", "17520h", "minimum retention of evidence before deletion is allowed (Go duration; default 2 years)", durationSetting(func(c *Config, d time.Duration) { c.Retention = d })},
	{"DOSSIER_TOKEN_TTL", "12h", "lifetime of login tokens and web sessions (at least 1m)", func(c *Config, v string) error {
		// A token must outlive the request after the login that made it.
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return fmt.Errorf("must be a duration of at least 1m, such as 12h")
		}
		c.TokenTTL = d
		return nil
	}},
	{"DOSSIER_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config, v string) error {
		switch v {
		case "debug", "info", "warn", "error":
			c.LogLevel = v
			return nil
		}
		return fmt.Errorf("must be debug, info, warn or error")
	}},
	{"DOSSIER_LOG_FORMAT", "json", "json or text", func(c *Config, v string) error {
		if v != "json" && v != "text" {
			return fmt.Errorf("must be json or text")
		}
		c.LogFormat = v
		return nil
	}},
	{"DOSSIER_TZ", "Asia/Shanghai", "time zone for contact-hour checks and document dates", func(c *Config, v string) error {
		loc, err := time.LoadLocation(v)
		if err != nil {
			return fmt.Errorf("unknown time zone")
		}
		c.TimeZone = loc
		return nil
	}},
	{"DOSSIER_CONTACT_HOURS", "08-21", "allowed collection-contact hours, start-end (end exclusive)", func(c *Config, v string) error {
		a, b, ok := strings.Cut(v, "-")
		s, err1 := strconv.Atoi(a)
		e, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || s < 0 || e > 24 || s >= e {
			return fmt.Errorf("must be HH-HH with start before end, e.g. 08-21")
		}
		c.ContactStart, c.ContactEnd = s, e
		return nil
	}},
	{"DOSSIER_CONTACT_MAX_PER_DAY", "6", "collection contacts per debtor per day before a contact is flagged", intSetting(1, 1000, func(c *Config, n int) { c.ContactMaxDay = n })},
	{"DOSSIER_INDEX_WORKERS", "2", "text extraction and indexing workers", intSetting(1, 64, func(c *Config, n int) { c.IndexWorkers = n })},
	{"DOSSIER_TRUSTED_PROXIES", "", "comma-separated IPs or CIDR ranges of reverse proxies whose X-Forwarded-For names the client (a unix socket's peer is always one)", func(c *Config, v string) error {
		ps, err := httpapi.ParseProxies(v)
		c.TrustedProxies = ps
		return err
	}},
	{"DOSSIER_BASE_URL", "", "public base URL used in share links (default http://DOSSIER_ADDR; required with a unix socket or a 0.0.0.0/:PORT address)", func(c *Config, v string) error {
		if v != "" {
			// Share links are made from it, so it must be an absolute URL.
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("must be an http:// or https:// URL, e.g. https://dossier.example.com")
			}
		}
		c.BaseURL = strings.TrimRight(v, "/")
		return nil
	}},
	{"DOSSIER_BASE_PATH", "", "path prefix the web pages are served under behind a reverse proxy, such as /dossier (empty: at the root); requests with or without it are both accepted", func(c *Config, v string) error {
		p, err := web.CleanBasePath(v)
		c.BasePath = p
		return err
	}},
	{"DOSSIER_PLAN_GRACE_DAYS", "5", "days after an installment's due date before it counts as missed", intSetting(0, 365, func(c *Config, n int) { c.PlanGraceDays = n })},
	{"DOSSIER_DEMAND_DAYS", "7", "days a served written demand gives a debtor in default before an installment plan's whole balance falls due", intSetting(0, 90, func(c *Config, n int) { c.DemandDays = n })},
}

func boolSetting(set func(*Config, bool)) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false")
		}
		set(c, b)
		return nil
	}
}

func durationSetting(set func(*Config, time.Duration)) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("must be a duration such as 12h or 17520h")
		}
		set(c, d)
		return nil
	}
}

func intSetting(lo, hi int, set func(*Config, int)) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
		}
		set(c, n)
		return nil
	}
}

// secretSettings may hold a password (DATABASE_URL's user info included):
// an error about one never repeats its value.
var secretSettings = map[string]bool{"DATABASE_URL": true, "DOSSIER_ADMIN_PASSWORD": true, "DOSSIER_S3_SECRET_KEY": true}

// ignoredPrefixes are DOSSIER_ variables read by tests and tooling, not by
// the service.
var ignoredPrefixes = []string{"DOSSIER_TEST_", "DOSSIER_BENCH_", "DOSSIER_MINIO_"}

// LoadConfig reads the environment. An unknown DOSSIER_ variable or an
// invalid value stops start-up with a message naming the setting.
func LoadConfig(environ []string) (*Config, error) {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	known := map[string]bool{}
	c := &Config{}
	for _, s := range settings {
		known[s.name] = true
		v, ok := env[s.name]
		if !ok || v == "" {
			v = s.def
		}
		if err := s.apply(c, v); err != nil {
			if secretSettings[s.name] {
				// Start-up errors land in the service's journal.
				return nil, fmt.Errorf("config: %s (value not shown): %v", s.name, err)
			}
			return nil, fmt.Errorf("config: %s=%q: %v", s.name, v, err)
		}
	}
	var unknown []string
	for k := range env {
		if strings.HasPrefix(k, "DOSSIER_") && !known[k] && !hasAnyPrefix(k, ignoredPrefixes) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("config: unknown setting %s (see `dossier --help` for the list)", strings.Join(unknown, ", "))
	}
	if c.S3Endpoint != "" && (c.S3AccessKey == "" || c.S3SecretKey == "") {
		return nil, fmt.Errorf("config: DOSSIER_S3_ACCESS_KEY and DOSSIER_S3_SECRET_KEY are required with DOSSIER_S3_ENDPOINT")
	}
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	if c.BaseURL == "" {
		if c.Unix() != "" {
			return nil, fmt.Errorf("config: DOSSIER_BASE_URL is required when DOSSIER_ADDR is a unix socket: share links are made from it")
		}
		// A link to http://0.0.0.0:8080 reaches no one outside this host.
		if host, _, err := net.SplitHostPort(c.Addr); err == nil && (host == "" || isUnspecified(host)) {
			return nil, fmt.Errorf("config: DOSSIER_BASE_URL is required when DOSSIER_ADDR=%s listens on every interface: share links are made from it", c.Addr)
		}
		c.BaseURL = "http://" + c.Addr
	}
	return c, nil
}

// Unix returns the unix socket's path when DOSSIER_ADDR names one, else "".
func (c *Config) Unix() string {
	if path, ok := strings.CutPrefix(c.Addr, "unix:"); ok {
		return path
	}
	return ""
}

func isUnspecified(host string) bool {
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsUnspecified()
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// settingsHelp lists every setting for --help.
func settingsHelp() string {
	var b strings.Builder
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "  %-28s %s [default %s]\n", s.name, s.help, def)
	}
	return b.String()
}

func mustGetwd() string {
	wd, _ := os.Getwd()
	return wd
}
