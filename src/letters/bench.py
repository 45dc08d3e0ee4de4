"""Benchmarks of batch rendering, each against its baseline in the same run.

    python -m letters.bench                      # everything, the batch at 1,000 and 10,000 letters
    python -m letters.bench --batch 200,2000     # smaller batches
    python -m letters.bench --no-batch           # the per-letter comparisons only

Timings on a shared machine are noisy, so every figure is the median of
several rounds over the bundled sample letters, measured side by side with its
baseline, and what is printed is the ratio:

- PDF: the fast path (prepared Core fonts) vs the same letter with Latin-only
  text and fonts (every CJK character replaced by two Latin letters, the fonts
  by DejaVu; same template, same WeasyPrint) — target at most 1.5x; and vs
  WeasyPrint with the system CJK fonts (the reference path).
- DOCX: the compiled template vs plain docxtpl load-render-save, with the
  document text checked identical — target at least 10x.
- LibreOffice headless DOCX to PDF, when installed: start-up and per letter.
- Batch: ``letters render`` on generated overdue notices (DOCX + PDF, all
  cores) — wall time, letters per minute, and peak memory (proportional set
  size of the whole process tree, sampled) at each size — target 10,000
  letters in under 10 minutes on 2 cores with flat memory.

Not a test: nothing here fails; it prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from letters.calendar import ChineseCalendar
from letters.cases.load import read_rows
from letters.cases.validate import build_cases
from letters.model import Case
from letters.render.context import build_letter_data
from letters.templates.registry import TemplateRegistry, TemplateSpec, builtin_templates_dir

KINDS = ("goods-payment", "rent", "legal-demand", "overdue-notice", "property-fee")
TODAY = date(2026, 11, 22)
_WIDE = re.compile(r"[\u2e80-\uffff\U00020000-\U0003ffff]")
_LATIN = "etaoinshrdlucmfwyp"


def samples_dir() -> Path:
    return builtin_templates_dir().parent / "samples"


def sample_cases(spec: TemplateSpec) -> list[Case]:
    cases = []
    for path in sorted(samples_dir().glob(f"{spec.id}[._]*")):
        rows, problems = read_rows(path, spec.schema)
        cases.extend(build_cases(rows, spec.schema, today=TODAY, file_problems=problems).cases)
    return cases


def contexts(spec: TemplateSpec) -> list[dict[str, Any]]:
    calendar = ChineseCalendar()
    return [
        build_letter_data(
            case, spec, letter_no=spec.format_letter_no(2026, n + 1), calendar=calendar
        ).context
        for n, case in enumerate(sample_cases(spec))
    ]


def _interleaved(
    variants: dict[str, Callable[[Any], object]], inputs: list[Any], rounds: int
) -> dict[str, float]:
    """Median milliseconds per input of each variant, run side by side (so that
    the machine's load falls on all of them alike)."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for work in variants.values():
        work(inputs[0])  # warm up: font loading, template compiling
    for _ in range(rounds):
        for item in inputs:
            for name, work in variants.items():
                started = time.perf_counter()
                work(item)
                times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


# ------------------------------------------------------------------ PDF


def latin(value: Any) -> Any:
    """The same text in Latin letters: each CJK or full-width character becomes
    two letters, a space after about every third (Latin text needs spaces to
    break lines). The same character always maps alike, so comparisons inside
    the template (``== '连带责任保证'``) still hold."""
    if isinstance(value, str):
        return _WIDE.sub(
            lambda m: (
                _LATIN[ord(m[0]) % 18]
                + _LATIN[ord(m[0]) // 18 % 18]
                + (" " if ord(m[0]) % 3 == 0 else "")
            ),
            value,
        )
    if isinstance(value, dict):
        return {k: latin(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [latin(v) for v in value]
    return value


def latin_template(spec: TemplateSpec, folder: Path) -> TemplateSpec:
    """A copy of ``spec`` in ``folder`` with Latin text and Latin fonts only."""
    target = folder / spec.id
    shutil.copytree(spec.directory, target)
    html = target / "template.html"
    html.write_text(latin(html.read_text(encoding="utf-8")), encoding="utf-8")
    css = (target / "style.css").read_text(encoding="utf-8")
    css = re.sub(r'font-family: "Noto Serif[^;]*;', 'font-family: "DejaVu Serif";', css)
    css = re.sub(r'font-family: "Noto Sans[^;]*;', 'font-family: "DejaVu Sans";', css)
    (target / "style.css").write_text(latin(css), encoding="utf-8")
    return replace(spec, directory=target)


def bench_pdf(specs: list[TemplateSpec], rounds: int, folder: Path) -> dict[str, Any]:
    from letters.render.fonts import prepare_fonts
    from letters.render.pdf import PdfRenderer

    fonts = prepare_fonts()
    results = {}
    for spec in specs:
        items = contexts(spec)
        fast, system = PdfRenderer(spec, fonts=fonts), PdfRenderer(spec, fonts=())
        latin_renderer = PdfRenderer(latin_template(spec, folder), fonts=())
        latin_items = {id(c): latin(c) for c in items}

        def latin_only(
            context: dict[str, Any],
            renderer: PdfRenderer = latin_renderer,
            texts: dict[int, Any] = latin_items,
        ) -> bytes:
            return renderer.render(texts[id(context)])

        ms = _interleaved(
            {"fast": fast.render, "latin": latin_only, "system": system.render}, items, rounds
        )
        results[spec.id] = ms
        print(
            f"  {spec.id:15} fast {ms['fast']:6.0f} ms   Latin-only {ms['latin']:6.0f} ms   "
            f"system fonts {ms['system']:6.0f} ms   fast/Latin {ms['fast'] / ms['latin']:.2f}x   "
            f"system/fast {ms['system'] / ms['fast']:.2f}x",
            flush=True,
        )
    return results


# ------------------------------------------------------------------ DOCX


def bench_docx(specs: list[TemplateSpec], rounds: int) -> dict[str, Any]:
    from docxtpl import DocxTemplate

    from letters.render.docx import DocxRenderer, docx_text
    from letters.render.environment import make_environment

    results = {}
    for spec in specs:
        items = contexts(spec)
        compiled = DocxRenderer(spec)

        def plain(
            context: dict[str, Any],
            spec: TemplateSpec = spec,
            environment: Any = make_environment(),  # noqa: B008 (one per kind, as the renderer)
        ) -> bytes:
            import io

            template = DocxTemplate(str(spec.docx_path))
            template.render(context, jinja_env=environment, autoescape=True)
            buffer = io.BytesIO()
            template.save(buffer)
            return buffer.getvalue()

        same = all(docx_text(compiled.render(c)) == docx_text(plain(c)) for c in items)
        ms = _interleaved({"compiled": compiled.render, "docxtpl": plain}, items, rounds)
        ms["identical_text"] = same
        results[spec.id] = ms
        print(
            f"  {spec.id:15} compiled {ms['compiled']:5.1f} ms   docxtpl {ms['docxtpl']:5.1f} ms   "
            f"docxtpl/compiled {ms['docxtpl'] / ms['compiled']:.1f}x   "
            f"text identical: {'yes' if same else 'NO'}",
            flush=True,
        )
    return results


# ------------------------------------------------------------------ LibreOffice


def bench_libreoffice(spec: TemplateSpec, folder: Path, letters: int = 10) -> dict[str, Any]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("  LibreOffice not installed: skipped")
        return {}
    from letters.render.docx import DocxRenderer

    renderer = DocxRenderer(spec)
    items = contexts(spec)
    sources = folder / "lo-in"
    sources.mkdir()
    for n in range(letters):
        (sources / f"letter{n:03d}.docx").write_bytes(renderer.render(items[n % len(items)]))
    profile = folder / "lo-profile"

    def convert(files: list[Path]) -> float:
        out = folder / f"lo-out-{len(files)}"
        started = time.perf_counter()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started

    files = sorted(sources.iterdir())
    convert(files[:1])  # first start creates the profile
    one = convert(files[:1])
    many = convert(files)
    per_letter = (many - one) / (len(files) - 1) * 1000
    print(
        f"  {spec.id}: start-up and one letter {one * 1000:.0f} ms, "
        f"then {per_letter:.0f} ms per letter",
        flush=True,
    )
    return {"first_letter_ms": one * 1000, "per_letter_ms": per_letter}


# ------------------------------------------------------------------ the batch


OVERDUE_COLUMNS = (
    "case_id",
    "issue_date",
    "creditor_name",
    "creditor_id_no",
    "creditor_address",
    "contact_person",
    "contact_phone",
    "debtor_name",
    "debtor_id_no",
    "debtor_address",
    "debtor_attention",
    "debtor_phone",
    "contract_name",
    "contract_no",
    "contract_date",
    "loan_amount",
    "loan_date",
    "loan_maturity_date",
    "overdue_since",
    "amounts_as_of",
    "overdue_principal",
    "overdue_interest",
    "penalty_interest",
    "compound_interest",
    "deadline_days",
    "payee_name",
    "payee_bank",
    "payee_account",
    "guarantor_name",
    "guarantor_id_no",
    "guarantor_address",
    "guarantee_type",
    "guarantee_contract_no",
)


def write_batch_input(path: Path, letters: int) -> None:
    """An .xlsx of ``letters`` overdue notices (one row per guarantor), varied from the samples."""
    from openpyxl import Workbook

    data = json.loads((samples_dir() / "overdue-notice.json").read_text(encoding="utf-8"))
    samples = data["cases"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(OVERDUE_COLUMNS)
    for n in range(letters):
        case = dict(samples[n % len(samples)])
        case["case_id"] = f"BIG-{n + 1:06d}"
        case["debtor_phone"] = f"1380000{n % 10000:04d}"
        principal = float(str(case["overdue_principal"]).replace(",", ""))
        case["overdue_principal"] = f"{principal + n % 997 / 100:.2f}"
        guarantors = case.pop("guarantors", None) or [{}]
        for number, guarantor in enumerate(guarantors):
            row = {**(case if number == 0 else {"case_id": case["case_id"]}), **guarantor}
            sheet.append([row.get(name) for name in OVERDUE_COLUMNS])
    workbook.save(path)


def _tree(pid: int) -> Iterator[int]:
    yield pid
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return
    for child in children:
        yield from _tree(int(child))


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match[1]) if match else 0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime, fields 14 and 15 of proc(5), counted from the state field (3).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_batch_once(letters: int, folder: Path, jobs: int | None) -> dict[str, Any]:
    work = folder / f"batch-{letters}"
    work.mkdir()
    cases = work / "big.xlsx"
    write_batch_input(cases, letters)
    command = [
        sys.executable,
        "-m",
        "letters",
        "render",
        str(cases),
        "--template",
        "overdue-notice",
        "--out",
        str(work / "out"),
        "--db",
        str(work / "letters.db"),
        "--issue-date",
        TODAY.isoformat(),
        "--quiet",
    ]
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_kb = 0
    cpu: dict[int, float] = {}  # by process, as last seen (recycled workers are gone later)
    while process.poll() is None:
        pids = list(_tree(process.pid))
        peak_kb = max(peak_kb, sum(_pss_kb(pid) for pid in pids))
        for pid in pids:
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
        time.sleep(0.25)
    elapsed = time.perf_counter() - started
    cpu_seconds = sum(cpu.values())
    _, errors = process.communicate()
    if process.returncode != 0:
        print(errors[-2000:], file=sys.stderr)
    rendered = len(list((work / "out").glob("*.pdf")))
    result = {
        "letters": letters,
        "rendered": rendered,
        "seconds": elapsed,
        "letters_per_minute": rendered / elapsed * 60,
        "peak_memory_mb": peak_kb / 1024,
        "cpu_seconds": cpu_seconds,
        "exit_code": process.returncode,
    }
    print(
        f"  {letters:6d} letters: {elapsed:7.1f} s ({result['letters_per_minute']:.0f} letters/min, "
        f"{elapsed / max(rendered, 1) * 1000:.0f} ms per letter), CPU {cpu_seconds:.0f} s "
        f"({cpu_seconds / max(rendered, 1) * 1000:.0f} ms per letter), peak memory "
        f"{peak_kb / 1024:.0f} MB (all processes, PSS); exit {process.returncode}",
        flush=True,
    )
    shutil.rmtree(work / "out", ignore_errors=True)
    return result


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m letters.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the sample letters")
    parser.add_argument(
        "--batch",
        default="1000,10000",
        help="batch sizes to run, comma-separated (default 1000,10000)",
    )
    parser.add_argument("--no-batch", action="store_true", help="skip the batch runs")
    parser.add_argument("--jobs", type=int, help="workers for the batch (default: all cores)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="letter kinds to measure")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    registry = TemplateRegistry()
    specs = [registry.get(kind) for kind in args.kinds.split(",")]
    results: dict[str, Any] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="letters-bench-") as temp:
        folder = Path(temp)
        print(f"PDF per letter (median of {args.rounds} rounds over the samples):", flush=True)
        results["pdf"] = bench_pdf(specs, args.rounds, folder)
        print("DOCX per letter:", flush=True)
        results["docx"] = bench_docx(specs, args.rounds)
        print("LibreOffice headless DOCX → PDF:", flush=True)
        results["libreoffice"] = bench_libreoffice(registry.get("overdue-notice"), folder)
        if not args.no_batch:
            print(
                f"Batch: letters render, overdue-notice, DOCX + PDF, "
                f"{args.jobs or 'all'} of {os.cpu_count()} cores:",
                flush=True,
            )
            sizes = [int(size) for size in args.batch.split(",") if size]
            results["batch"] = [run_batch_once(size, folder, args.jobs) for size in sizes]
    _print_summary(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _print_summary(results: dict[str, Any]) -> None:
    pdf = results["pdf"]
    fast_latin = [v["fast"] / v["latin"] for v in pdf.values()]
    system_fast = [v["system"] / v["fast"] for v in pdf.values()]
    docx = results["docx"]
    speedup = [v["docxtpl"] / v["compiled"] for v in docx.values()]
    print("\nSummary (ratios measured side by side in this run):")
    print(
        f"  PDF  Chinese (fast) / same letter Latin-only: {min(fast_latin):.2f}x - "
        f"{max(fast_latin):.2f}x (target <= 1.5x)"
    )
    print(f"  PDF  system CJK fonts / fast: {min(system_fast):.2f}x - {max(system_fast):.2f}x")
    print(
        f"  DOCX plain docxtpl / compiled: {min(speedup):.1f}x - {max(speedup):.1f}x "
        f"(target >= 10x); text identical: "
        f"{'yes' if all(v['identical_text'] for v in docx.values()) else 'NO'}"
    )
    lo = results.get("libreoffice")
    if lo:
        fast_ms = statistics.median(v["fast"] for v in pdf.values())
        print(
            f"  LibreOffice per letter / fast PDF: {lo['per_letter_ms'] / fast_ms:.2f}x "
            f"(plus {lo['first_letter_ms'] / 1000:.1f} s start-up)"
        )
    for run in results.get("batch", []):
        minutes = run["seconds"] / 60
        projected = run["seconds"] / max(run["rendered"], 1) * 10000 / 60
        # What the CPU time needs on this many otherwise idle cores.
        idle = run["cpu_seconds"] / max(run["rendered"], 1) * 10000 / (results["cpus"] or 1) / 60
        print(
            f"  batch {run['letters']}: {minutes:.1f} min ({projected:.1f} min per 10,000 as "
            f"measured; {idle:.1f} min from the CPU time on {results['cpus']} idle cores; "
            f"target < 10), peak memory {run['peak_memory_mb']:.0f} MB"
        )
    runs = results.get("batch", [])
    if len(runs) >= 2:
        print(
            f"  memory {runs[-1]['letters']} / {runs[0]['letters']} letters: "
            f"{runs[-1]['peak_memory_mb'] / max(runs[0]['peak_memory_mb'], 1):.2f}x (flat = 1.0)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
