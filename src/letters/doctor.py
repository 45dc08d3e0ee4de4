"""``letters doctor``: what this machine has, what is missing, and how to fix it."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from letters.templates.registry import TemplateRegistry

SETUP_HINT = "run scripts/setup (installs it with apt-get), or: apt-get install -y {packages}"
PDF_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")
WORD_FONT_ALIASES = {"宋体": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warning | missing
    detail: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def _python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    return Check("python", "ok", version)
    return Check("python", "missing", f"{version} is too old", "install Python 3.11 or newer")


def _packages() -> Check:
    missing = []
    for module in (
        "docxtpl",
        "docx",
        "weasyprint",
        "openpyxl",
        "cn2an",
        "chinese_calendar",
        "stdnum",
        "pypdf",
        "rich",
        "cryptography",
        "click",
    ):
        try:
            importlib.import_module(module)
        except Exception as error:  # an import can fail for reasons other than absence
            missing.append(f"{module} ({type(error).__name__})")
    if missing:
        return Check("python packages", "missing", ", ".join(missing), "run scripts/setup")
    return Check("python packages", "ok", "all importable")


def _pango() -> Check:
    try:
        from weasyprint.text.ffi import pango

        version = int(pango.pango_version())
    except Exception as error:
        return Check(
            "pango",
            "missing",
            str(error).splitlines()[0],
            SETUP_HINT.format(packages="libpango-1.0-0 libpangoft2-1.0-0"),
        )
    text = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    if version < 14400:
        return Check(
            "pango",
            "missing",
            f"{text} (WeasyPrint needs 1.44+)",
            SETUP_HINT.format(packages="libpango-1.0-0"),
        )
    return Check("pango", "ok", text)


def _harfbuzz_subset() -> Check:
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

        available = harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0)
    except Exception:
        available = False
    if available:
        return Check("harfbuzz-subset", "ok", "fonts are subset by HarfBuzz")
    return Check(
        "harfbuzz-subset",
        "missing",
        "WeasyPrint falls back to fontTools: one Chinese PDF takes 8-22 s instead of <0.5 s",
        SETUP_HINT.format(packages="libharfbuzz-subset0"),
    )


def _fc(*args: str) -> str:
    if shutil.which("fc-list") is None:
        return ""
    return subprocess.run(args, capture_output=True, text=True, check=False).stdout


def _cjk_fonts() -> Check:
    families = _fc("fc-list", ":lang=zh", "family")
    missing = [f for f in PDF_FONTS if f not in families]
    if missing:
        return Check(
            "CJK fonts",
            "missing",
            f"not installed: {', '.join(missing)} (Chinese would print as boxes)",
            SETUP_HINT.format(packages="fonts-noto-cjk"),
        )
    return Check("CJK fonts", "ok", ", ".join(PDF_FONTS))


def _prepared_fonts() -> Check:
    """The GB2312 subsets PDFs are rendered with (render/fonts.py), cached per machine."""
    from letters.render.fonts import cache_dir, font_status

    statuses = font_status()
    states = {s.state for s in statuses}
    if "no-subsetter" in states:
        return Check(
            "prepared fonts",
            "warning",
            "cannot be prepared without libharfbuzz-subset: PDFs use the full system fonts",
            SETUP_HINT.format(packages="libharfbuzz-subset0"),
        )
    unavailable = [s.detail for s in statuses if s.state == "no-source"]
    if unavailable:
        return Check(
            "prepared fonts",
            "warning",
            "not prepared: " + "; ".join(sorted(set(unavailable))),
            SETUP_HINT.format(packages="fonts-noto-cjk"),
        )
    if states == {"ready"}:
        size = sum(s.path.stat().st_size for s in statuses if s.path is not None) / 1e6
        return Check(
            "prepared fonts", "ok", f"{len(statuses)} faces ready in {cache_dir()} ({size:.0f} MB)"
        )
    return Check(
        "prepared fonts",
        "ok",
        f"not prepared yet: the first PDF render writes them to {cache_dir()} (about 1 s, once)",
    )


def _font_aliases() -> Check:
    wrong = []
    for alias, wanted in WORD_FONT_ALIASES.items():
        matched = _fc("fc-match", "-f", "%{family}", alias)
        if wanted not in matched:
            wrong.append(f"{alias} → {matched.split(',')[0] or 'nothing'}")
    if wrong:
        return Check(
            "Word font aliases",
            "warning",
            "LibreOffice will substitute other fonts: " + "; ".join(wrong),
            "run scripts/setup (installs the fontconfig aliases)",
        )
    return Check("Word font aliases", "ok", "宋体/黑体/仿宋 map to installed CJK fonts")


def _templates() -> Check:
    try:
        specs = TemplateRegistry().all()
    except Exception as error:
        return Check("built-in templates", "missing", str(error), "reinstall from the repository")
    broken = [s.id for s in specs if not (s.docx_path.is_file() and s.html_path.is_file())]
    if not specs or broken:
        return Check(
            "built-in templates",
            "missing",
            f"found {len(specs)}; incomplete: {', '.join(broken) or '-'}",
            "run from a checkout of the repository (templates/ beside src/)",
        )
    return Check("built-in templates", "ok", ", ".join(s.id for s in specs))


def _holiday_data(today: date) -> Check:
    import chinese_calendar

    years = [y for y in range(today.year - 1, today.year + 2) if _covered(chinese_calendar, y)]
    if today.year + 1 in years:
        return Check("holiday data", "ok", f"covers {today.year + 1}")
    if today.year in years:
        return Check(
            "holiday data",
            "warning",
            f"chinesecalendar covers {today.year} but not {today.year + 1}: deadlines in "
            f"{today.year + 1} are printed unrolled and flagged",
            "upgrade chinesecalendar once the State Council publishes the schedule, or pass "
            "--holidays FILE (CSV: date,type with 休息/上班)",
        )
    return Check(
        "holiday data",
        "missing",
        f"no holiday data for {today.year}",
        "upgrade chinesecalendar or pass --holidays FILE",
    )


def _covered(module: object, year: int) -> bool:
    try:
        module.is_workday(date(year, 6, 1))  # type: ignore[attr-defined]
    except NotImplementedError:
        return False
    return True


def _pdf_smoke() -> Check:
    """Render a short Chinese page: proves fonts, Pango and subsetting work together."""
    try:
        from weasyprint import HTML

        started = time.perf_counter()
        pdf = HTML(
            string="<p style=\"font-family: 'Noto Serif CJK SC'\">人民币壹万元整 测试</p>"
        ).write_pdf()
        elapsed = time.perf_counter() - started
    except Exception as error:
        return Check(
            "PDF rendering", "missing", f"{type(error).__name__}: {error}", "see the checks above"
        )
    if pdf is None or not _embeds_fonts(pdf):
        return Check("PDF rendering", "missing", "no font embedded", "install fonts-noto-cjk")
    status = "ok" if elapsed < 3 else "warning"
    return Check(
        "PDF rendering",
        status,
        f"a Chinese page in {elapsed:.2f} s (first render)",
        "" if status == "ok" else "install libharfbuzz-subset0",
    )


def _embeds_fonts(pdf: bytes) -> bool:
    import io

    from pypdf import PdfReader

    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font = reference.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            # The test page uses one font: it is embedded or it is not.
            return bool({"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor))
    return False


def _optional_tool(name: str, command: str, purpose: str, package: str) -> Check:
    path = shutil.which(command)
    if path is None:
        return Check(
            name, "warning", f"not installed (optional: {purpose})", f"apt-get install -y {package}"
        )
    return Check(name, "ok", path)


def _preview_tool() -> Check:
    """pdftoppm draws page 1 of `letters templates preview`; letters render without it."""
    path = shutil.which("pdftoppm")
    if path is None:
        return Check(
            "poppler-utils",
            "warning",
            "pdftoppm not installed: needed by `letters templates preview` for the PNG of page 1",
            SETUP_HINT.format(packages="poppler-utils"),
        )
    return Check("poppler-utils", "ok", f"{path} (templates preview)")


def run_checks(today: date | None = None, *, quick: bool = False) -> list[Check]:
    today = today or date.today()
    checks: list[Callable[[], Check]] = [
        _python,
        _packages,
        _pango,
        _harfbuzz_subset,
        _cjk_fonts,
        _prepared_fonts,
        _font_aliases,
        _templates,
        lambda: _holiday_data(today),
        lambda: _optional_tool(
            "LibreOffice",
            "soffice",
            "DOCX→PDF conversion and DOCX tests",
            "libreoffice-writer-nogui",
        ),
        _preview_tool,
    ]
    if not quick:
        checks.append(_pdf_smoke)
    return [check() for check in checks]
