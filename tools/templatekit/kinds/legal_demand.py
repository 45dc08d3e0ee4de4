"""律师函 — a law firm, instructed by the creditor (委托人), demands payment.

The letter states facts as the client reported them, the legal basis, the
amounts, an exact deadline and the lawful next step (litigation or
arbitration, with its costs). Bar-association guidance on lawyers' letters and
刑法 Art. 293-1: no insults, no threats, no exaggerated consequences — the
letter names only what a court or tribunal may actually order.

A demand made by the client's agent is the client's demand (民法典 Art. 162),
so the letter also interrupts the limitation period (Art. 195).
"""

from templatekit.blocks import Column, For, If, Letter, Letterhead, LoopTable, Para
from templatekit.common import (
    ITEM_WITH_PERIOD,
    PAYEE_ACCOUNT,
    header,
    late_fee_columns,
    receipt_slip,
    section,
    signature,
    totals_row,
)

AMOUNT_COLUMNS = (
    Column("序号", "{{ item.index }}", "center", 1.1),
    Column(
        "款项",
        "{{ item.item_name }}{% if item.period %}（{{ item.period }}）{% endif %}"
        "{% if item.invoice_no %}，发票号码{{ item.invoice_no }}{% endif %}",
        "left",
        4.4,
    ),
    Column("应付日期", "{{ item.due_date }}", "center", 2.9),
    Column("应付金额（元）", "{{ item.amount_due }}", "right", 2.4),
    Column("已付金额（元）", "{{ item.amount_paid }}", "right", 2.3),
    Column("欠付金额（元）", "{{ item.outstanding }}", "right", 2.5),
)

LATE_FEE_COLUMNS = late_fee_columns(Column("款项", ITEM_WITH_PERIOD, "left", 2.8))

MATTER = (
    "拖欠委托人{% if contract_name %}《{{ contract_name }}》"
    "{% if contract_no %}（合同编号：{{ contract_no }}）{% endif %}项下{% endif %}款项"
)

LETTER = Letter(
    id="legal-demand",
    body=(
        Letterhead(
            "{{ law_firm_name }}",
            (
                "地址：{{ law_firm_address }}{% if contact_phone %}　电话：{{ contact_phone }}{% endif %}",
            ),
        ),
        *header(),
        Para(
            "{{ law_firm_name }}（以下简称“本所”）接受{{ creditor_name }}（以下简称“委托人”）的委托，"
            "指派{{ lawyer_names }}律师，就{{ debtor_term }}"
            + MATTER
            + "一事，向{{ debtor_term }}致函如下："
        ),
        section("一、基本事实"),
        Para("根据委托人的陈述及其提供的材料，本所律师了解到以下事实："),
        For("paragraph in facts_paragraphs", (Para("{{ paragraph }}"),)),
        Para(
            "截至{{ issue_date }}，{{ debtor_term }}尚欠委托人已到期款项共计人民币"
            "**{{ total_outstanding }}**元，明细如下："
        ),
        LoopTable(
            "item in items",
            AMOUNT_COLUMNS,
            total=totals_row(AMOUNT_COLUMNS),
        ),
        If(
            "has_late_fee",
            (
                Para(
                    "依照双方约定，{{ debtor_term }}逾期付款应按{{ late_fee_rate }}支付逾期付款违约金。"
                    "{{ late_fee_method }}，违约金合计人民币{{ total_late_fee }}元，"
                    "此后按同一标准计至实际付清之日止。各笔计算如下："
                ),
                LoopTable(
                    "item in items",
                    LATE_FEE_COLUMNS,
                    total=totals_row(LATE_FEE_COLUMNS),
                ),
            ),
        ),
        Para(
            "以上欠款{% if has_late_fee %}及逾期付款违约金{% endif %}合计人民币"
            "**{{ total_claim }}**元（大写：**{{ total_claim_in_words }}**）。"
        ),
        section("二、法律依据"),
        Para(
            "本所律师认为，根据以下法律规定及双方约定，{{ debtor_term }}应当向委托人支付上述款项："
        ),
        For("paragraph in legal_basis_paragraphs", (Para("{{ paragraph }}"),)),
        Para(
            "{{ debtor_term }}未按约定履行付款义务，应当依法承担继续履行"
            "{% if has_late_fee %}、支付逾期付款违约金{% endif %}等违约责任。"
        ),
        section("三、律师函告事项"),
        Para(
            "据此，本所受委托人委托，特函告{{ debtor_term }}：请于**{{ deadline }}**（含当日）前"
            "将上述款项合计人民币**{{ total_claim }}**元支付"
            "{% if has_payee %}至委托人指定的下列账户：{% else %}给委托人。{% endif %}"
        ),
        *PAYEE_ACCOUNT,
        Para(
            "{{ debtor_term }}如对上述事实或金额有异议，请于{{ objection_deadline }}（含当日）前"
            "以书面形式向本所提出并附相应证据，本所将及时转告委托人核实。"
        ),
        section("四、法律后果"),
        Para(
            "如{{ debtor_term }}逾期仍未履行上述付款义务，委托人将"
            "{% if dispute_resolution %}按照合同约定{{ dispute_resolution }}{% else %}依法提起诉讼{% endif %}，"
            "要求{{ debtor_term }}支付上述欠款{% if has_late_fee %}及逾期付款违约金{% endif %}，"
            "并承担依法应由{{ debtor_term }}负担的"
            "{% if '仲裁' in dispute_resolution %}仲裁费{% else %}诉讼费{% endif %}、保全费等费用。"
            "本所律师将依委托人的授权代理相关法律事务。"
        ),
        Para(
            "本函旨在敦促{{ debtor_term }}履行付款义务，亦构成委托人向{{ debtor_term }}提出的"
            "履行请求。本函不代表委托人放弃依法享有的任何权利。"
        ),
        Para("本所联系人：{{ contact_person }}　联系电话：{{ contact_phone }}"),
        Para("联系地址：{{ law_firm_address }}"),
        *signature(
            closing="特此函告。",
            lines=(
                "{{ law_firm_name }}",
                "（盖章）",
                "承办律师：{{ lawyer_names }}",
                "{{ issue_date }}",
            ),
        ),
        *receipt_slip(return_to="{{ law_firm_name }}"),
    ),
)
