"""Characters no cell may hold, defined once: the validator's cell rule (dpcheck/rules/safe_text.py)
refuses them in every cell, and the grammar of an article text (article_text.py) refuses the
invisible ones in a text, since an excerpt holding one could never be recorded."""

import re

# OWASP's CSV-injection guidance: a text cell may not start with a character a spreadsheet reads
# as a formula (tab and CR are control characters, refused anywhere). Numbers are not text.
FORMULA_START = ("=", "+", "-", "@")
# Characters that hide or reorder what a reader sees: bidirectional controls, zero-width
# characters and the byte order mark, fillers that draw nothing, and the Unicode line and
# paragraph separators. Messages write them as escapes (problems.one_line).
INVISIBLE = {
    **{
        chr(c): "a bidirectional control"
        for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    },
    **{chr(c): "a zero-width character" for c in [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]},
    # characters that draw nothing, so a cell of them alone looks empty but counts as filled
    **{
        chr(c): "an invisible filler character"
        for c in [0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, *range(0x2061, 0x2065), 0x2800, 0x3164, 0xFFA0]
    },
    "\u2028": "the line separator",
    "\u2029": "the paragraph separator",
}

# The same characters as a regular-expression class body (Python's re), for a text's grammar and
# for the report's escapes.
INVISIBLE_CLASS = "".join(re.escape(c) for c in INVISIBLE)
