/*
 * libsmtkhostname.so: an LD_PRELOAD library whose gethostname() returns the SageMaker host name
 * (algo-N) that resourceconfig.json gives as "current_host".
 *
 * Why: MPI, NCCL and Horovod group ranks by gethostname(); on SageMaker the kernel host name is not
 * algo-N, and if every host reports the same name they never use their network transports.
 *
 * Differences from the Python toolkit's shim (reference-behaviour.md section 17.1 and 22.20), all fixes:
 *  - the file is $SAGEMAKER_BASE_DIR/input/config/resourceconfig.json, or
 *    /opt/ml/input/config/resourceconfig.json when SAGEMAKER_BASE_DIR is unset or empty;
 *  - a missing, unreadable or invalid file, or one without a usable top-level "current_host" string,
 *    falls back to the kernel's host name (uname(), which is what glibc's gethostname() returns)
 *    instead of crashing or returning 1;
 *  - the file is streamed through a fixed buffer, so any size works (no token limit, no malloc);
 *  - only a key of the top-level object counts; "current_host" nested deeper or used as a value is
 *    ignored. As in Python's json and Jackson, the last duplicate key wins, and the whole document must
 *    be valid JSON before its answer is trusted (a half-written file falls back);
 *  - a name that does not fit follows glibc exactly: copy len bytes (no terminator), return -1 with
 *    errno ENAMETOOLONG. On success errno is left as the caller had it.
 * Nothing is cached: the file is read on every call, so the answer can never go stale.
 *
 * It must load on every base's glibc, down to 2.31 (Ubuntu 20.04, images/CATALOG.md): it calls only
 * functions glibc has had since 2.2.5 and no dlsym() (which moved into libc as dlsym@GLIBC_2.34), so a
 * build on a newer glibc still runs there; the image build checks it (images/src/main/build/glibc-check.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define SMTK_DEFAULT_BASE_DIR "/opt/ml"
#define SMTK_CONFIG_SUFFIX "/input/config/resourceconfig.json"
/* Host names are at most 255 bytes (DNS); longer values are not host names, so fall back. */
#define SMTK_MAX_NAME 255
/* Deeper nesting than this is not a resourceconfig; refusing it bounds the recursion. */
#define SMTK_MAX_DEPTH 64
#define SMTK_PATH_MAX 4096

struct reader {
  int fd;
  int failed; /* a read error or invalid JSON was seen */
  size_t pos;
  size_t len;
  unsigned char buf[4096];
};

/* Returns the next byte, or -1 at end of file or on a read error (which also sets failed). */
static int peek(struct reader *r) {
  if (r->pos < r->len) {
    return r->buf[r->pos];
  }
  if (r->failed) {
    return -1;
  }
  for (;;) {
    ssize_t n = read(r->fd, r->buf, sizeof r->buf);
    if (n > 0) {
      r->pos = 0;
      r->len = (size_t)n;
      return r->buf[0];
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      r->failed = 1;
    }
    return -1;
  }
}

static int next(struct reader *r) {
  int c = peek(r);
  if (c >= 0) {
    r->pos++;
  }
  return c;
}

static void skip_ws(struct reader *r) {
  for (;;) {
    int c = peek(r);
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return;
    }
    r->pos++;
  }
}

static int expect(struct reader *r, int want) {
  if (next(r) != want) {
    r->failed = 1;
    return 0;
  }
  return 1;
}

static int hex_digit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int read_hex4(struct reader *r) {
  int value = 0;
  for (int i = 0; i < 4; i++) {
    int d = hex_digit(next(r));
    if (d < 0) {
      r->failed = 1;
      return -1;
    }
    value = value * 16 + d;
  }
  return value;
}

/*
 * Parses a JSON string (the opening quote is next) and decodes it into out (UTF-8). out may be NULL to
 * only validate. *out_len gets the decoded length, or SMTK_MAX_NAME + 1 if it did not fit; *has_nul is
 * set when the string contains U+0000, which no C string can carry. Returns 0 when the JSON is invalid.
 */
static int parse_string(struct reader *r, char *out, size_t *out_len, int *has_nul) {
  size_t n = 0;
  int overflow = 0;
  *has_nul = 0;
  if (!expect(r, '"')) {
    return 0;
  }
  for (;;) {
    int c = next(r);
    unsigned char bytes[4];
    size_t count = 0;
    if (c < 0 || c < 0x20) {
      r->failed = 1;
      return 0;
    }
    if (c == '"') {
      break;
    }
    if (c != '\\') {
      bytes[count++] = (unsigned char)c;
    } else {
      int e = next(r);
      long cp;
      switch (e) {
        case '"': case '\\': case '/': bytes[count++] = (unsigned char)e; break;
        case 'b': bytes[count++] = '\b'; break;
        case 'f': bytes[count++] = '\f'; break;
        case 'n': bytes[count++] = '\n'; break;
        case 'r': bytes[count++] = '\r'; break;
        case 't': bytes[count++] = '\t'; break;
        case 'u':
          cp = read_hex4(r);
          if (cp < 0) {
            return 0;
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            long low;
            if (!expect(r, '\\') || !expect(r, 'u')) {
              return 0;
            }
            low = read_hex4(r);
            if (low < 0xDC00 || low > 0xDFFF) {
              r->failed = 1;
              return 0;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            r->failed = 1;
            return 0;
          }
          if (cp == 0) {
            *has_nul = 1;
          }
          if (cp < 0x80) {
            bytes[count++] = (unsigned char)cp;
          } else if (cp < 0x800) {
            bytes[count++] = (unsigned char)(0xC0 | (cp >> 6));
            bytes[count++] = (unsigned char)(0x80 | (cp & 0x3F));
          } else if (cp < 0x10000) {
            bytes[count++] = (unsigned char)(0xE0 | (cp >> 12));
            bytes[count++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            bytes[count++] = (unsigned char)(0x80 | (cp & 0x3F));
          } else {
            bytes[count++] = (unsigned char)(0xF0 | (cp >> 18));
            bytes[count++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            bytes[count++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            bytes[count++] = (unsigned char)(0x80 | (cp & 0x3F));
          }
          break;
        default:
          r->failed = 1;
          return 0;
      }
    }
    for (size_t i = 0; i < count; i++) {
      if (n < SMTK_MAX_NAME) {
        if (out != NULL) {
          out[n] = (char)bytes[i];
        }
        n++;
      } else {
        overflow = 1;
      }
    }
  }
  if (out != NULL) {
    out[n] = '\0';
  }
  *out_len = overflow ? SMTK_MAX_NAME + 1 : n;
  return 1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* Validates a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(struct reader *r) {
  if (peek(r) == '-') r->pos++;
  if (peek(r) == '0') {
    r->pos++;
  } else if (is_digit(peek(r))) {
    while (is_digit(peek(r))) r->pos++;
  } else {
    r->failed = 1;
    return 0;
  }
  if (peek(r) == '.') {
    r->pos++;
    if (!is_digit(peek(r))) { r->failed = 1; return 0; }
    while (is_digit(peek(r))) r->pos++;
  }
  if (peek(r) == 'e' || peek(r) == 'E') {
    r->pos++;
    if (peek(r) == '+' || peek(r) == '-') r->pos++;
    if (!is_digit(peek(r))) { r->failed = 1; return 0; }
    while (is_digit(peek(r))) r->pos++;
  }
  return 1;
}

static int parse_literal(struct reader *r, const char *word) {
  for (const char *p = word; *p != '\0'; p++) {
    if (!expect(r, *p)) {
      return 0;
    }
  }
  return 1;
}

static int parse_value(struct reader *r, int depth);

static int parse_container(struct reader *r, int depth, int close, int is_object) {
  r->pos++; /* the opening bracket */
  if (depth >= SMTK_MAX_DEPTH) {
    r->failed = 1;
    return 0;
  }
  skip_ws(r);
  if (peek(r) == close) {
    r->pos++;
    return 1;
  }
  for (;;) {
    skip_ws(r);
    if (is_object) {
      size_t ignored_len;
      int ignored_nul;
      if (!parse_string(r, NULL, &ignored_len, &ignored_nul)) return 0;
      skip_ws(r);
      if (!expect(r, ':')) return 0;
    }
    if (!parse_value(r, depth + 1)) return 0;
    skip_ws(r);
    int c = next(r);
    if (c == close) return 1;
    if (c != ',') {
      r->failed = 1;
      return 0;
    }
  }
}

static int parse_value(struct reader *r, int depth) {
  size_t ignored_len;
  int ignored_nul;
  skip_ws(r);
  switch (peek(r)) {
    case '{': return parse_container(r, depth, '}', 1);
    case '[': return parse_container(r, depth, ']', 0);
    case '"': return parse_string(r, NULL, &ignored_len, &ignored_nul);
    case 't': return parse_literal(r, "true");
    case 'f': return parse_literal(r, "false");
    case 'n': return parse_literal(r, "null");
    default: return parse_number(r);
  }
}

/*
 * Reads the top-level object and copies the last top-level "current_host" string into host.
 * Returns 1 only when the whole document is valid JSON and that value is a usable host name.
 */
static int read_current_host(int fd, char host[SMTK_MAX_NAME + 1]) {
  static const char wanted[] = "current_host";
  struct reader r;
  char key[SMTK_MAX_NAME + 1];
  int found = 0;
  r.fd = fd;
  r.failed = 0;
  r.pos = 0;
  r.len = 0;

  skip_ws(&r);
  if (!expect(&r, '{')) return 0;
  skip_ws(&r);
  if (peek(&r) == '}') {
    r.pos++;
  } else {
    for (;;) {
      size_t key_len;
      int key_nul;
      skip_ws(&r);
      if (!parse_string(&r, key, &key_len, &key_nul)) return 0;
      skip_ws(&r);
      if (!expect(&r, ':')) return 0;
      skip_ws(&r);
      int is_wanted = !key_nul && key_len == sizeof wanted - 1 && memcmp(key, wanted, key_len) == 0;
      if (is_wanted && peek(&r) == '"') {
        size_t len;
        int has_nul;
        if (!parse_string(&r, host, &len, &has_nul)) return 0;
        /* An empty, NUL-carrying or over-long value is not a host name: fall back, as if absent. */
        found = len > 0 && len <= SMTK_MAX_NAME && !has_nul;
      } else {
        if (is_wanted) {
          found = 0; /* a later non-string value replaces an earlier string, as in a JSON parser */
        }
        if (!parse_value(&r, 1)) return 0;
      }
      skip_ws(&r);
      int c = next(&r);
      if (c == '}') break;
      if (c != ',') return 0;
    }
  }
  skip_ws(&r);
  if (peek(&r) != -1 || r.failed) return 0; /* trailing garbage or a read error */
  return found;
}

/* glibc semantics (misc/gethostname.c): copy min(len, size with NUL); too small is ENAMETOOLONG. */
static int copy_name(char *name, size_t len, const char *host) {
  size_t size = strlen(host) + 1;
  memcpy(name, host, len < size ? len : size);
  if (size > len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

/* What gethostname() returns without the shim: glibc's own gethostname() is uname()'s nodename. */
static int kernel_hostname(char *name, size_t len) {
  struct utsname names;
  if (uname(&names) != 0) {
    return -1;
  }
  return copy_name(name, len, names.nodename);
}

static int config_path(char *path, size_t size) {
  const char *base = getenv("SAGEMAKER_BASE_DIR");
  if (base == NULL || base[0] == '\0') {
    base = SMTK_DEFAULT_BASE_DIR;
  }
  size_t base_len = strlen(base);
  size_t suffix_len = sizeof SMTK_CONFIG_SUFFIX - 1;
  if (base_len + suffix_len + 1 > size) {
    return 0;
  }
  memcpy(path, base, base_len);
  memcpy(path + base_len, SMTK_CONFIG_SUFFIX, suffix_len + 1);
  return 1;
}

int gethostname(char *name, size_t len) {
  int saved_errno = errno;
  char path[SMTK_PATH_MAX];
  char host[SMTK_MAX_NAME + 1];
  int found = 0;

  if (config_path(path, sizeof path)) {
    int fd;
    do {
      fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
      found = read_current_host(fd, host);
      close(fd);
    }
  }
  errno = saved_errno;
  if (!found) {
    return kernel_hostname(name, len);
  }
  return copy_name(name, len, host);
}
