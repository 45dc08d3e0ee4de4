"""货款催收函 — a supplier demands the unpaid price of goods or services.

Basis: 民法典 Art. 509 (full performance), Art. 577 (liability for breach),
Art. 579 (a party who has not paid the price may be asked to pay) and
Art. 195 (a demand interrupts the limitation period).
"""

from templatekit.blocks import Column, If, Letter, LoopTable, Para
from templatekit.common import (
    ITEM_WITH_PERIOD,
    PAYEE_ACCOUNT,
    contact,
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
        "项目",
        "{{ item.item_name }}{% if item.period %}（{{ item.period }}）{% endif %}"
        "{% if item.invoice_no %}，发票号码{{ item.invoice_no }}{% endif %}",
        "left",
        3.8,
    ),
    Column("应付日期", "{{ item.due_date }}", "center", 3.1),
    Column("应付金额（元）", "{{ item.amount_due }}", "right", 2.5),
    Column("已付金额（元）", "{{ item.amount_paid }}", "right", 2.4),
    Column("欠付金额（元）", "{{ item.outstanding }}", "right", 2.7),
)

LATE_FEE_COLUMNS = late_fee_columns(Column("项目", ITEM_WITH_PERIOD, "left", 2.8))

LETTER = Letter(
    id="goods-payment",
    body=(
        *header(),
        Para(
            "{{ creditor_name }}（以下简称“{{ creditor_term }}”）与{{ debtor_term }}"
            "{% if contract_date %}于{{ contract_date }}{% endif %}签订《{{ contract_name }}》"
            "{% if contract_no %}（合同编号：{{ contract_no }}）{% endif %}，约定由{{ creditor_term }}"
            "向{{ debtor_term }}提供{{ goods_description }}"
            "{% if contract_price %}，合同总价款为人民币{{ contract_price }}元{% endif %}。"
            "合同签订后，{{ creditor_term }}已依约履行供货义务，{{ debtor_term }}应当按照合同约定"
            "按期足额支付货款。"
        ),
        section("一、欠款情况"),
        Para(
            "截至{{ issue_date }}，{{ debtor_term }}已到期未付货款共计人民币"
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
                    "依照合同约定，{{ debtor_term }}逾期付款应按{{ late_fee_rate }}支付逾期付款违约金。"
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
            "以上欠付货款{% if has_late_fee %}及逾期付款违约金{% endif %}合计人民币"
            "**{{ total_claim }}**元（大写：**{{ total_claim_in_words }}**）。"
        ),
        section("二、付款要求"),
        Para(
            "现{{ creditor_term }}特此函告：请{{ debtor_term }}于**{{ deadline }}**（含当日）前"
            "将上述款项足额支付{% if has_payee %}至{{ creditor_term }}下列账户：{% else %}"
            "给{{ creditor_term }}。{% endif %}"
        ),
        *PAYEE_ACCOUNT,
        Para(
            "{{ debtor_term }}如对上述欠款金额有异议，请于{{ objection_deadline }}（含当日）前"
            "以书面形式向{{ creditor_term }}提出并附相应依据；逾期未提出的，{{ creditor_term }}"
            "将以本函所列金额主张权利。"
        ),
        section("三、法律后果"),
        Para(
            "如{{ debtor_term }}逾期仍未付清上述款项，{{ creditor_term }}将依据合同约定及"
            "《中华人民共和国民法典》第五百七十七条、第五百七十九条的规定，"
            "{% if dispute_resolution %}{{ dispute_resolution }}{% else %}依法提起诉讼{% endif %}，"
            "要求{{ debtor_term }}支付全部欠款及逾期付款违约金（或逾期付款损失），"
            "并承担因此产生的诉讼费、保全费等费用。"
        ),
        Para("本函即为{{ creditor_term }}向{{ debtor_term }}提出的履行请求。"),
        *contact(),
        *signature(closing="特此函告。"),
        *receipt_slip(),
    ),
)
