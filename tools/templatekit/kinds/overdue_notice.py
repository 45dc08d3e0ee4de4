"""逾期催收通知书 — a lender notifies the borrower and each guarantor of an overdue loan.

The notice is addressed to the borrower and every guarantor: it states the
loan, the overdue amounts (as the lender's system computed them on
``amounts_as_of``) and the deadline, and gives each guarantor a paragraph
that matches the guarantee type:

- 连带责任保证 (民法典 Art. 688): the lender may ask the guarantor to pay now;
- 一般保证 (Art. 687): the guarantor answers only after enforcement against the
  borrower has failed, so the notice informs and asks the guarantor to
  perform the guarantee as agreed, without demanding immediate payment.

Field practice (domain.md): the borrower and guarantors should sign, seal,
fingerprint and date the notice; the notice carries a signing table and one
receipt slip per party.
"""

from templatekit.blocks import (
    Column,
    For,
    If,
    KeepTogether,
    KeyValueTable,
    Letter,
    Line,
    LoopTable,
    Para,
    Right,
    Spacer,
    Title,
)
from templatekit.common import PAYEE_ACCOUNT, contact, receipt_slip, section, signature

GUARANTOR_NAMES = "{{ guarantors | map(attribute='guarantor_name') | join('、') }}"

AMOUNTS = KeyValueTable(
    (
        ("逾期本金", "人民币{{ overdue_principal }}元"),
        ("逾期利息", "人民币{{ overdue_interest }}元"),
        ("罚　　息", "人民币{{ penalty_interest }}元"),
        ("复　　利", "人民币{{ compound_interest }}元"),
        ("合　　计", "人民币{{ total_claim }}元\n（大写：{{ total_claim_in_words }}）"),
    ),
    label_width_cm=3.5,
    value_width_cm=12.1,
    bold_last=True,
)

SIGNING_COLUMNS = (
    Column("身份", "{{ party.role }}", "center", 1.6),
    Column("名称/姓名", "{{ party.name }}", "left", 6.2),
    Column("签名（盖章）及捺印", "", "left", 4.4),
    Column("签署日期", "　　年　　月　　日", "center", 3.4),
)

LETTER = Letter(
    id="overdue-notice",
    body=(
        Title("{{ title }}"),
        Right("{{ letter_no }}"),
        Line("**致：{{ debtor_name }}（借款人）**"),
        Line("　　地址：{{ debtor_address }}"),
        If("debtor_attention", (Line("　　收件人：{{ debtor_attention }}"),)),
        For(
            "g in guarantors",
            (
                Line("**　　{{ g.guarantor_name }}（保证人）**"),
                Line("　　地址：{{ g.guarantor_address }}"),
            ),
        ),
        Spacer(),
        Para(
            "{{ debtor_name }}（以下简称“借款人”）与{{ creditor_name }}（以下简称“{{ creditor_term }}”）"
            "{% if contract_date %}于{{ contract_date }}{% endif %}签订《{{ contract_name }}》"
            "{% if contract_no %}（合同编号：{{ contract_no }}）{% endif %}，约定借款人向"
            "{{ creditor_term }}借款人民币{{ loan_amount }}元。{{ creditor_term }}已于{{ loan_date }}"
            "依约发放借款{% if loan_maturity_date %}，借款到期日为{{ loan_maturity_date }}{% endif %}。"
            "{% if guarantors %}" + GUARANTOR_NAMES + "为上述借款提供保证担保。{% endif %}"
        ),
        section("一、逾期情况"),
        Para(
            "借款人未按照合同约定按期足额偿还借款本息，自{{ overdue_since }}起逾期，"
            "截至{{ amounts_as_of }}已逾期{{ days_overdue }}日。截至{{ amounts_as_of }}，"
            "借款人尚欠{{ creditor_term }}下列款项："
        ),
        AMOUNTS,
        Para(
            "上述利息、罚息和复利计算至{{ amounts_as_of }}；此后{{ creditor_term }}将按照合同约定"
            "继续计收利息、罚息和复利，直至全部款项清偿之日止。"
        ),
        section("二、还款要求"),
        Para(
            "{{ creditor_term }}特此通知并催告借款人：请于**{{ deadline }}**（含当日）前归还上述"
            "全部逾期款项人民币**{{ total_claim }}**元"
            "{% if has_payee %}，款项请汇入下列账户：{% else %}（请存入借款合同约定的还款账户）。{% endif %}"
        ),
        *PAYEE_ACCOUNT,
        If(
            "guarantors",
            (
                section("三、致保证人"),
                Para(
                    "各保证人依照保证合同的约定，在保证范围内为上述借款承担保证责任。"
                    "{{ creditor_term }}现分别通知如下："
                ),
                For(
                    "g in guarantors",
                    (
                        Para(
                            "（{{ g.index }}）**{{ g.guarantor_name }}**"
                            "{% if g.guarantee_contract_no %}依据编号为{{ g.guarantee_contract_no }}的"
                            "保证合同{% else %}依据保证合同{% endif %}，为上述借款提供"
                            "**{{ g.guarantee_type }}**。"
                            "{% if g.guarantee_type == '连带责任保证' %}"
                            "根据《中华人民共和国民法典》第六百八十八条的规定，连带责任保证的债务人"
                            "不履行到期债务的，债权人可以请求保证人在其保证范围内承担保证责任。"
                            "{{ creditor_term }}现要求{{ g.guarantor_name }}在保证范围内承担连带保证责任，"
                            "于**{{ deadline }}**（含当日）前代借款人清偿上述逾期款项。"
                            "{% else %}"
                            "根据《中华人民共和国民法典》第六百八十七条的规定及保证合同的约定，"
                            "借款人的财产依法强制执行后仍不能履行债务的，{{ g.guarantor_name }}"
                            "应当在保证范围内承担保证责任。{{ creditor_term }}特此将借款逾期情况通知"
                            "{{ g.guarantor_name }}，请督促借款人于上述期限内还款，并依约履行保证义务。"
                            "{% endif %}"
                        ),
                    ),
                ),
            ),
        ),
        section("{% if guarantors %}四{% else %}三{% endif %}、法律后果"),
        Para(
            "如借款人逾期仍未归还上述款项，{{ creditor_term }}将依照合同约定及法律规定，"
            "{% if dispute_resolution %}{{ dispute_resolution }}{% else %}向人民法院提起诉讼{% endif %}，"
            "要求借款人偿还所欠借款本金、利息、罚息和复利"
            "{% if guarantors %}，并要求保证人依法承担保证责任{% endif %}，"
            "因此产生的诉讼费、保全费等费用依法由借款人{% if guarantors %}及相关保证人{% endif %}承担。"
        ),
        Para(
            "本通知书即为{{ creditor_term }}向借款人{% if guarantors %}及各保证人{% endif %}"
            "提出的履行请求。请借款人{% if guarantors %}及各保证人{% endif %}收到本通知书后，"
            "在下方签收栏签名（单位加盖公章）、捺印并注明日期，并在所附送达回执上签收。"
        ),
        *contact(),
        *signature(closing="特此通知。"),
        KeepTogether(
            (
                Spacer(),
                Para(
                    "**签收栏：**本人（本单位）已收到{{ creditor_name }}发出的本通知书（函号{{ letter_no }}）。"
                ),
                LoopTable(
                    "party in receipt_parties",
                    SIGNING_COLUMNS,
                    row_height_cm=1.5,
                    keep_together=True,
                ),
            )
        ),
        *receipt_slip(),
    ),
)
