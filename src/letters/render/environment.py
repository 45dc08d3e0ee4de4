"""The Jinja environment every template is rendered with.

StrictUndefined: a variable that does not exist is an error, never a blank in
a legal letter. Autoescape: a value such as "A&B<有限公司>" is printed as text
and cannot break the DOCX XML or the HTML.
"""

from __future__ import annotations

from pathlib import Path

import jinja2


def make_environment(directory: Path | None = None) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(directory)) if directory is not None else None
    return jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )
