"""房租催收函 — a landlord demands unpaid rent and may give notice of termination.

Basis: 民法典 Art. 722 (a tenant who does not pay rent may be asked to pay
within a reasonable period; if he still does not pay, the landlord may
terminate), Art. 565 para. 1 (a notice may say that the contract ends if the
debt is not performed within a stated period; it then ends when that period
expires), Art. 566 (consequences of termination) and Art. 195 (a demand
interrupts the limitation period).

The cure period is ``deadline`` (deadline_days after the issue date, rolled
over rest days, 民法典 Arts. 201, 203). The letter asks for nothing but payment
and, after termination, the return of the premises: no self-help such as
cutting utilities or changing locks.
"""

from templatekit.blocks import Column, If, Letter, LoopTable, Para
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

RENT_ITEM = "{{ item.item_name }}{% if item.period %}（{{ item.period }}）{% endif %}"

AMOUNT_COLUMNS = (
    Column("序号", "{{ item.index }}", "center", 1.1),
    Column("款项（所属期间）", RENT_ITEM, "left", 4.4),
    Column("应付日期", "{{ item.due_date }}", "center", 2.9),
    Column("应付金额（元）", "{{ item.amount_due }}", "right", 2.4),
    Column("已付金额（元）", "{{ item.amount_paid }}", "right", 2.3),
    Column("欠付金额（元）", "{{ item.outstanding }}", "right", 2.5),
)

# The 序号 matches the arrears table; the period alone names the line here.
LATE_FEE_COLUMNS = late_fee_columns(Column("所属期间", "{{ item.period }}", "left", 2.8))

ROUTE = "{% if dispute_resolution %}{{ dispute_resolution }}{% else %}向人民法院提起诉讼{% endif %}"

# What happens if the rent stays unpaid; {{ ROUTE }} is replaced by ROUTE below.
CONSEQUENCES = (
    "{% if terminate_if_unpaid %}"
    "如{{ debtor_term }}逾期未付清上述款项，或在合同解除后未按期返还房屋，{{ creditor_term }}"
    "将依据合同约定及法律规定，{{ ROUTE }}，要求{{ debtor_term }}支付欠付租金"
    "{% if has_late_fee %}、逾期付款违约金{% endif %}及房屋占有使用费，并返还房屋，"
    "因此产生的诉讼费、保全费等费用依法由{{ debtor_term }}承担。"
    "{% else %}"
    "如{{ debtor_term }}逾期仍未付清上述款项，{{ creditor_term }}有权依照"
    "《中华人民共和国民法典》第七百二十二条的规定解除租赁合同，并将依据合同约定及法律规定"
    "，{{ ROUTE }}，要求{{ debtor_term }}支付欠付租金{% if has_late_fee %}及逾期付款违约金{% endif %}，"
    "因此产生的诉讼费、保全费等费用依法由{{ debtor_term }}承担。"
    "{% endif %}"
).replace("{{ ROUTE }}", ROUTE)

LETTER = Letter(
    id="rent",
    body=(
        *header(),
        Para(
            "{{ creditor_name }}（以下简称“{{ creditor_term }}”）作为出租人，与{{ debtor_term }}"
            "{% if contract_date %}于{{ contract_date }}{% endif %}签订《{{ contract_name }}》"
            "{% if contract_no %}（合同编号：{{ contract_no }}）{% endif %}，约定{{ creditor_term }}"
            "将位于{{ premises_address }}的房屋{% if floor_area %}（建筑面积{{ floor_area }}）{% endif %}"
            "出租给{{ debtor_term }}使用，{{ debtor_term }}按照合同约定的期限和金额支付租金。"
            "{{ creditor_term }}已依约将房屋交付{{ debtor_term }}使用，但{{ debtor_term }}"
            "未按合同约定支付租金。"
        ),
        section("一、欠付租金情况"),
        Para(
            "截至{{ issue_date }}，{{ debtor_term }}已到期未付的租金等款项共计人民币"
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
                    "依照《{{ contract_name }}》的约定，{{ debtor_term }}逾期支付租金的，"
                    "应按{{ late_fee_rate }}支付逾期付款违约金。{{ late_fee_method }}，"
                    "违约金合计人民币{{ total_late_fee }}元，此后按同一标准计至实际付清之日止。"
                    "各笔计算如下："
                ),
                LoopTable(
                    "item in items",
                    LATE_FEE_COLUMNS,
                    total=totals_row(LATE_FEE_COLUMNS),
                ),
            ),
        ),
        Para(
            "以上欠付租金等款项{% if has_late_fee %}及逾期付款违约金{% endif %}合计人民币"
            "**{{ total_claim }}**元（大写：**{{ total_claim_in_words }}**）。"
        ),
        section("二、付款催告"),
        Para(
            "根据《中华人民共和国民法典》第七百二十二条的规定，承租人无正当理由未支付或者迟延支付"
            "租金的，出租人可以请求承租人在合理期限内支付；承租人逾期不支付的，出租人可以解除合同。"
        ),
        Para(
            "现{{ creditor_term }}特此催告：请{{ debtor_term }}于**{{ deadline }}**（含当日）前"
            "将上述款项足额支付{% if has_payee %}至{{ creditor_term }}下列账户：{% else %}"
            "给{{ creditor_term }}。{% endif %}"
        ),
        *PAYEE_ACCOUNT,
        If(
            "terminate_if_unpaid",
            (
                section("三、解除合同通知"),
                Para(
                    "如{{ debtor_term }}未于{{ deadline }}（含当日）前付清上述全部款项，"
                    "依据《中华人民共和国民法典》第七百二十二条、第五百六十五条第一款的规定，"
                    "**本函即作为解除合同的通知，《{{ contract_name }}》自该期限届满时"
                    "（即{{ deadline }}二十四时）解除**，{{ creditor_term }}不再另行通知。"
                    "如{{ debtor_term }}在上述期限内付清全部款项，本解除通知不发生效力，"
                    "合同继续履行。"
                ),
                Para(
                    "合同解除后，请{{ debtor_term }}于**{{ vacate_deadline }}**（含当日）前腾空"
                    "上述房屋，将房屋及钥匙、门禁卡等交还{{ creditor_term }}，并与{{ creditor_term }}"
                    "共同办理房屋交接手续。合同解除后至房屋实际返还之日，{{ debtor_term }}应当参照"
                    "原租金标准支付房屋占有使用费。"
                ),
            ),
        ),
        section("{% if terminate_if_unpaid %}四{% else %}三{% endif %}、法律后果"),
        Para(CONSEQUENCES),
        Para("本函即为{{ creditor_term }}向{{ debtor_term }}提出的履行请求。"),
        *contact(),
        *signature(closing="特此函告。"),
        *receipt_slip(),
    ),
)
