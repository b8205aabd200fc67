"""The README's screenshot of a review page (docs/review.png): a part of the page of NKX019-102.

Drives headless Chromium with the DevTools-pipe driver of the browser tests
(``tests/chromium_cdp.py``): ``chromium --screenshot`` draws a blank page when it is scrolled
to a fragment, so the part is clipped from the whole page instead::

    python scripts/review_screenshot.py docs/review.png
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from chromium_cdp import Browser, find_chromium

from nlp import default_source, parse_text
from nlp.export.html import review_page


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", type=Path)
    ap.add_argument(
        "--at",
        default='.row:has(.card[data-criterion="exc.3"])',
        help="CSS selector of the element at the top (default: the row of exclusion 3)",
    )
    ap.add_argument("--width", type=int, default=1100)
    ap.add_argument("--height", type=int, default=700)
    args = ap.parse_args()
    exe = find_chromium()
    if exe is None:
        sys.exit("no Chromium found (install Debian's chromium, or set ELIGO_CHROMIUM)")
    name, content = default_source()
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "NKX019-102.html"
        page.write_text(review_page(parse_text(content, source=name)), encoding="utf-8")
        browser = Browser(exe, width=args.width, height=args.height)
        try:
            browser.load(page)
            top = browser.evaluate(
                f"document.querySelector({args.at!r}).getBoundingClientRect().top + scrollY"
            )
            clip = {"x": 0, "y": top - 8, "width": args.width, "height": args.height, "scale": 1}
            shot = browser.send(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True, "clip": clip},
                session=True,
            )
        finally:
            browser.close()
    args.output.write_bytes(base64.b64decode(shot["data"]))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
