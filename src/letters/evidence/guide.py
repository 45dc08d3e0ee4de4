"""验证说明: the Chinese guide inside an evidence pack, for a judge or the other
side. Pure: it is built from the pack's facts.

It says what the pack contains, how to check it with nothing but
``sha256sum`` and (for the signatures and proofs) the verify command and the
creditor's public key obtained independently, and what the log does and does
not prove (evidence-design.md, "Limits").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from letters.evidence.entries import ENTRY_PREFIX

EVENT_NAMES_CN = {
    "letter-issued": "出具函件",
    "dispatched": "寄出",
    "delivered": "妥投/送达",
    "signed": "签收回执",
    "refused": "拒收",
    "returned": "退回",
    "announcement": "公告",
    "payment": "付款",
    "acknowledged": "债务人确认",
    "lawsuit-filed": "起诉/申请仲裁",
    "correction": "更正",
}


def describe_entry(fields: Mapping[str, Any]) -> str:
    """One line about an entry, in Chinese.

    >>> describe_entry({"kind": "signed", "date": "2026-11-25", "letter_no": "催〔2026〕第0001号",
    ...                 "signer": "张三", "capacity": "收发部门"})
    '2026-11-25 签收回执 催〔2026〕第0001号 签收人：张三（收发部门）'
    """
    kind = str(fields.get("kind"))
    parts = [
        str(fields.get("date") or fields.get("issue_date") or ""),
        EVENT_NAMES_CN.get(kind, kind),
        str(fields.get("letter_no") or fields.get("case_id") or ""),
    ]
    if fields.get("channel"):
        parts.append(f"方式：{fields['channel']}")
    if fields.get("waybill"):
        parts.append(f"运单号：{fields['waybill']}")
    if fields.get("contents"):
        parts.append(f"内件品名：{fields['contents']}")
    if fields.get("signer"):
        capacity = f"（{fields['capacity']}）" if fields.get("capacity") else ""
        parts.append(f"签收人：{fields['signer']}{capacity}")
    if fields.get("reason"):
        parts.append(f"原因：{fields['reason']}")
    if fields.get("amount"):
        parts.append(f"金额：{fields['amount']}元")
    if fields.get("corrects") is not None:
        parts.append(f"更正第{fields['corrects']}条")
    if kind == "letter-issued" and isinstance(fields.get("files"), dict):
        parts.append("文件：" + "、".join(f["name"] for f in fields["files"].values()))
    return " ".join(p for p in parts if p)


def guide_text(
    *,
    case_id: str,
    pack_name: str,
    origin: str,
    tree_size: int,
    root_hex: str,
    public_key: str,
    signed_at: str,
    entries: Sequence[tuple[int, str, Mapping[str, Any]]],
) -> str:
    """The guide. ``entries`` are (index, body file in the pack, entry fields)."""
    lines = [
        f"证据包验证说明（案件 {case_id}）",
        "",
        "一、本证据包包含什么",
        "",
        "  letters/       出具的函件原件（Word 与 PDF）",
        "  attachments/   附件：签收回执扫描件、运单照片等",
        "  entries/       日志条目原文（每条一个文件）",
        "  proofs/        每个条目的默克尔包含证明（RFC 6962）",
        "  checkpoint.txt 经数字签名（Ed25519）的日志树头",
        "  log.pub        签名公钥（仅供核对；请以债权人另行公布或提供的公钥为准）",
        "  manifest.json  文件清单（机器可读）",
        "  SHA256SUMS     除 SHA256SUMS 自身以外每个文件（含本说明）的 SHA-256 值",
        "",
        "二、日志中与本案有关的条目",
        "",
    ]
    for index, path, fields in entries:
        lines.append(f"  第{index}条  {describe_entry(fields)}")
        lines.append(f"          原文：{path}")
    lines += [
        "",
        "三、如何核对",
        "",
        "1. 核对文件是否被改动（只需 sha256sum）：",
        "",
        "     sha256sum -c SHA256SUMS",
        "",
        "   每一行都应显示“OK”（中文系统显示“成功”）。Windows 可用",
        "   certutil -hashfile 文件名 SHA256 逐个计算，与 SHA256SUMS 中的值比对。",
        '   函件和附件的 SHA-256 也写在对应的日志条目原文中（"sha256" 字段），',
        "   可逐一比对。",
        "",
        "2. 核对签名和包含证明（离线，只需本证据包和债权人的公钥）：",
        "",
        f"     letters evidence verify {pack_name} --key log.pub",
        "",
        "   letters 程序可向出具本证据包的一方索取（其源代码可供审查），在装有",
        "   Python 3.11 的电脑上安装后即可运行；不安装该程序，也可按第 1、3 步",
        "   用 sha256sum 核对文件和条目。",
        "",
        "   其中 log.pub 应是从债权人处另行取得（例如公布在其网站、载明于函件、",
        "   或以其他方式交付）的公钥文件，内容为一行：",
        "",
        f"     {public_key}",
        "",
        "   命令依次核对：每个文件与 SHA256SUMS 一致；树头签名由该公钥作出；",
        "   每个日志条目通过包含证明归入已签名的树头；函件和附件的 SHA-256",
        "   与日志条目记载一致。任何一个字节被改动，命令都会报错并返回非零。",
        "",
        "3. 手工核对某一条目的叶哈希（可选）：",
        "",
        f"     ( printf '\\0{ENTRY_PREFIX.decode().strip()}\\n'; cat entries/文件名 ) | sha256sum",
        "",
        "   结果应等于 proofs/ 中同一编号文件的 leaf_hash。",
        "",
        "四、签名树头",
        "",
        f"  日志名称：{origin}",
        f"  条目总数：{tree_size}",
        f"  树根哈希：{root_hex}",
        f"  签名时间：{signed_at}（UTC，由出具方记录）",
        "",
        "五、能证明什么，不能证明什么",
        "",
        "  本日志证明：上述条目（包括函件文件的哈希和回执扫描件的哈希）在签名树头",
        "  形成时已按所示顺序记录在日志中，且此后未被修改、删除或调换。",
        "  本日志本身不证明函件已经送达：送达的主要证据是签收回执原件和邮政",
        "  EMS 妥投记录，日志的作用是把这些材料与特定函件对应起来。",
        "  持有日志数据库和签名私钥的一方，可以改写最近一次对外交付的树头之后",
        "  的记录；因此债权人应定期导出并对外交付树头（checkpoint），",
        "  核对时应以更早交付给您的树头为准（log verify --checkpoint 文件）。",
        "  条目中的日期由记录人填写，记录时间（recorded_at）由出具方的计算机",
        "  时钟给出，均非第三方时间戳。",
        "",
    ]
    return "\n".join(lines)
