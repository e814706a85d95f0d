package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// Config is the whole configuration of a xiaozhi process, built once from defaults, then
// XIAOZHI_* environment variables, then command-line flags (each overriding the one before),
// and validated before anything starts. Packages receive plain values from it; none reads the
// environment on its own.
type Config struct {
	Addr            string        // --addr, XIAOZHI_ADDR
	DatabaseURL     string        // --database-url, XIAOZHI_DATABASE_URL
	Mode            string        // --mode, XIAOZHI_MODE: development or production
	LogLevel        string        // --log-level, XIAOZHI_LOG_LEVEL: debug, info, warn, error
	LogFormat       string        // --log-format, XIAOZHI_LOG_FORMAT: auto, text, json
	ShutdownTimeout time.Duration // --shutdown-timeout, XIAOZHI_SHUTDOWN_TIMEOUT
	Camera          string        // --camera, XIAOZHI_CAMERA: "" for none, an index, /dev/videoN or a file source
	RulesDir        string        // --rules-dir, XIAOZHI_RULES_DIR: a bureau's overrides of the rule sets
	TessData        string        // --tessdata, XIAOZHI_TESSDATA: Tesseract's data directory ("" for the system's)
	OCRWorkers      int           // --ocr-workers, XIAOZHI_OCR_WORKERS: reading processes
	OCRTimeout      time.Duration // --ocr-timeout, XIAOZHI_OCR_TIMEOUT: one read's deadline
	OCRMemoryMB     int           // --ocr-memory-mb, XIAOZHI_OCR_MEMORY_MB: a reading process's memory cap
	Origins         string        // --origins, XIAOZHI_ORIGINS: browser origins allowed besides the server's own, comma-separated
	ClaimLease      time.Duration // --claim-lease, XIAOZHI_CLAIM_LEASE: how long a clerk's claim lasts without its console (staff.go)
	QueueDue        time.Duration // --queue-due, XIAOZHI_QUEUE_DUE: unclaimed escalations alert again after this
	SessionIdle     time.Duration // --session-idle, XIAOZHI_SESSION_IDLE: a staff session unused this long ends
	SessionMaxAge   time.Duration // --session-max-age, XIAOZHI_SESSION_MAX_AGE: any staff session ends this long after login
	Demo            bool          // --demo, XIAOZHI_DEMO: demo registry, station and camera (demo.go)
	ImageRetention  time.Duration // --image-retention, XIAOZHI_IMAGE_RETENTION: how long document images are kept
	PickupCounter   string        // --pickup-counter, XIAOZHI_PICKUP_COUNTER: where licence cards are collected
	PassKeyID       string        // --pass-key-id, XIAOZHI_PASS_KEY_ID: ID of the pass signing key (pass.go)
	PassPublicKeys  string        // --pass-public-keys, XIAOZHI_PASS_PUBLIC_KEYS: more verification keys, KID:BASE64,…
	MPRateIP        int           // --mp-rate-ip, XIAOZHI_MP_RATE_IP: mini-program requests per second per address
	MPRateDriver    int           // --mp-rate-driver, XIAOZHI_MP_RATE_DRIVER: mini-program requests per second per driver
	// PassKey is the base64 Ed25519 seed that signs passes (XIAOZHI_PASS_KEY only, like DataKey).
	PassKey string
	// DataKey is the base64 master key that seals personal data at rest (XIAOZHI_DATA_KEY
	// only: a flag would leave it in shell history and process listings).
	DataKey string
}

// DefaultConfig is what a fresh machine runs with: SQLite in the working directory, the
// HTTP server on the loopback interface.
func DefaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DatabaseURL:     "xiaozhi.db",
		Mode:            "development",
		LogLevel:        "info",
		LogFormat:       "auto",
		ShutdownTimeout: 10 * time.Second,
		OCRWorkers:      2,
		OCRTimeout:      15 * time.Second,
		OCRMemoryMB:     1024,
		ClaimLease:      60 * time.Second,
		QueueDue:        5 * time.Minute,
		SessionIdle:     15 * time.Minute,
		SessionMaxAge:   10 * time.Hour,
		MPRateIP:        50,
		MPRateDriver:    10,
		ImageRetention:  7 * 24 * time.Hour,
		PickupCounter:   "1号窗口",
	}
}

// setting ties one Config field to its flag and environment variable, so both are declared
// in one line each and the help text lists the variable beside the flag.
type setting struct {
	flag, env, help string
	str             *string
	dur             *time.Duration
	num             *int
	boolean         *bool
}

func (c *Config) settings() []setting {
	return []setting{
		{flag: "addr", env: "XIAOZHI_ADDR", help: "HTTP listen address HOST:PORT", str: &c.Addr},
		{flag: "database-url", env: "XIAOZHI_DATABASE_URL", help: "SQLite file path or sqlite:// URL, or postgres:// DSN", str: &c.DatabaseURL},
		{flag: "mode", env: "XIAOZHI_MODE", help: "development or production", str: &c.Mode},
		{flag: "log-level", env: "XIAOZHI_LOG_LEVEL", help: "debug, info, warn or error", str: &c.LogLevel},
		{flag: "log-format", env: "XIAOZHI_LOG_FORMAT", help: "auto (text on a terminal, JSON otherwise), text or json", str: &c.LogFormat},
		{flag: "shutdown-timeout", env: "XIAOZHI_SHUTDOWN_TIMEOUT", help: "how long to drain requests on shutdown", dur: &c.ShutdownTimeout},
		{flag: "camera", env: "XIAOZHI_CAMERA", help: "document camera: index, /dev/videoN, image, directory or printf pattern; empty for none", str: &c.Camera},
		{flag: "rules-dir", env: "XIAOZHI_RULES_DIR", help: "directory of rule-set overrides (params.yaml, matter files)", str: &c.RulesDir},
		{flag: "tessdata", env: "XIAOZHI_TESSDATA", help: "Tesseract tessdata directory; empty for the system's", str: &c.TessData},
		{flag: "ocr-workers", env: "XIAOZHI_OCR_WORKERS", help: "number of document-reading processes", num: &c.OCRWorkers},
		{flag: "ocr-timeout", env: "XIAOZHI_OCR_TIMEOUT", help: "deadline of one document read", dur: &c.OCRTimeout},
		{flag: "ocr-memory-mb", env: "XIAOZHI_OCR_MEMORY_MB", help: "memory cap of one reading process, MB", num: &c.OCRMemoryMB},
		{flag: "demo", env: "XIAOZHI_DEMO", help: "run the demo: demo registry data, a kiosk station and a camera cycling demo cards", boolean: &c.Demo},
		{flag: "image-retention", env: "XIAOZHI_IMAGE_RETENTION", help: "how long document images are kept before they are purged", dur: &c.ImageRetention},
		{flag: "pickup-counter", env: "XIAOZHI_PICKUP_COUNTER", help: "the counter named on pickup slips for licence cards", str: &c.PickupCounter},
		{flag: "pass-key-id", env: "XIAOZHI_PASS_KEY_ID", help: "ID of the pass signing key, named in every pass token", str: &c.PassKeyID},
		{flag: "pass-public-keys", env: "XIAOZHI_PASS_PUBLIC_KEYS", help: "extra pass verification keys for rotation, KID:BASE64,…", str: &c.PassPublicKeys},
		{flag: "mp-rate-ip", env: "XIAOZHI_MP_RATE_IP", help: "mini-program requests per second per client address (burst twice that)", num: &c.MPRateIP},
		{flag: "mp-rate-driver", env: "XIAOZHI_MP_RATE_DRIVER", help: "mini-program requests per second per driver (burst three times that)", num: &c.MPRateDriver},
		{env: "XIAOZHI_PASS_KEY", str: &c.PassKey},
		{flag: "origins", env: "XIAOZHI_ORIGINS", help: "browser origins allowed besides the server's own (e.g. https://console.example), comma-separated", str: &c.Origins},
		{flag: "claim-lease", env: "XIAOZHI_CLAIM_LEASE", help: "how long a clerk's claim on a case lasts after its console goes away", dur: &c.ClaimLease},
		{flag: "queue-due", env: "XIAOZHI_QUEUE_DUE", help: "escalated cases unclaimed this long notify consoles again and alert supervisors", dur: &c.QueueDue},
		{flag: "session-idle", env: "XIAOZHI_SESSION_IDLE", help: "staff sessions unused this long end", dur: &c.SessionIdle},
		{flag: "session-max-age", env: "XIAOZHI_SESSION_MAX_AGE", help: "staff sessions end this long after login", dur: &c.SessionMaxAge},
		{env: "XIAOZHI_DATA_KEY", str: &c.DataKey},
	}
}

// loadConfig builds the configuration for a command from defaults, the environment and args,
// registering only the named settings as flags (all of them when names is empty), and
// validates it. It returns the remaining positional arguments.
func loadConfig(name string, e *env, args []string, names ...string) (Config, []string, error) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("xiaozhi "+name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	for _, s := range cfg.settings() {
		if v := e.Getenv(s.env); v != "" {
			if err := s.set(v); err != nil {
				return cfg, nil, fmt.Errorf("%s: %v", s.env, err)
			}
		}
		if s.flag == "" || len(names) > 0 && !contains(names, s.flag) {
			continue
		}
		help := fmt.Sprintf("%s (env %s)", s.help, s.env)
		switch {
		case s.str != nil:
			fs.StringVar(s.str, s.flag, *s.str, help)
		case s.num != nil:
			fs.IntVar(s.num, s.flag, *s.num, help)
		case s.boolean != nil:
			fs.BoolVar(s.boolean, s.flag, *s.boolean, help)
		default:
			fs.DurationVar(s.dur, s.flag, *s.dur, help)
		}
	}
	if err := fs.Parse(args); err != nil {
		// The flag package has already printed the problem and the options.
		return cfg, nil, errUsage
	}
	return cfg, fs.Args(), cfg.Validate()
}

func (s setting) set(v string) error {
	switch {
	case s.str != nil:
		*s.str = v
		return nil
	case s.num != nil:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", v)
		}
		*s.num = n
		return nil
	case s.boolean != nil:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		*s.boolean = b
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("want a duration such as 10s, got %q", v)
	}
	*s.dur = d
	return nil
}

// Validate reports the first configuration value that cannot work, naming it.
func (c Config) Validate() error {
	_, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT", c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("--addr %q: port must be a number from 0 to 65535", c.Addr)
	}
	if _, _, err := store.ParseURL(c.DatabaseURL); err != nil {
		return fmt.Errorf("--database-url: %v", err)
	}
	if c.Mode != "development" && c.Mode != "production" {
		return fmt.Errorf("--mode %q: want development or production", c.Mode)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if !contains([]string{"auto", "text", "json"}, c.LogFormat) {
		return fmt.Errorf("--log-format %q: want auto, text or json", c.LogFormat)
	}
	if c.Demo && c.Mode == "production" {
		return fmt.Errorf("--demo cannot run in production mode: its keys and accounts are public")
	}
	if c.DataKey == "" && c.Mode == "production" {
		return fmt.Errorf("XIAOZHI_DATA_KEY is required in production mode (32 random bytes, base64: openssl rand -base64 32)")
	}
	if c.DataKey != "" {
		if _, err := store.ParseKey(c.DataKey); err != nil {
			return fmt.Errorf("XIAOZHI_DATA_KEY: %v", err)
		}
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("--shutdown-timeout must be positive")
	}
	if c.OCRWorkers < 1 || c.OCRWorkers > 64 {
		return fmt.Errorf("--ocr-workers %d: want 1 to 64", c.OCRWorkers)
	}
	if c.OCRTimeout <= 0 {
		return fmt.Errorf("--ocr-timeout must be positive")
	}
	if err := c.validateStaff(); err != nil {
		return err
	}
	if c.OCRMemoryMB < 128 {
		return fmt.Errorf("--ocr-memory-mb %d: want at least 128", c.OCRMemoryMB)
	}
	if c.ImageRetention < time.Hour {
		return fmt.Errorf("--image-retention %s: want at least 1h", c.ImageRetention)
	}
	if err := c.validatePass(); err != nil {
		return err
	}
	if c.RulesDir != "" {
		if st, err := os.Stat(c.RulesDir); err != nil || !st.IsDir() {
			return fmt.Errorf("--rules-dir %s: not a directory", c.RulesDir)
		}
	}
	return nil
}

// demoDataKey seals the embedded demo's data in development mode. It is public, so data
// sealed with it is not protected: production mode refuses to run without a key of its own.
const demoDataKey = "eGlhb3poaS1kZW1vLWtleS1ub3QtZm9yLXJlYWwtdSE="

// sealer returns the Sealer for the configured key, or for the demo key in development.
func (c Config) sealer() (*store.Sealer, bool, error) {
	k, demo := c.DataKey, false
	if k == "" {
		k, demo = demoDataKey, true
	}
	key, err := store.ParseKey(k)
	if err != nil {
		return nil, demo, fmt.Errorf("XIAOZHI_DATA_KEY: %v", err)
	}
	s, err := store.NewSealer(key)
	return s, demo, err
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger configures slog once for the process: text for a person at a terminal, JSON for
// a log collector.
func newLogger(c Config, w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	format := c.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
