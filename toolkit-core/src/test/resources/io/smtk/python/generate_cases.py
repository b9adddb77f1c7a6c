"""Regenerates the Python ground truth the io.smtk.python tests compare against.

Run from this directory with CPython 3.11: python3 generate_cases.py
The seed is fixed, so the same interpreter writes the same files.
"""
import json
import math
import random
import re
import struct

random.seed(20240601)


def bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def float_cases():
    xs = []
    for _ in range(300):  # any bit pattern
        x = struct.unpack("<d", struct.pack("<Q", random.getrandbits(64)))[0]
        if math.isfinite(x):
            xs.append(x)
    for _ in range(150):  # short decimals of every magnitude
        xs.append(float("%de%d" % (random.randint(1, 10 ** random.randint(1, 17)), random.randint(-330, 310))))
    for _ in range(150):  # whole numbers, up to past 2**53
        xs.append(float(random.randint(1, 10 ** random.randint(1, 25))))
    for _ in range(150):  # next to powers of two, where the rounding interval is lopsided
        x = 2.0 ** random.randint(-1074, 1023)
        xs.append(x)
        xs.append(math.nextafter(x, random.choice([0.0, math.inf])))
    for _ in range(100):
        xs.append(random.uniform(-1e6, 1e6))
    return ["%s %s" % (bits(x), repr(x)) for x in xs]


# A fixed alphabet (not random code points), so the ground truth does not depend on which
# Unicode version the JDK and Python know: every character here has had the same category since
# Unicode 13.
ALPHABET = (
    [chr(c) for c in range(0x20, 0x7F)] * 3
    + list("'\"\\/\n\r\t\b\f\x00\x1f\x7f\x80\x9f")
    + list("\u00a0\u00ad\u00e9\u00fc\u00ff\u0100\u0378\u03a9\u2028\u2029\u200b\u3000\u65e5\u672c\u8a9e\ue000\ufeff\uffff")
    + ["\U0001F680", "\U0001D11E", "\U000E0001", "\U0010FFFF", "\U000F0000", "\ud800", "\udfff", "\udbff"]
)


def rstr():
    return "".join(random.choice(ALPHABET) for _ in range(random.randint(0, 6)))


def rnum():
    r = random.random()
    if r < 0.3:
        return random.randint(-1000, 1000)
    if r < 0.45:
        return random.randint(-10 ** random.randint(1, 40), 10 ** random.randint(1, 40))
    if r < 0.8:
        return random.choice([random.uniform(-1e3, 1e3), random.random() * 10 ** random.randint(-30, 30),
                              float("%de%d" % (random.randint(1, 999), random.randint(-20, 25)))])
    if r < 0.9:
        return random.choice([0.0, -0.0, 1e16, 1e-5, 0.1, 5e-324, 1.7976931348623157e308])
    return random.choice([float("nan"), float("inf"), float("-inf")])


def rval(depth=0):
    r = random.random()
    if depth > 2 or r < 0.5:
        return random.choice([rstr, rnum, rnum, lambda: None, lambda: True, lambda: False])()
    if r < 0.75:
        return [rval(depth + 1) for _ in range(random.randint(0, 3))]
    return {rstr(): rval(depth + 1) for _ in range(random.randint(0, 3))}


def render(v):
    kw = random.choice([{}, {"indent": 1}, {"separators": (",", ":")}, {"ensure_ascii": False}])
    s = json.dumps(v, **kw)
    if random.random() < 0.2:
        s = random.choice([" ", "\n", "\t", "\r\n"]) + s + random.choice([" ", "\n ", "\t", ""])
    return s


def mutate(s):
    if not s:
        return s
    i = random.randrange(len(s))
    junk = random.choice(list("{}[]\",:01-+.eE \\tnufINa\x00\n'") + ["\u00e9", "\U0001F680", "null", "NaN", "\\u", "\\ud800"])
    op = random.random()
    if op < 0.33:
        return s[:i] + s[i + 1:]
    if op < 0.66:
        return s[:i] + junk + s[i:]
    return s[:i] + junk + s[i + 1:]


def strings_of(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings_of(x)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings_of(x)


def splits_pair(s):
    # Python keeps a lone high and a lone low surrogate apart; a Java String cannot, so such
    # documents are left out.
    return re.search("[\ud800-\udbff][\udc00-\udfff]", s) is not None


def json_cases():
    docs = []
    while len(docs) < 400:
        s = render(rval())
        docs.append(s)
        for _ in range(random.randint(1, 3)):
            s = mutate(s)
        docs.append(s)
    out = []
    for s in docs:
        case = {"in": s}
        try:
            v = json.loads(s)
            case["dumps"] = json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
            case["str"] = str(v)
            case["repr"] = repr(v)
            texts = [s, case["str"], *strings_of(v)]
        except json.JSONDecodeError as e:
            case["error"] = str(e)
            texts = [s]
        if not any(splits_pair(t) for t in texts):
            out.append(json.dumps(case, ensure_ascii=True))
    return out


with open("float-repr.txt", "w") as f:
    f.write("# IEEE 754 bits (hex), then Python 3.11 repr(float); written by generate_cases.py\n")
    f.write("\n".join(float_cases()) + "\n")
with open("json-cases.jsonl", "w") as f:
    f.write("\n".join(json_cases()) + "\n")
