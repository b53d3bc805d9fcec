"""The e-mail check on the transform's hot path (issue 15): before (one hand-written pattern) against after.

    python bench/email_check.py                 # 100,000 addresses
    python bench/email_check.py --count 20000

The addresses mix what exports hold: mostly plain ASCII, some Turkish and German names (non-ASCII local parts and
domains), some typos. Printed: seconds for the old pattern, for ``crm2odoo.emails.is_email`` (a strict fast path,
then the ``email-validator`` library), and for the library alone; the ratios to the old pattern; and how many
addresses each accepts.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable

from crm2odoo.emails import is_email, library_accepts

#: the pattern t_email used before issue 15
_OLD = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\].]{2,}$")

_FIRST = ["ada", "mehmet", "ayşe", "jürgen", "olga", "john", "emma", "çağla", "li", "o'brien"]
_LAST = ["lovelace", "yılmaz", "müller", "smith", "novak", "demir", "brandt", "dubois"]
_DOMAINS = ["example.com", "firma.com.tr", "mail.example.co.uk", "örnek.com.tr", "post.de", "gmail.com"]
_TYPOS = ["{f}.{l}@{d}.", "{f} {l}@{d}", "{f}.{l}@@{d}", "{f}.{l}{d}", "{f}..{l}@{d}", "{f}@localhost"]


def addresses(count: int, seed: int = 15) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for n in range(count):
        first, last, domain = rnd.choice(_FIRST), rnd.choice(_LAST), rnd.choice(_DOMAINS)
        shape = "{f}.{l}{n}@{d}" if rnd.random() > 0.03 else rnd.choice(_TYPOS)
        out.append(shape.format(f=first, l=last, n=n, d=domain))
    return out


def timed(check: Callable[[str], bool], values: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    accepted = sum(1 for v in values if check(v))
    return time.perf_counter() - start, accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    values = addresses(args.count)
    before, before_ok = timed(lambda v: _OLD.match(v) is not None, values)
    after, after_ok = timed(is_email, values)
    library, library_ok = timed(library_accepts, values)
    print(f"{args.count:,} addresses")
    print(f"  before (one pattern)          {before:7.3f} s  accepted {before_ok:,}")
    print(f"  after  (fast path + library)  {after:7.3f} s  accepted {after_ok:,}  ratio {after / before:5.1f}x")
    print(f"  library alone                 {library:7.3f} s  accepted {library_ok:,}  ratio {library / before:5.1f}x")


if __name__ == "__main__":
    main()
