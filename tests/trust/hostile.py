"""Hostile text used by the trust tests: every payload a name could carry.

Each script payload sets ``window.__pwned`` if it ever runs, so a browser test
can tell "shown as text" from "ran".
"""

PWN = "window.__pwned=1"

PAYLOADS = [
    "${window.__pwned=1}",                                  # template literal
    "`;window.__pwned=1;`",                                  # backtick breakout
    "</script><script>window.__pwned=1</script>",           # end the script
    '"><img src=x onerror="window.__pwned=1">',              # attribute breakout
    "' onmouseover='window.__pwned=1' x='",                 # event handler, single quotes
    "<svg onload=window.__pwned=1>",                         # element with handler
    "javascript:window.__pwned=1",                           # URL scheme
    "\u202eRTL override gnirts",                             # bidi override
    "<!--<script>",                                          # script-data escape state
    "=HYPERLINK(\"http://x\")",                              # CSV formula
]

LONG = "L" * 10_000


def hostile(i: int) -> str:
    """The i-th payload with a short readable prefix (so names stay distinct)."""
    return f"H{i} " + PAYLOADS[i % len(PAYLOADS)]
