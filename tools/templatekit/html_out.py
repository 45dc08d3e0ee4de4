"""Emit a letter description as a Jinja ``template.html`` for WeasyPrint."""

from __future__ import annotations

from templatekit.blocks import (
    Block,
    For,
    Heading,
    If,
    KeepTogether,
    KeyValueTable,
    Letter,
    Letterhead,
    Line,
    LoopTable,
    PageBreak,
    Para,
    Right,
    Signature,
    Small,
    Spacer,
    Title,
    segments,
)


def _inline(text: str, *, bold: bool = False) -> str:
    # Literal template text never holds markup characters; values are escaped
    # by Jinja's autoescape at render time.
    if "<" in text.replace("{%", "").replace("%}", "") or "&" in text:
        raise ValueError(f"literal '<' or '&' in template text: {text!r}")
    html = "".join(
        f"<strong>{chunk}</strong>" if is_bold else chunk for chunk, is_bold in segments(text)
    )
    html = html.replace("\n", "<br>")
    return f"<strong>{html}</strong>" if bold else html


def _emit(blocks: tuple[Block, ...], indent: str = "  ") -> list[str]:
    out: list[str] = []
    for block in blocks:
        match block:
            case Title(text):
                out.append(f'{indent}<h1 class="title">{_inline(text)}</h1>')
            case Letterhead(name, details):
                out.append(f'{indent}<div class="letterhead">')
                out.append(f'{indent}  <p class="letterhead-name">{_inline(name)}</p>')
                out.extend(
                    f'{indent}  <p class="letterhead-detail">{_inline(t)}</p>' for t in details
                )
                out.append(f"{indent}</div>")
            case Right(text, bold):
                out.append(f'{indent}<p class="right">{_inline(text, bold=bold)}</p>')
            case Line(text, bold):
                out.append(f'{indent}<p class="line">{_inline(text, bold=bold)}</p>')
            case Para(text):
                out.append(f"{indent}<p>{_inline(text)}</p>")
            case Heading(text):
                out.append(f"{indent}<h2>{_inline(text)}</h2>")
            case Small(text):
                out.append(f'{indent}<p class="small">{_inline(text)}</p>')
            case Signature(lines):
                out.append(f'{indent}<div class="signature">')
                out.extend(f"{indent}  <p>{_inline(t)}</p>" for t in lines)
                out.append(f"{indent}</div>")
            case KeepTogether(body):
                out.append(f'{indent}<div class="keep">')
                out.extend(_emit(body, indent + "  "))
                out.append(f"{indent}</div>")
            case Spacer():
                out.append(f'{indent}<div class="spacer"></div>')
            case PageBreak():
                out.append(f'{indent}<div class="page-break"></div>')
            case LoopTable(loop, columns, total, row_height, keep_together):
                keep = " keep" if keep_together else ""
                out.append(f'{indent}<table class="amounts{keep}">')
                widths = sum(c.width_cm for c in columns)
                out.append(
                    f"{indent}  <colgroup>"
                    + "".join(
                        f'<col style="width: {100 * c.width_cm / widths:.1f}%">' for c in columns
                    )
                    + "</colgroup>"
                )
                out.append(
                    f"{indent}  <thead><tr>"
                    + "".join(f"<th>{_inline(c.header)}</th>" for c in columns)
                    + "</tr></thead>"
                )
                out.append(f"{indent}  <tbody>")
                out.append(f"{indent}  {{% for {loop} %}}")
                row_style = f' style="height: {row_height}cm"' if row_height else ""
                out.append(
                    f"{indent}    <tr{row_style}>"
                    + "".join(f'<td class="{c.align}">{_inline(c.cell)}</td>' for c in columns)
                    + "</tr>"
                )
                out.append(f"{indent}  {{% endfor %}}")
                out.append(f"{indent}  </tbody>")
                if total:
                    cells = "".join(
                        f'<td class="{c.align if t and t[0] != "合" else "center"}">'
                        f"<strong>{_inline(t)}</strong></td>"
                        for t, c in zip(total, columns, strict=True)
                    )
                    out.append(f"{indent}  <tfoot><tr>{cells}</tr></tfoot>")
                out.append(f"{indent}</table>")
            case KeyValueTable(rows, label_width, value_width, tall_rows, bold_last):
                share = 100 * label_width / (label_width + value_width)
                out.append(f'{indent}<table class="key-value">')
                out.append(f'{indent}  <colgroup><col style="width: {share:.1f}%"><col></colgroup>')
                for number, (label, value) in enumerate(rows):
                    tall = ' class="tall"' if number in tall_rows else ""
                    bold = bold_last and number == len(rows) - 1
                    out.append(
                        f"{indent}  <tr{tall}><th>{_inline(label)}</th>"
                        f"<td>{_inline(value, bold=bold)}</td></tr>"
                    )
                out.append(f"{indent}</table>")
            case If(condition, body):
                out.append(f"{indent}{{% if {condition} %}}")
                out.extend(_emit(body, indent + "  "))
                out.append(f"{indent}{{% endif %}}")
            case For(loop, body):
                out.append(f"{indent}{{% for {loop} %}}")
                out.extend(_emit(body, indent + "  "))
                out.append(f"{indent}{{% endfor %}}")
            case _:
                raise TypeError(f"unknown block {block!r}")
    return out


def build_html(letter: Letter) -> str:
    lines = [
        "<!DOCTYPE html>",
        "<!-- Generated by tools/build_templates.py from tools/templatekit/kinds/"
        f"{letter.id.replace('-', '_')}.py; change the letter there, then rebuild. -->",
        '<html lang="zh-CN">',
        "<head>",
        '  <meta charset="utf-8">',
        "  <title>{{ title }} {{ letter_no }}</title>",
        '  <meta name="author" content="{{ creditor_name }}">',
        '  <meta name="dcterms.created" content="{{ issue_date_iso }}">',
        '  <link rel="stylesheet" href="style.css">',
        "</head>",
        "<body>",
        f'  <div class="running-footer">{_inline(letter.footer)}</div>',
    ]
    lines.extend(_emit(letter.body))
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


STYLE_CSS = """\
/* Generated by tools/build_templates.py. A4, margins as the Word template.
   "… Core" is the GB2312 subset of the same font that `letters` prepares and
   registers for fast PDFs (src/letters/render/fonts.py); a character it lacks,
   or a machine without it, falls through to the full system font. */
@page {
  size: A4;
  margin: 25.4mm 26mm 25.4mm 28mm;
  @bottom-center {
    /* A set width (the text is centred either way) spares WeasyPrint measuring
       the footer's content on every page: the same pages, ~15% less time. */
    width: 100%;
    content: string(letter-footer) "　第 " counter(page) " 页 共 " counter(pages) " 页";
    font-family: "Noto Serif CJK SC Core", "Noto Serif CJK SC", serif;
    font-size: 9pt;
    color: #333;
  }
}
html {
  font-family: "Noto Serif CJK SC Core", "Noto Serif CJK SC", serif;
  font-size: 12pt;
  line-height: 1.75;
  color: #000;
}
body { margin: 0; }
/* Hidden but laid out: WeasyPrint takes string-set only from rendered boxes. */
.running-footer { string-set: letter-footer content(); height: 0; overflow: hidden; visibility: hidden; }
h1.title {
  font-family: "Noto Sans CJK SC Core", "Noto Sans CJK SC", sans-serif;
  font-size: 18pt;
  font-weight: bold;
  text-align: center;
  letter-spacing: 0.1em;
  margin: 0 0 12pt 0;
}
h2 {
  font-family: "Noto Sans CJK SC Core", "Noto Sans CJK SC", sans-serif;
  font-size: 12pt;
  font-weight: bold;
  margin: 0;
}
p { margin: 0; text-indent: 2em; text-align: justify; }
p.line, p.right, p.small, .signature p, td p, th p, .letterhead p { text-indent: 0; }
.letterhead { text-align: center; border-bottom: 2.25pt double #000; padding-bottom: 3pt; margin-bottom: 12pt; }
.letterhead p { text-align: center; }
.letterhead-name {
  font-family: "Noto Sans CJK SC Core", "Noto Sans CJK SC", sans-serif;
  font-size: 16pt;
  font-weight: bold;
  letter-spacing: 0.05em;
}
.letterhead-detail { font-size: 10.5pt; line-height: 1.5; }
p.right { text-align: right; }
p.small { font-size: 10.5pt; line-height: 1.5; margin-top: 6pt; }
strong { font-weight: bold; }
.spacer { height: 1.75em; }
.page-break { break-before: page; }
.signature { margin-top: 0; text-align: right; padding-right: 2em; break-inside: avoid; }
.signature p { text-align: right; }
/* Fixed layout: the column widths are given (as in the Word template), and
   WeasyPrint skips measuring every cell's content (a fifth of a PDF's time).
   A token too long for its column wraps instead of overprinting the next. */
table { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt 0; table-layout: fixed; }
th, td { overflow-wrap: anywhere; }
/* A row is never split across pages; the header row repeats on the next page,
   the total row does not (a total printed under the first page's rows would
   not be their sum). */
tr { break-inside: avoid; }
tfoot { display: table-row-group; }
h2 { break-after: avoid; }
.keep, table.key-value { break-inside: avoid; }
th, td { border: 0.6pt solid #000; padding: 2pt 4pt; line-height: 1.4; vertical-align: middle; }
table.amounts { font-size: 9.5pt; }
table.amounts th { text-align: center; font-weight: bold; }
table.key-value th { text-align: center; font-weight: bold; }
tr.tall td, tr.tall th { height: 1.6cm; }
td.right { text-align: right; }
td.center { text-align: center; }
td.left { text-align: left; }
"""
