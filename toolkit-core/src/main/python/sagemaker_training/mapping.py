"""Python's own renderings of arbitrary values as SM_* variables and command-line arguments.

These helpers take any Python mapping a framework or script builds, so they are written with Python's
own str() and json.dumps; the job's contract itself (Environment.to_env_vars/to_cmd_args) is rendered
by smtk's Java core and only read here.
"""
import collections.abc
import json

SplitResultSpec = collections.namedtuple("SplitResultSpec", "included excluded")


def to_env_vars(mapping):
    """Returns {"SM_<KEY>": value} with the toolkit's rules: str kept, None empty, others as JSON."""

    def format_key(key):
        return "SM_%s" % str(key).upper() if key else ""

    def format_value(value):
        if isinstance(value, bytes):
            return value.decode("latin1")
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    return {format_key(k): format_value(v) for k, v in mapping.items()}


def to_cmd_args(mapping):
    """Returns ["--key", "value", ...] sorted by key, with Python's str() of each value."""
    sorted_keys = sorted(mapping.keys())

    def arg_name(obj):
        string = _decode(obj)
        if string:
            return "--%s" % string if len(string) > 1 else "-%s" % string
        return ""

    arg_names = [arg_name(argument) for argument in sorted_keys]

    def arg_value(value):
        if hasattr(value, "items"):
            return ",".join("%s=%s" % (k, v) for k, v in sorted(value.items()))
        return _decode(value)

    arg_values = [arg_value(mapping[key]) for key in sorted_keys]
    items = zip(arg_names, arg_values)
    return [item for item in _flatten(items)]


def split_by_criteria(dictionary, keys=None, prefix=None):
    """Splits a dict into the items whose key is in keys or starts with prefix, and the others."""
    keys = keys or []
    keys = set(keys)
    included_items = {
        k: dictionary[k] for k in dictionary.keys() if k in keys or (prefix and k.startswith(prefix))}
    excluded_items = {k: dictionary[k] for k in dictionary.keys() if k not in included_items}
    return SplitResultSpec(included=included_items, excluded=excluded_items)


def _decode(obj):
    if obj is None:
        return ""
    if isinstance(obj, bytes):
        return obj.decode("latin1")
    return str(obj)


def _flatten(items):
    for pair in items:
        for item in pair:
            yield item
