"""物业费催缴通知书 — a property company asks an owner to pay overdue fees.

Basis: 民法典 Art. 944 para. 1 (owners pay the agreed fee) and para. 2 (the
company may set a reasonable period, then sue or apply for arbitration).
Art. 944 para. 3 forbids cutting water, power, heating or gas to collect
fees, so the notice never mentions such measures, not even as a "reserved
right"; it names only the lawful route. A late charge is a contractual
违约金 and is labelled "违约金（逾期付款）", never "滞纳金" (legal-rules §3).
"""

from templatekit.blocks import Column, For, If, Letter, LoopTable, Para
from templatekit.common import (
    PAYEE_ACCOUNT,
    contact,
    header,
    late_fee_columns,
    receipt_slip,
    section,
    signature,
    totals_row,
)

LATE_FEE = "违约金（逾期付款）"

AMOUNT_COLUMNS = (
    Column("序号", "{{ item.index }}", "center", 1.0),
    Column("收费项目", "{{ item.item_name }}", "left", 2.5),
    Column("所属期间", "{{ item.period }}", "left", 3.7),
    Column("应缴日期", "{{ item.due_date }}", "center", 2.8),
    Column("应缴金额（元）", "{{ item.amount_due }}", "right", 1.9),
    Column("已缴金额（元）", "{{ item.amount_paid }}", "right", 1.8),
    Column("欠缴金额（元）", "{{ item.outstanding }}", "right", 1.9),
)

# The 序号 matches the fee table above, which also shows each period.
LATE_FEE_COLUMNS = late_fee_columns(
    Column("收费项目", "{{ item.item_name }}", "left", 2.6),
    formula_width_cm=8.3,
    fee_header="违约金\n（逾期付款）\n（元）",
    fee_width_cm=2.4,
)

LETTER = Letter(
    id="property-fee",
    body=(
        *header(addressee="{{ debtor_name }}（{{ community_name }}{{ unit_no }}业主）"),
        Para(
            "{{ debtor_term }}系{{ community_name }}{{ unit_no }}房屋"
            "{% if floor_area %}（建筑面积{{ floor_area }}）{% endif %}的业主。"
            "{{ creditor_name }}（以下简称“{{ creditor_term }}”）"
            "{% if contract_name %}依据《{{ contract_name }}》"
            "{% if contract_no %}（合同编号：{{ contract_no }}）{% endif %}{% else %}依据物业服务合同{% endif %}"
            "为{{ community_name }}提供物业服务。根据《中华人民共和国民法典》第九百四十四条第一款的规定，"
            "业主应当按照约定向物业服务人支付物业费。"
        ),
        section("一、欠缴费用情况"),
        Para(
            "经核对，截至{{ issue_date }}，{{ debtor_term }}已到期未缴的费用共计人民币"
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
                    "依照物业服务合同的约定，逾期缴纳上述费用的，应按{{ late_fee_rate }}支付"
                    + LATE_FEE
                    + "。{{ late_fee_method }}，"
                    + LATE_FEE
                    + "合计人民币"
                    "{{ total_late_fee }}元，此后按同一标准计至实际缴清之日止。各项计算如下："
                ),
                LoopTable(
                    "item in items",
                    LATE_FEE_COLUMNS,
                    total=totals_row(LATE_FEE_COLUMNS),
                ),
            ),
        ),
        Para(
            "以上欠缴费用{% if has_late_fee %}及" + LATE_FEE + "{% endif %}合计人民币"
            "**{{ total_claim }}**元（大写：**{{ total_claim_in_words }}**）。"
        ),
        section("二、缴费期限及方式"),
        Para(
            "请{{ debtor_term }}于**{{ deadline }}**（含当日）前缴清上述费用"
            "{% if payment_channels or has_payee %}，缴费方式如下：{% else %}。{% endif %}"
        ),
        For("paragraph in payment_channels_paragraphs", (Para("{{ paragraph }}"),)),
        If(
            "has_payee",
            (
                Para(
                    "银行转账请汇入{{ creditor_term }}下列账户，并在附言中注明“{{ unit_no }}物业费”："
                ),
            ),
        ),
        *PAYEE_ACCOUNT,
        Para(
            "{{ debtor_term }}如对上述费用有异议，请于{{ objection_deadline }}（含当日）前"
            "与{{ creditor_term }}联系核对；如在收到本通知前已经缴纳，请向{{ creditor_term }}"
            "提供缴费凭证以便核销。"
        ),
        section("三、逾期未缴的处理"),
        Para(
            "根据《中华人民共和国民法典》第九百四十四条第二款的规定，业主违反约定逾期不支付物业费的，"
            "物业服务人可以催告其在合理期限内支付；合理期限届满仍不支付的，物业服务人可以提起诉讼"
            "或者申请仲裁。本通知即为{{ creditor_term }}依照上述规定向{{ debtor_term }}发出的催告。"
        ),
        Para(
            "如{{ debtor_term }}逾期仍未缴纳，{{ creditor_term }}将依照物业服务合同的约定及上述规定，"
            "{% if dispute_resolution %}{{ dispute_resolution }}{% else %}向人民法院提起诉讼{% endif %}，"
            "要求{{ debtor_term }}支付所欠费用{% if has_late_fee %}及" + LATE_FEE + "{% endif %}，"
            "因此产生的诉讼费等费用依法由{{ debtor_term }}承担。"
        ),
        Para("感谢{{ debtor_term }}对物业服务工作的理解与支持。"),
        *contact(),
        *signature(closing="特此通知。"),
        *receipt_slip(),
    ),
)
