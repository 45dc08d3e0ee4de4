"""Prepared CJK fonts: small single-face subsets of the system Noto CJK fonts.

WeasyPrint spends most of a Chinese PDF on fonts: it copies the whole 20-26 MB
``.ttc`` collection into memory and subsets it again for every letter. Here
each face the built-in templates use is cut once per machine to the GB2312
characters plus ASCII, Latin-1 and punctuation (a few MB, one face, every
layout table kept so shaping is unchanged), cached outside the repository and
registered with ``@font-face`` under a family name of its own ("… Core").

The templates name that family first and the full system font second, so a
character outside the subset (a rare surname such as 䶮 or 𠈌) is drawn from
the system font, glyph by glyph, instead of the letter falling back as a whole.

The cache (``$LETTERS_FONT_CACHE``, else ``$XDG_CACHE_HOME/letters/fonts``,
else ``~/.cache/letters/fonts``) is keyed by the SHA-256 of the source font,
the character set and the HarfBuzz version, so an upgraded system font or
HarfBuzz gives new files rather than stale ones; a file is written once
(temporary name, then rename), never per letter. Subsetting needs
libharfbuzz-subset; without it no fonts are prepared and PDFs use the system
fonts (slow, and `letters doctor` says so).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letters.render.output import atomic_write

# Bump when the character set or the subsetting options change.
CHARSET_VERSION = "gb2312-punct-1"
CORE_SUFFIX = " Core"


@dataclass(frozen=True)
class Face:
    """One system face the templates use, and the family its prepared subset gets."""

    source_family: str
    weight: int  # CSS weight: 400 regular, 700 bold

    @property
    def family(self) -> str:
        return self.source_family + CORE_SUFFIX

    @property
    def fontconfig_pattern(self) -> str:
        return f"{self.source_family}:weight={'bold' if self.weight >= 600 else 'regular'}"


FACES = (
    Face("Noto Serif CJK SC", 400),
    Face("Noto Serif CJK SC", 700),
    Face("Noto Sans CJK SC", 400),
    Face("Noto Sans CJK SC", 700),
)


@dataclass(frozen=True)
class PreparedFont:
    face: Face
    path: Path
    source: Path
    source_index: int


@dataclass(frozen=True)
class FontStatus:
    """What ``letters doctor`` reports about one face."""

    face: Face
    state: str  # ready | missing (not prepared yet) | no-source | no-subsetter
    detail: str
    path: Path | None = None


def cache_dir() -> Path:
    override = os.environ.get("LETTERS_FONT_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "letters" / "fonts"


def core_codepoints() -> frozenset[int]:
    """GB2312 (the 6,763 hanzi of everyday text and its symbols), ASCII, Latin-1,
    punctuation, letterlike and number forms, circled numbers, shapes, CJK
    punctuation and full-width forms: every character of the built-in templates
    and of nearly every letter (a test checks the templates)."""
    points: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                points.update(map(ord, bytes((high, low)).decode("gb2312")))
    for first, last in (
        (0x20, 0x7E),
        (0xA0, 0xFF),
        (0x2000, 0x206F),
        (0x2100, 0x218F),
        (0x2190, 0x21FF),
        (0x2460, 0x24FF),
        (0x25A0, 0x25FF),
        (0x3000, 0x303F),
        (0xFF00, 0xFFEF),
    ):
        points.update(range(first, last + 1))
    return frozenset(points)


# ------------------------------------------------------------------ sources


def locate_source(face: Face) -> tuple[Path, int] | None:
    """The installed file (and index inside a .ttc) of ``face``, via fontconfig;
    None unless fontconfig finds exactly that family at that weight."""
    if shutil.which("fc-match") is None:
        return None
    result = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}\n%{family}\n%{weight}\n", face.fontconfig_pattern],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) < 4:
        return None
    path, index, families, weight = lines[:4]
    if face.source_family not in families.split(","):
        return None  # fontconfig substituted another family: not installed
    # fontconfig weights: 80 regular, 200 bold. A bold request answered with a
    # regular file would print synthetic bold in one path and not the other.
    if (face.weight >= 600) != (float(weight or 0) >= 150):
        return None
    return Path(path), int(index or 0)


def source_sha256(path: Path, memo_file: Path) -> str:
    """SHA-256 of a font file, remembered by size and mtime (hashing 90 MB of
    fonts at every start would cost more than rendering a letter)."""
    stat = path.stat()
    key = str(path.resolve())
    try:
        memo: dict[str, Any] = json.loads(memo_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    known = memo.get(key)
    if (
        isinstance(known, dict)
        and known.get("size") == stat.st_size
        and known.get("mtime_ns") == stat.st_mtime_ns
    ):
        return str(known["sha256"])
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    memo[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}
    with contextlib.suppress(OSError):
        atomic_write(memo_file, json.dumps(memo, indent=1, sort_keys=True).encode())
    return digest.hexdigest()


def _cache_name(face: Face, sha256: str, index: int, subsetter: str) -> str:
    key = f"{sha256}:{index}:{CHARSET_VERSION}:{subsetter}".encode()
    slug = face.family.lower().replace(" ", "-")
    return f"{slug}-{face.weight}-{hashlib.sha256(key).hexdigest()[:16]}.otf"


# ------------------------------------------------------------------ preparing


def _expected(face: Face, directory: Path) -> tuple[Path, int, Path] | FontStatus:
    """Where the prepared file of ``face`` belongs, or why there is none."""
    located = locate_source(face)
    if located is None:
        return FontStatus(face, "no-source", f"{face.source_family} is not installed")
    source, index = located
    subsetter = harfbuzz_subsetter()
    if subsetter is None:
        return FontStatus(face, "no-subsetter", "libharfbuzz-subset is not installed")
    digest = source_sha256(source, directory / "sources.json")
    return source, index, directory / _cache_name(face, digest, index, subsetter.version)


def prepare_fonts(directory: Path | None = None) -> tuple[PreparedFont, ...]:
    """The prepared fonts, creating any that are missing (about 0.2 s per face,
    once per machine). Faces that cannot be prepared are left out: the
    templates then use the system font for them."""
    directory = directory or cache_dir()
    prepared = []
    codepoints: frozenset[int] | None = None
    for face in FACES:
        expected = _expected(face, directory)
        if isinstance(expected, FontStatus):
            continue
        source, index, target = expected
        if not target.is_file():
            subsetter = harfbuzz_subsetter()
            assert subsetter is not None
            codepoints = codepoints or core_codepoints()
            try:
                data = subsetter.subset(source, index, codepoints)
                directory.mkdir(parents=True, exist_ok=True)
                atomic_write(target, data)
            except (OSError, RuntimeError):
                continue  # an unwritable cache or a font HarfBuzz refuses: use the system font
        prepared.append(PreparedFont(face, target, source, index))
    return tuple(prepared)


def font_status(directory: Path | None = None) -> list[FontStatus]:
    directory = directory or cache_dir()
    result = []
    for face in FACES:
        expected = _expected(face, directory)
        if isinstance(expected, FontStatus):
            result.append(expected)
            continue
        _, _, target = expected
        if target.is_file():
            size = target.stat().st_size / 1e6
            result.append(FontStatus(face, "ready", f"{target} ({size:.1f} MB)", target))
        else:
            result.append(FontStatus(face, "missing", f"not prepared yet ({target})", target))
    return result


def font_face_css(fonts: Iterable[PreparedFont]) -> str:
    """``@font-face`` rules registering the prepared fonts under their Core families."""
    rules = []
    for font in fonts:
        rules.append(
            f'@font-face {{ font-family: "{font.face.family}"; '
            f'src: url("{font.path.resolve().as_uri()}"); '
            f"font-weight: {font.face.weight}; font-style: normal; }}"
        )
    return "\n".join(rules) + "\n"


# ------------------------------------------------------------------ HarfBuzz


_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
typedef enum {
    HB_SUBSET_SETS_GLYPH_INDEX = 0,
    HB_SUBSET_SETS_UNICODE,
    HB_SUBSET_SETS_NO_SUBSET_TABLE_TAG,
    HB_SUBSET_SETS_DROP_TABLE_TAG,
    HB_SUBSET_SETS_NAME_ID,
    HB_SUBSET_SETS_NAME_LANG_ID,
    HB_SUBSET_SETS_LAYOUT_FEATURE_TAG,
    HB_SUBSET_SETS_LAYOUT_SCRIPT_TAG,
} hb_subset_sets_t;
const char *hb_version_string (void);
hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
void hb_set_add (hb_set_t *set, hb_codepoint_t codepoint);
void hb_set_clear (hb_set_t *set);
void hb_set_invert (hb_set_t *set);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, hb_subset_sets_t set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
# Keep everything the original face has (tables, OS/2 ranges, names, layout
# features), so Pango shapes and measures text exactly as with the system font.
_NO_PRUNE_UNICODE_RANGES = 0x100
_PASSTHROUGH_UNRECOGNIZED = 0x20
_LIBRARIES = {
    "harfbuzz": ("libharfbuzz.so.0", "harfbuzz", "libharfbuzz-0", "libharfbuzz.0.dylib"),
    "subset": (
        "libharfbuzz-subset.so.0",
        "harfbuzz-subset",
        "libharfbuzz-subset-0",
        "libharfbuzz-subset.0.dylib",
    ),
}


class HarfBuzzSubsetter:
    """hb-subset through cffi (WeasyPrint's own bindings lack the calls needed)."""

    def __init__(self, ffi: Any, harfbuzz: Any, subset: Any) -> None:
        self.ffi, self.hb, self.hb_subset = ffi, harfbuzz, subset
        self.version = "hb-" + ffi.string(harfbuzz.hb_version_string()).decode()

    def subset(self, source: Path, index: int, codepoints: Iterable[int]) -> bytes:
        ffi, hb, hb_subset = self.ffi, self.hb, self.hb_subset
        with contextlib.ExitStack() as stack:

            def owned(pointer: Any, destroy: Any) -> Any:
                return stack.enter_context(self._resource(pointer, destroy))

            blob = owned(
                hb.hb_blob_create_from_file_or_fail(os.fsencode(source)), hb.hb_blob_destroy
            )
            face = owned(hb.hb_face_create(blob, index), hb.hb_face_destroy)
            subset_input = owned(
                hb_subset.hb_subset_input_create_or_fail(), hb_subset.hb_subset_input_destroy
            )
            unicodes = hb_subset.hb_subset_input_unicode_set(subset_input)
            for point in sorted(codepoints):
                hb.hb_set_add(unicodes, point)
            for kept in ("NAME_ID", "NAME_LANG_ID", "LAYOUT_FEATURE_TAG"):
                kept_set = hb_subset.hb_subset_input_set(
                    subset_input, getattr(hb_subset, f"HB_SUBSET_SETS_{kept}")
                )
                hb.hb_set_clear(kept_set)
                hb.hb_set_invert(kept_set)  # every one of them
            dropped = hb_subset.hb_subset_input_set(
                subset_input, hb_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
            )
            hb.hb_set_clear(dropped)
            hb_subset.hb_subset_input_set_flags(
                subset_input, _NO_PRUNE_UNICODE_RANGES | _PASSTHROUGH_UNRECOGNIZED
            )
            result = owned(hb_subset.hb_subset_or_fail(face, subset_input), hb.hb_face_destroy)
            result_blob = owned(hb.hb_face_reference_blob(result), hb.hb_blob_destroy)
            length = ffi.new("unsigned int *")
            data = hb.hb_blob_get_data(result_blob, length)
            if data == ffi.NULL or not length[0]:
                raise RuntimeError(f"HarfBuzz could not subset {source}")
            return bytes(ffi.unpack(data, length[0]))

    @contextlib.contextmanager
    def _resource(self, pointer: Any, destroy: Any) -> Iterator[Any]:
        if pointer == self.ffi.NULL:
            raise RuntimeError("HarfBuzz could not open or subset the font")
        try:
            yield pointer
        finally:
            destroy(pointer)


@functools.cache
def harfbuzz_subsetter() -> HarfBuzzSubsetter | None:
    try:
        from cffi import FFI
    except ImportError:
        return None
    ffi = FFI()
    ffi.cdef(_CDEF)
    libraries = {}
    for role, names in _LIBRARIES.items():
        for name in names:
            try:
                libraries[role] = ffi.dlopen(name)
                break
            except OSError:
                continue
        else:
            return None
    try:
        return HarfBuzzSubsetter(ffi, libraries["harfbuzz"], libraries["subset"])
    except AttributeError:  # a HarfBuzz too old to have these calls
        return None
