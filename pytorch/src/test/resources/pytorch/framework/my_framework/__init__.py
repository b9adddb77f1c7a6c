"""A framework container's Python package, written the way the Python toolkit's guide teaches (tests)."""
