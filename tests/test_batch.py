"""Large batches: the worker pool, streaming input, parallel and resumed runs
(after a real SIGKILL and a real Ctrl-C), the print file and the mailing list."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from helpers import KINDS, SAMPLES, sample_files, template
from letters.batch.mailing import COLUMNS
from letters.batch.manifest import ManifestWriter
from letters.batch.pool import Pool, PoolSettings
from letters.batch.run import Outcome
from letters.cases.load import read_rows
from letters.cases.stream import CaseFile
from letters.cases.validate import build_cases
from letters.cli import cli
from letters.errors import LettersError
from letters.evidence.registry import Registry
from letters.render.fonts import cache_dir
from letters.render.output import process_alive

HEADER = (
    "案件编号,发函日期,债权人名称,我方联系人,我方联系电话,债务人名称,债务人地址,债务人电话,合同名称,"
    "货物或服务,项目,应付日期,应付金额,已付金额"
)
LETTERS = 10


def case_rows(count: int) -> list[str]:
    return [
        f"C{n:03d},2026-09-24,上海申江机电设备有限公司,王晓明,021-58881234,"
        f"杭州临平华信电子科技有限公司第{n}分公司,浙江省杭州市临平区世纪大道{n}号,"
        f"1380000{n:04d},工业设备买卖合同,数控加工中心,货款,2026-06-30,{1000 + n}.50,0"
        for n in range(1, count + 1)
    ]


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("input") / "cases.csv"
    path.write_text("\n".join([HEADER, *case_rows(LETTERS)]) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def render_args(cases: Path, out: Path, *extra: str) -> list[str]:
    return ["render", str(cases), "-t", "goods-payment", "-o", str(out), *extra]


@pytest.fixture(scope="module")
def reference(batch_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The batch rendered in this process, one letter after another."""
    folder = tmp_path_factory.mktemp("reference")
    out = folder / "out"
    result = run(*render_args(batch_file, out, "--db", str(folder / "l.db"), "--jobs", "1"))
    assert result.exit_code == 0, result.output + result.stderr
    return out


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.suffix in {".docx", ".pdf"} and not p.name.startswith("print")
    }


def assert_log_complete(db: Path, letters: int) -> None:
    """Exactly one letter-issued entry per letter: none lost, none twice."""
    with Registry(db) as registry:
        issued = registry.letters()
        assert len(issued) == letters
        assert all(letter["status"] == "issued" for letter in issued)
        entries = {f["entry_idx"] for letter in issued for f in letter["files"]}
        assert len(entries) == letters
        assert registry.entry_count() == letters


# ------------------------------------------------------------------ the pool


@dataclass(frozen=True)
class Doubler:
    """A worker set-up for pool tests: doubles numbers, dies on ``fatal``."""

    fatal: int | None = None

    def start(self) -> list[int]:
        return []

    def work(self, seen: list[int], task: int) -> tuple[int, int, int]:
        if task == self.fatal:
            os._exit(3)
        seen.append(task)
        return task * 2, os.getpid(), len(seen)

    def stop(self, seen: list[int]) -> None:
        pass


def test_pool_runs_every_task_once_recycles_workers_and_reads_lazily() -> None:
    pulled: list[int] = []
    results: dict[int, tuple[int, int, int]] = {}
    pulled_at_first_result: list[int] = []

    def tasks() -> Iterator[tuple[int, int]]:
        for n in range(30):
            pulled.append(n)
            yield n, n

    def on_result(number: int, task: int, result: tuple[int, int, int]) -> None:
        if not results:
            pulled_at_first_result.append(len(pulled))
        assert number not in results
        results[number] = result

    settings = PoolSettings(jobs=2, tasks_per_worker=4, depth=2)
    Pool(Doubler(), settings, on_result=on_result, on_lost=lambda t, why: (0, 0, 0)).run(tasks())
    assert {n: r[0] for n, r in results.items()} == {n: 2 * n for n in range(30)}
    assert pulled_at_first_result[0] <= 2 * 2 + 1  # bounded: two in flight per worker
    per_process: dict[int, int] = {}
    for _, pid, _ in results.values():
        per_process[pid] = per_process.get(pid, 0) + 1
    assert max(per_process.values()) <= 4  # replaced after four tasks
    assert len(per_process) >= 30 // 4


def test_pool_reports_a_task_whose_worker_dies_and_finishes_the_rest() -> None:
    results: dict[int, object] = {}
    lost: list[tuple[int, str]] = []

    def on_lost(task: int, why: str) -> str:
        lost.append((task, why))
        return "lost"

    def on_result(number: int, task: int, result: object) -> None:
        results[number] = result

    tasks = ((n, n) for n in range(8))
    Pool(Doubler(fatal=5), PoolSettings(jobs=2), on_result=on_result, on_lost=on_lost).run(tasks)
    assert lost == [(5, "the rendering process exited with status 3")]  # tried twice
    assert results[5] == "lost"
    assert {n: r[0] for n, r in results.items() if n != 5} == {  # type: ignore[index]
        n: 2 * n for n in range(8) if n != 5
    }


@dataclass(frozen=True)
class Broken(Doubler):
    def start(self) -> list[int]:
        raise LettersError("template broken", "fix it")


def test_pool_stops_when_workers_cannot_start() -> None:
    pool = Pool(Broken(), PoolSettings(jobs=2), on_result=print, on_lost=print)
    with pytest.raises(LettersError, match="template broken"):
        pool.run(iter([(0, 1)]))


# ------------------------------------------------------------------ streaming input


@pytest.mark.parametrize(
    "path",
    [p for kind in KINDS for p in sample_files(kind)]
    + [SAMPLES / "errors" / "goods-payment-with-mistakes.csv"],
    ids=lambda p: p.name,
)
def test_streamed_cases_and_problems_are_those_of_build_cases(path: Path) -> None:
    kind = next(k for k in KINDS if path.name.startswith(k))
    schema = template(kind).schema
    rows, problems = read_rows(path, schema)
    expected = build_cases(rows, schema, today=date(2026, 11, 22), file_problems=problems)
    source = CaseFile(path, schema, date(2026, 11, 22))
    seen: list[object] = []
    validation = source.validate(seen.append)
    assert [str(p) for p in validation.problems] == [str(p) for p in expected.problems]
    assert seen == expected.cases
    assert [i.case_id for i in validation.invalid] == [i.case_id for i in expected.invalid]
    streamed = [c for c in source if c.case_id not in {i.case_id for i in expected.invalid}]
    assert streamed == expected.cases


def test_rows_of_a_case_may_be_apart(tmp_path: Path) -> None:
    """C1's second invoice comes after C2: C1 is complete only then, and first."""
    path = tmp_path / "cases.csv"
    rows = case_rows(2)
    second_invoice = "C001,,,,,,,,,,货款,2026-07-31,99.00,0"
    path.write_text("\n".join([HEADER, rows[0], rows[1], second_invoice]) + "\n", "utf-8")
    schema = template("goods-payment").schema
    cases = list(CaseFile(path, schema, date(2026, 11, 22)))
    assert [c.case_id for c in cases] == ["C001", "C002"]
    assert len(cases[0].items) == 2


# ------------------------------------------------------------------ whole batches


def test_parallel_batch_is_the_sequential_one_with_print_file_and_mailing_list(
    batch_file: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run(
        *render_args(batch_file, out, "--db", str(tmp_path / "l.db"), "--jobs", "2"),
        "--print-pdf",
        str(out / "print.pdf"),
        "--duplex",
        "--mailing-list",
        str(out / "ems.xlsx"),
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert f"Print file: {out / 'print.pdf'} ({LETTERS} copies" in result.output
    assert f"Mailing list: {out / 'ems.xlsx'} ({LETTERS} rows)." in result.output
    assert digests(out) == digests(reference)
    assert (out / "manifest.json").read_bytes() == (reference / "manifest.json").read_bytes()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [m["case_id"] for m in manifest] == [f"C{n:03d}" for n in range(1, LETTERS + 1)]
    assert_log_complete(tmp_path / "l.db", LETTERS)

    # Print file: the letters in input order, each starting on an odd page.
    printed = PdfReader(out / "print.pdf").pages
    start = 0
    for entry in manifest:
        pages = len(PdfReader(out / entry["files"]["pdf"]).pages)
        assert entry["letter_no"] in printed[start].extract_text()
        if pages % 2:
            assert "/Contents" not in printed[start + pages]  # the blank back of a sheet
        start += pages + pages % 2
    assert start == len(printed)

    # Mailing list: one row per letter, in input order.
    sheet = openpyxl.load_workbook(out / "ems.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(name for name, _ in COLUMNS)
    assert [r[6] for r in rows[1:]] == [f"货款催收函 {m['letter_no']}" for m in manifest]
    debtor = "杭州临平华信电子科技有限公司第1分公司"  # a company, no 收件人 named: the name twice
    assert rows[1][1:6] == ("C001", debtor, debtor, "13800000001", "浙江省杭州市临平区世纪大道1号")
    assert rows[1][9:11] == ("王晓明", "上海申江机电设备有限公司")
    assert not [p for p in out.iterdir() if "letters-tmp" in p.name]


def test_failing_case_in_a_worker_is_listed_and_the_rest_rendered(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    rows = case_rows(3)
    rows[1] = rows[1].replace("第2分公司", "\U00030000分公司")  # no installed font has it
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(*render_args(path, out, "--db", str(tmp_path / "l.db"), "--jobs", "2"))
    assert result.exit_code == 1
    assert "failed: case C002: the letter contains characters that no installed font has" in (
        result.stderr
    )
    assert "1 case(s) failed: C002" in result.output
    manifest = {m["case_id"]: m for m in json.loads((out / "manifest.json").read_text("utf-8"))}
    assert [manifest[c]["status"] for c in ("C001", "C002", "C003")] == [
        "rendered",
        "failed",
        "rendered",
    ]
    assert not (out / "C002_goods-payment.docx").exists()


def start_render(cases: Path, out: Path, db: Path) -> subprocess.Popen[str]:
    """``letters render`` in a process group of its own (workers included)."""
    command = [sys.executable, "-m", "letters", *render_args(cases, out, "--db", str(db))]
    return subprocess.Popen(
        [*command, "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_pdfs(out: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 180
    while len(list(out.glob("*.pdf"))) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def interrupted(cases: Path, out: Path, db: Path, signum: signal.Signals) -> tuple[int, str]:
    """Start a batch, send ``signum`` to it (parent and workers) once two letters
    are done; its exit status and error output."""
    process = start_render(cases, out, db)
    wait_for_pdfs(out, 2, process)
    os.killpg(process.pid, signum)
    _, errors = process.communicate(timeout=120)
    return process.returncode, errors


def test_resume_after_sigkill_finishes_with_identical_files_and_no_duplicate_log_entries(
    batch_file: Path, reference: Path, tmp_path: Path
) -> None:
    out, db = tmp_path / "out", tmp_path / "l.db"
    status, _ = interrupted(batch_file, out, db, signal.SIGKILL)  # mid-letter, no clean-up
    assert status == -signal.SIGKILL
    finished = digests(out)
    assert 0 < len(finished) < 2 * LETTERS

    refused = run(*render_args(batch_file, out, "--db", str(db), "--jobs", "2"))
    assert refused.exit_code == 1
    assert "use --resume to finish an interrupted batch" in refused.stderr

    result = run(*render_args(batch_file, out, "--db", str(db), "--jobs", "2", "--resume"))
    assert result.exit_code == 0, result.output + result.stderr
    assert "were already complete" in result.output
    after = digests(out)
    assert after == digests(reference)  # every file, byte for byte
    assert {name: after[name] for name in finished} == finished  # finished ones untouched
    assert_log_complete(db, LETTERS)
    assert not [p for p in out.iterdir() if "letters-tmp" in p.name]
    # The killed workers' scratch folders (WeasyPrint's font copies) are gone too.
    scratch = list((cache_dir() / "work").glob("*"))
    assert not [folder for folder in scratch if not process_alive(int(folder.name))]


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(
    batch_file: Path, reference: Path, tmp_path: Path
) -> None:
    out, db = tmp_path / "out", tmp_path / "l.db"
    status, errors = interrupted(batch_file, out, db, signal.SIGINT)  # a terminal's Ctrl-C
    assert status == 130
    assert "Interrupted." in errors
    assert "run the same command with --resume" in errors
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert 0 < len(manifest) < LETTERS
    assert {m["status"] for m in manifest} == {"rendered"}
    assert len(digests(out)) == 2 * len(manifest)  # what is listed is all there is
    assert not [p for p in out.iterdir() if "letters-tmp" in p.name]

    result = run(*render_args(batch_file, out, "--db", str(db), "--jobs", "2", "--resume"))
    assert result.exit_code == 0, result.output + result.stderr
    assert digests(out) == digests(reference)
    assert_log_complete(db, LETTERS)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--duplex"], "--duplex is for the print file: add --print-pdf FILE"),
        (["--format", "docx", "--print-pdf", "p.pdf"], "--print-pdf needs PDF letters"),
        (["--mailing-list", "ems.csv"], "--mailing-list must name an .xlsx file"),
    ],
)
def test_batch_option_mistakes(
    batch_file: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    result = run(*render_args(batch_file, tmp_path / "out"), *extra)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def test_manifest_is_written_as_json_dumps_would(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps([{"template": "rent", "case_id": "R1", "status": "rendered"}]), "utf-8"
    )
    writer = ManifestWriter(tmp_path)
    for case_id in ("C1", "C2"):
        writer.add(None, Outcome(case_id, "goods-payment", "rendered", letter_no=f"货催{case_id}"))
    writer.close()
    entries = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert [e["case_id"] for e in entries] == ["R1", "C1", "C2"]
    expected = json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
    assert (tmp_path / "manifest.json").read_text("utf-8") == expected
    ManifestWriter(tmp_path / "empty").close()
    assert (tmp_path / "empty" / "manifest.json").read_text("utf-8") == "[]\n"


def test_every_guarantor_gets_an_envelope_and_a_copy(tmp_path: Path) -> None:
    """A 逾期催收通知书 is a demand on the borrower and on each guarantor, who must each
    be reached (民法典 Art. 693): one mailing-list row and one printed copy per party."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["render", str(SAMPLES / "overdue-notice.json"), "-t", "overdue-notice", "-o", str(out),
         "--db", str(tmp_path / "l.db"), "--format", "pdf", "--jobs", "1", "--quiet",
         "--print-pdf", str(out / "print.pdf"), "--mailing-list", str(out / "ems.xlsx")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((SAMPLES / "overdue-notice.json").read_text(encoding="utf-8"))["cases"]
    parties = [(c["case_id"], 1 + len(c.get("guarantors", []))) for c in data]
    total = sum(n for _, n in parties)
    assert f"Print file: {out / 'print.pdf'} ({total} copies" in result.output
    sheet = openpyxl.load_workbook(out / "ems.xlsx").active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [case_id for case_id, n in parties for _ in range(n)]
    first = data[0]
    assert [r[2] for r in rows[1 : len(first["guarantors"]) + 1]] == [
        g["guarantor_name"] for g in first["guarantors"]
    ]
    assert [r[5] for r in rows[1 : len(first["guarantors"]) + 1]] == [
        g["guarantor_address"] for g in first["guarantors"]
    ]
    pages = len(PdfReader(out / "print.pdf").pages)
    per_letter = {p.name: len(PdfReader(p).pages) for p in out.glob("*_overdue-notice.pdf")}
    assert pages == sum(per_letter[f"{case_id}_overdue-notice.pdf"] * n for case_id, n in parties)
