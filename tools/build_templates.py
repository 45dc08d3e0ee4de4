"""Build each built-in kind's template.docx, template.html and style.css.

The letter wording lives in tools/templatekit/kinds/<kind>.py, once for both
formats. Legal staff who want different wording copy a template folder and
edit the .docx in Word (see `letters templates new`); this script is for the
built-ins.

Usage:  python tools/build_templates.py            # rebuild templates/*/
        python tools/build_templates.py --check    # exit 1 if a built file is stale
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tomllib
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))

from templatekit.blocks import Letter  # noqa: E402
from templatekit.docx_out import build_docx  # noqa: E402
from templatekit.html_out import STYLE_CSS, build_html  # noqa: E402

KINDS = ("goods-payment", "rent", "legal-demand", "overdue-notice", "property-fee")
TEMPLATES = TOOLS.parent / "templates"


def letter_of(kind: str) -> Letter:
    module = importlib.import_module(f"templatekit.kinds.{kind.replace('-', '_')}")
    letter: Letter = module.LETTER
    return letter


def built_files(kind: str) -> dict[str, bytes]:
    """The generated files of one kind, by file name."""
    letter = letter_of(kind)
    meta = tomllib.loads((TEMPLATES / kind / "template.toml").read_text(encoding="utf-8"))
    return {
        "template.docx": build_docx(letter, meta["title"]),
        "template.html": build_html(letter).encode(),
        "style.css": STYLE_CSS.encode(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="only check that built files are current"
    )
    parser.add_argument("kinds", nargs="*", default=list(KINDS))
    args = parser.parse_args(argv)
    stale = []
    for kind in args.kinds:
        for name, data in built_files(kind).items():
            target = TEMPLATES / kind / name
            if target.exists() and target.read_bytes() == data:
                continue
            if args.check:
                stale.append(str(target))
            else:
                target.write_bytes(data)
                print(f"wrote {target.relative_to(TEMPLATES.parent)}")
    if stale:
        print("stale (run python tools/build_templates.py):\n  " + "\n  ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
