"""Hostile text used by the trust tests: every payload a name could carry.

Each script payload sets ``window.__pwned`` if it ever runs, so a browser test
can tell "shown as text" from "ran".  Each server-side template payload, if it is
ever evaluated (folium rendered map output as Jinja: issue 30), leaves text that
:data:`EVALUATED` finds and that the payload itself does not contain.
"""

import re

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

# Server-side templates (Jinja through folium/branca, and other engines' syntax), plain
# and encoded.  Evaluated, the first ones give "yvmssti" (a word no payload holds) and
# the issue's own payload runs `id` ("uid=0(root) ..."); the broken ones raised
# TemplateSyntaxError (a 500) instead of showing.
TEMPLATE_PAYLOADS = [
    "{{ 'yvm' ~ 'ssti' }}",
    "{% if true %}{{ 'yvm' ~ 'ssti' }}{% endif %}",
    "Library {{lipsum.__globals__.os.popen(dict(id=1)|first).read()}}",
    "{% set x = 'yvm' ~ 'ssti' %}{{ x }}{# note #}",
    "{{7*7}} ${7*7} #{7*7} <%= 7*7 %> {{= 7*7 }}",
    "{% raw %}{{ broken",                                    # syntax error on a 2nd pass
    "}}{%endif%}{{",                                         # closes and opens nothing
    "&#123;&#123; 'yvm' ~ 'ssti' &#125;&#125;",              # HTML entities
    "%7B%7B 'yvm' ~ 'ssti' %7D%7D",                          # URL-encoded
    "\\u007b\\u007b 'yvm' ~ 'ssti' \\u007d\\u007d",              # JavaScript escapes
]
PAYLOADS += TEMPLATE_PAYLOADS

# What an evaluated template payload leaves behind.
EVALUATED = re.compile(r"yvmssti|uid=\d+\(")

LONG = "L" * 10_000


def hostile(i: int) -> str:
    """The i-th payload with a short readable prefix (so names stay distinct)."""
    return f"H{i} " + PAYLOADS[i % len(PAYLOADS)]
