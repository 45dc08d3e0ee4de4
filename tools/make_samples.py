"""Generate samples/* (made-up parties; valid ID check digits).

Usage: python tools/make_samples.py   (rewrites the files in samples/)
"""

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from stdnum.cn import ric, uscc

OUT = Path(__file__).resolve().parents[1] / "samples"
(OUT / "errors").mkdir(parents=True, exist_ok=True)

_ORG = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code(base8: str) -> str:
    """GB 11714 organisation code check digit."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(_ORG.index(c) * w for c, w in zip(base8, weights, strict=False))
    check = 11 - total % 11
    return base8 + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(region: str, base8: str, kind: str = "91") -> str:
    first = kind + region + org_code(base8)
    number = first + uscc.calc_check_digit(first)
    assert uscc.is_valid(number), number
    return number


def make_ric(region: str, birth: str, seq: str) -> str:
    first = region + birth + seq
    # stdnum's ric.calc_check_digit expects the number with a placeholder check digit.
    number = first + ric.calc_check_digit(first + "0")
    assert ric.is_valid(number), number
    return number


# ------------------------------------------------------------------ parties
SHENJIANG = (
    "上海申江机电设备有限公司",
    make_uscc("310115", "MA1FL0RD"),
    "上海市浦东新区张江路100号",
)
HUAXIN = (
    "杭州临平华信电子科技有限公司",
    make_uscc("330113", "MA2H3K0X"),
    "浙江省杭州市临平区南苑街道世纪大道1号",
)
LONG_NAME = "广东粤港澳大湾区国际供应链管理与跨境电子商务综合服务平台运营（深圳前海）股份有限公司"
assert len(LONG_NAME) >= 40
print("long name", len(LONG_NAME))

# ------------------------------------------------------------------ goods-payment.csv (UTF-8)
GP_HEADERS = [
    "案件编号",
    "发函日期",
    "债权人名称",
    "债权人证件号码",
    "债权人地址",
    "我方联系人",
    "我方联系电话",
    "债务人名称",
    "债务人证件号码",
    "债务人地址",
    "收件人",
    "合同名称",
    "合同编号",
    "合同签订日期",
    "货物或服务",
    "合同总价",
    "债务类型",
    "最后一期履行期限",
    "连带债务人",
    "争议解决方式",
    "付款期限天数",
    "异议期限天数",
    "收款户名",
    "收款开户行",
    "收款账号",
    "违约金标准",
    "年计息天数",
    "项目",
    "所属期间",
    "发票号码",
    "应付日期",
    "应付金额",
    "已付金额",
]


def gp_row(case, item, repeat=True):
    row = dict(case) if repeat else {"案件编号": case["案件编号"]}
    row.update(item)
    return [row.get(h, "") for h in GP_HEADERS]


gp_cases = [
    (
        {
            "案件编号": "GP-2026-001",
            "发函日期": "2026-11-20",
            "债权人名称": SHENJIANG[0],
            "债权人证件号码": SHENJIANG[1],
            "债权人地址": SHENJIANG[2],
            "我方联系人": "王晓明",
            "我方联系电话": "021-58881234",
            "债务人名称": HUAXIN[0],
            "债务人证件号码": HUAXIN[1],
            "债务人地址": HUAXIN[2],
            "收件人": "李建国（法定代表人）",
            "合同名称": "工业设备买卖合同",
            "合同编号": "SJ-XS-2025-0317",
            "合同签订日期": "2025-03-17",
            "货物或服务": "数控加工中心及配套刀具",
            "合同总价": "560,000.00",
            # One price in instalments: limitation from the last one (民法典 Art. 189).
            "债务类型": "分期履行债务",
            "最后一期履行期限": "2026-12-31",
            "争议解决方式": "向上海市浦东新区人民法院提起诉讼",
            "付款期限天数": "7",
            "异议期限天数": "7",
            "收款户名": SHENJIANG[0],
            "收款开户行": "中国工商银行上海张江支行",
            "收款账号": "1001 2345 6789 0123 456",
            "违约金标准": "日万分之五",
        },
        [
            {
                "项目": "第二期货款",
                "发票号码": "04512873",
                "应付日期": "2026-06-30",
                "应付金额": "107000.53",
                "已付金额": "0",
            },
            {
                "项目": "第三期货款",
                "发票号码": "04512874",
                "应付日期": "2026/08/31",
                "应付金额": "¥16,409.02",
                "已付金额": "6,409.02",
            },
            {
                "项目": "配套刀具款",
                "发票号码": "04512901",
                "应付日期": "2026年10月31日",
                "应付金额": "1680.32",
                "已付金额": "",
            },
        ],
        True,
    ),
    # Very long debtor name; issue 2026-09-24 + 7 days = 2026-10-01 (国庆) → deadline 2026-10-08.
    (
        {
            "案件编号": "GP-2026-002",
            "发函日期": "2026-09-24",
            "债权人名称": "苏州高新区恒瑞精密模具有限公司",
            "债权人证件号码": make_uscc("320505", "MA1MQ7C2"),
            "债权人地址": "江苏省苏州市高新区竹园路209号",
            "我方联系人": "沈佳怡",
            "我方联系电话": "0512-66831270",
            "债务人名称": LONG_NAME,
            "债务人证件号码": make_uscc("440300", "MA5F8KQ3"),
            "债务人地址": "广东省深圳市前海深港合作区南山街道桂湾五路128号前海深港基金小镇B7栋501",
            "合同名称": "注塑模具定制加工合同",
            "合同编号": "HR-MJ-2026-019",
            "合同签订日期": "2026-03-02",
            "货物或服务": "智能音箱外壳注塑模具4套",
            "争议解决方式": "向苏州仲裁委员会申请仲裁",
            "付款期限天数": "7",
            "收款户名": "苏州高新区恒瑞精密模具有限公司",
            "收款开户行": "中国银行苏州高新技术产业开发区支行",
            "收款账号": "5408 7712 0933",
        },
        [
            {
                "项目": "模具款",
                "所属期间": "首付款后余款",
                "应付日期": "2026-07-15",
                "应付金额": "48600.00",
                "已付金额": "20000",
            },
            {"项目": "模具修改费", "应付日期": "2026-08-20", "应付金额": "3580", "已付金额": "0"},
        ],
        True,
    ),
    # Extra rows leave the case fields blank; annual rate with a 360-day year.
    (
        {
            "案件编号": "GP-2026-003",
            "发函日期": "2026-11-18",
            "债权人名称": "北京中关村博远软件技术有限公司",
            "债权人证件号码": make_uscc("110108", "MA01B7XK"),
            "债权人地址": "北京市海淀区中关村大街27号中关村大厦1106室",
            "我方联系人": "赵一鸣",
            "我方联系电话": "010-62561188",
            "债务人名称": "成都云帆智慧物流有限公司",
            "债务人地址": "四川省成都市武侯区天府大道北段1700号环球中心E2区1902室",
            "收件人": "财务部 何丽",
            "合同名称": "软件开发及技术服务合同",
            "合同编号": "BY-KF-2025-112",
            "合同签订日期": "2025-11-03",
            "货物或服务": "仓储管理系统软件开发及年度技术服务",
            "合同总价": "180000",
            "付款期限天数": "10",
            "收款户名": "北京中关村博远软件技术有限公司",
            "收款开户行": "招商银行北京中关村支行",
            "收款账号": "110 9067 2251 0601",
            "违约金标准": "年利率6%",
            "年计息天数": "360",
        },
        [
            {
                "项目": "软件开发费",
                "所属期间": "第一阶段验收款",
                "应付日期": "2026-05-31",
                "应付金额": "85,000.00",
            },
            {
                "项目": "软件开发费",
                "所属期间": "第二阶段验收款",
                "应付日期": "2026-08-31",
                "应付金额": "60000",
            },
            {
                "项目": "技术服务费",
                "所属期间": "2026年第三季度",
                "应付日期": "2026-09-30",
                "应付金额": "12000.00",
                "已付金额": "3000",
            },
        ],
        False,
    ),
    # No payee account and no agreed late-fee rate.
    (
        {
            "案件编号": "GP-2026-004",
            "发函日期": "2026-11-23",
            "债权人名称": "武汉光谷新材化工有限公司",
            "债权人地址": "湖北省武汉市东湖新技术开发区高新大道666号",
            "我方联系人": "彭志强",
            "我方联系电话": "027-87661020",
            "债务人名称": "长沙星沙涂装工程有限公司",
            "债务人证件号码": make_uscc("430121", "MA4Q2D8N"),
            "债务人地址": "湖南省长沙市长沙县星沙街道开元东路1318号",
            "合同名称": "化工原料供货合同",
            "合同编号": "GG-GH-2026-033",
            "合同签订日期": "2026-01-08",
            "货物或服务": "水性环氧底漆及固化剂",
            "付款期限天数": "7",
            "异议期限天数": "5",
        },
        [
            {
                "项目": "货款",
                "所属期间": "2026年7月批次",
                "发票号码": "24420000000012345678",
                "应付日期": "2026-08-10",
                "应付金额": "23760.00",
            },
            {
                "项目": "货款",
                "所属期间": "2026年8月批次",
                "发票号码": "24420000000012349021",
                "应付日期": "2026-09-10",
                "应付金额": "31005.50",
                "已付金额": "10000.00",
            },
        ],
        True,
    ),
    # A natural person (个体经营者) as buyer: the letter says 您.
    (
        {
            "案件编号": "GP-2026-005",
            "发函日期": "2026-11-10",
            "债权人名称": "宁波北仑港城五金机械有限公司",
            "债权人证件号码": make_uscc("330206", "MA2CJ6W4"),
            "债权人地址": "浙江省宁波市北仑区新碶街道明州路399号",
            "我方联系人": "孙海波",
            "我方联系电话": "13857412086",
            "债务人名称": "陈国华",
            "债务人证件号码": make_ric("330203", "19840415", "031"),
            "债务人地址": "浙江省宁波市海曙区中山西路188号3单元601室",
            "合同名称": "五金配件购销合同",
            "合同编号": "GC-2026-0418",
            "合同签订日期": "2026-04-18",
            "货物或服务": "不锈钢紧固件及配件",
            "付款期限天数": "7",
            "收款户名": "宁波北仑港城五金机械有限公司",
            "收款开户行": "宁波银行北仑支行",
            "收款账号": "5101 0122 0001 8866",
            "违约金标准": "0.05%/日",
        },
        [{"项目": "货款", "应付日期": "2026-09-30", "应付金额": "¥12,345.60", "已付金额": "0"}],
        True,
    ),
    # An old invoice: the limitation period ends 2026-11-30, ten days after the issue
    # date, so `check` and `render` warn; a joint buyer shares the period (诉讼时效规定 Art. 15).
    (
        {
            "案件编号": "GP-2026-006",
            "发函日期": "2026-11-20",
            "债权人名称": SHENJIANG[0],
            "债权人证件号码": SHENJIANG[1],
            "债权人地址": SHENJIANG[2],
            "我方联系人": "王晓明",
            "我方联系电话": "021-58881234",
            "债务人名称": "温州瓯海精工阀门有限公司",
            "债务人证件号码": make_uscc("330304", "MA2L5R7T"),
            "债务人地址": "浙江省温州市瓯海区娄桥街道古岸头路58号",
            "合同名称": "数控车床买卖合同",
            "合同编号": "SJ-XS-2023-0611",
            "合同签订日期": "2023-06-11",
            "货物或服务": "数控车床2台",
            "债务类型": "一次性债务",
            "连带债务人": "林志强",
            "付款期限天数": "5",
            "收款户名": SHENJIANG[0],
            "收款开户行": "中国工商银行上海张江支行",
            "收款账号": "1001 2345 6789 0123 456",
        },
        [
            {
                "项目": "尾款",
                "发票号码": "33022310",
                "应付日期": "2023-11-30",
                "应付金额": "58,000.00",
                "已付金额": "0",
            }
        ],
        True,
    ),
]

buffer = io.StringIO()
writer = csv.writer(buffer, lineterminator="\r\n")
writer.writerow(GP_HEADERS)
for case, items, repeat in gp_cases:
    for number, item in enumerate(items):
        writer.writerow(gp_row(case, item, repeat or number == 0))
(OUT / "goods-payment.csv").write_text(buffer.getvalue(), encoding="utf-8")

# ------------------------------------------------------------------ rent_gb18030.csv
# Headers use the landlord's words (aliases): 出租人, 承租人, 房屋坐落, 租金期间 …
RT_HEADERS = [
    "案件编号",
    "发函日期",
    "出租人",
    "债权人证件号码",
    "债权人地址",
    "我方联系人",
    "我方联系电话",
    "承租人",
    "债务人证件号码",
    "送达地址",
    "收件人",
    "租赁合同名称",
    "租赁合同编号",
    "签约日期",
    "房屋坐落",
    "建筑面积",
    "争议解决方式",
    "付款期限天数",
    "逾期未付即解除合同",
    "腾退期限天数",
    "收款户名",
    "收款开户行",
    "收款账号",
    "违约金标准",
    "款项",
    "租金期间",
    "应付日期",
    "应付金额",
    "已付金额",
]

rt_cases = [
    (
        {
            "案件编号": "RT-2026-001",
            "发函日期": "2026-11-20",
            "出租人": "上海徐汇漕溪置业发展有限公司",
            "债权人证件号码": make_uscc("310104", "MA1G5LQ8"),
            "债权人地址": "上海市徐汇区漕溪北路88号8楼",
            "我方联系人": "顾文杰",
            "我方联系电话": "021-64871122",
            "承租人": "上海云图信息科技有限公司",
            "债务人证件号码": make_uscc("310104", "MA1H2P9T"),
            "送达地址": "上海市徐汇区漕溪北路88号1502室",
            "收件人": "吴磊（总经理）",
            "租赁合同名称": "房屋租赁合同",
            "租赁合同编号": "XH-ZL-2024-0088",
            "签约日期": "2024-09-01",
            "房屋坐落": "上海市徐汇区漕溪北路88号1502室",
            "建筑面积": "186.50平方米",
            "争议解决方式": "向上海市徐汇区人民法院提起诉讼",
            "付款期限天数": "15",
            "逾期未付即解除合同": "是",
            "腾退期限天数": "15",
            "收款户名": "上海徐汇漕溪置业发展有限公司",
            "收款开户行": "上海浦东发展银行徐汇支行",
            "收款账号": "9801 0154 7400 0231 6",
            "违约金标准": "日万分之四",
        },
        [
            {
                "款项": "租金",
                "租金期间": "2026年8月",
                "应付日期": "2026-08-05",
                "应付金额": "26800.00",
                "已付金额": "10000.00",
            },
            {
                "款项": "租金",
                "租金期间": "2026年9月",
                "应付日期": "2026-09-05",
                "应付金额": "26800.00",
            },
            {
                "款项": "租金",
                "租金期间": "2026年10月",
                "应付日期": "2026-10-05",
                "应付金额": "26800.00",
            },
        ],
        True,
    ),
    # Two natural persons: 本人 / 您; no termination notice, no late fee.
    (
        {
            "案件编号": "RT-2026-002",
            "发函日期": "2026-11-16",
            "出租人": "王秀英",
            "债权人证件号码": make_ric("310104", "19580823", "044"),
            "债权人地址": "上海市徐汇区天钥桥路580弄12号301室",
            "我方联系人": "王秀英",
            "我方联系电话": "13917706352",
            "承租人": "李明",
            "债务人证件号码": make_ric("330106", "19920314", "017"),
            "送达地址": "浙江省杭州市西湖区文三路259号3幢2单元502室",
            "租赁合同名称": "住房租赁合同",
            "签约日期": "2025-12-20",
            "房屋坐落": "浙江省杭州市西湖区文三路259号3幢2单元502室",
            "建筑面积": "78.20平方米",
            "付款期限天数": "7",
            "逾期未付即解除合同": "否",
        },
        [
            {"款项": "租金", "租金期间": "2026年9月", "应付日期": "2026-09-01", "应付金额": "4200"},
            {
                "款项": "租金",
                "租金期间": "2026年10月",
                "应付日期": "2026-10-01",
                "应付金额": "4200",
            },
            {
                "款项": "租金",
                "租金期间": "2026年11月",
                "应付日期": "2026-11-01",
                "应付金额": "4200",
            },
        ],
        True,
    ),
    # Tenant's name has 䶮 (CJK Ext-A): only GB18030, not GBK, can encode it.
    (
        {
            "案件编号": "RT-2026-003",
            "发函日期": "2026-11-19",
            "出租人": "深圳市南山科苑商业物业租赁有限公司",
            "债权人证件号码": make_uscc("440305", "MA5G0R1W"),
            "债权人地址": "广东省深圳市南山区科苑路15号科兴科学园A栋3楼",
            "我方联系人": "黄志豪",
            "我方联系电话": "0755-86150033",
            "承租人": "刘䶮",
            "债务人证件号码": make_ric("440305", "19860709", "112"),
            "送达地址": "广东省深圳市南山区科苑路15号科兴科学园B栋1楼103商铺",
            "租赁合同名称": "商铺租赁合同",
            "租赁合同编号": "KY-SP-2025-103",
            "签约日期": "2025-06-18",
            "房屋坐落": "广东省深圳市南山区科苑路15号科兴科学园B栋1楼103商铺",
            "建筑面积": "64.80平方米",
            "争议解决方式": "向深圳市南山区人民法院提起诉讼",
            "付款期限天数": "10",
            "逾期未付即解除合同": "是",
            "腾退期限天数": "10",
            "收款户名": "深圳市南山科苑商业物业租赁有限公司",
            "收款开户行": "招商银行深圳科技园支行",
            "收款账号": "7559 0301 2610 808",
            "违约金标准": "日万分之五",
        },
        [
            {
                "款项": "租金",
                "租金期间": "2026年7月1日至2026年9月30日",
                "应付日期": "2026-07-01",
                "应付金额": "60,900.00",
                "已付金额": "30,000.00",
            },
            {
                "款项": "租金",
                "租金期间": "2026年10月1日至2026年12月31日",
                "应付日期": "2026-10-01",
                "应付金额": "60,900.00",
            },
            {
                "款项": "物业管理费",
                "租金期间": "2026年第四季度",
                "应付日期": "2026-10-01",
                "应付金额": "3200.50",
            },
        ],
        True,
    ),
    # Extra rows leave the case fields blank; rate written as 0.05%/日.
    (
        {
            "案件编号": "RT-2026-004",
            "发函日期": "2026-11-12",
            "出租人": "南京江北新区创智产业园运营管理有限公司",
            "债权人地址": "江苏省南京市江北新区研创园腾飞大厦C座9楼",
            "我方联系人": "钱雨婷",
            "我方联系电话": "025-58609911",
            "承租人": "南京启明星教育咨询有限公司",
            "送达地址": "江苏省南京市江北新区研创园腾飞大厦A座1106室",
            "租赁合同名称": "办公用房租赁合同",
            "租赁合同编号": "CZ-ZL-2025-0216",
            "签约日期": "2025-02-16",
            "房屋坐落": "江苏省南京市江北新区研创园腾飞大厦A座1106室",
            "付款期限天数": "7",
            "逾期未付即解除合同": "否",
            "收款户名": "南京江北新区创智产业园运营管理有限公司",
            "收款开户行": "南京银行江北新区分行",
            "收款账号": "0165 2100 0089 7712",
            "违约金标准": "0.05%/日",
        },
        [
            {
                "款项": "租金",
                "租金期间": "2026年第三季度",
                "应付日期": "2026-07-10",
                "应付金额": "16409.02",
            },
            {
                "款项": "租金",
                "租金期间": "2026年第四季度",
                "应付日期": "2026-10-10",
                "应付金额": "16409.02",
                "已付金额": "5000",
            },
        ],
        False,
    ),
    (
        {
            "案件编号": "RT-2026-005",
            "发函日期": "2026-11-02",
            "出租人": "北京望京恒泰资产管理有限公司",
            "债权人证件号码": make_uscc("110105", "MA00K3T6"),
            "债权人地址": "北京市朝阳区望京街10号望京SOHO T2 B座18层",
            "我方联系人": "马骁",
            "我方联系电话": "010-84712236",
            "承租人": "北京青禾餐饮管理有限公司",
            "送达地址": "北京市朝阳区阜通东大街6号院3号楼1层108",
            "收件人": "刘芳（法定代表人）",
            "租赁合同名称": "商业用房租赁合同",
            "租赁合同编号": "WJ-HT-2023-0108",
            "签约日期": "2023-12-01",
            "房屋坐落": "北京市朝阳区阜通东大街6号院3号楼1层108",
            "建筑面积": "142.00平方米",
            "付款期限天数": "30",
            "逾期未付即解除合同": "是",
            "腾退期限天数": "20",
            "收款户名": "北京望京恒泰资产管理有限公司",
            "收款开户行": "北京银行望京支行",
            "收款账号": "2000 0028 4571 0012 3456",
            "违约金标准": "日万分之三",
        },
        [
            {
                "款项": "租金",
                "租金期间": "2026年9月",
                "应付日期": "2026-09-01",
                "应付金额": "38500.00",
            },
            {
                "款项": "租金",
                "租金期间": "2026年10月",
                "应付日期": "2026-10-01",
                "应付金额": "38500.00",
            },
        ],
        True,
    ),
]
buffer = io.StringIO()
writer = csv.writer(buffer, lineterminator="\r\n")
writer.writerow(RT_HEADERS)
for case, items, repeat in rt_cases:
    for number, item in enumerate(items):
        row = dict(case) if (repeat or number == 0) else {"案件编号": case["案件编号"]}
        row.update(item)
        writer.writerow([row.get(h, "") for h in RT_HEADERS])
(OUT / "rent_gb18030.csv").write_bytes(buffer.getvalue().encode("gb18030"))
try:
    buffer.getvalue().encode("gbk")
    raise SystemExit("rent sample should need GB18030")
except UnicodeEncodeError:
    pass

# ------------------------------------------------------------------ property-fee.xlsx
PF_HEADERS = [
    "案件编号",
    "发函日期",
    "物业公司",
    "债权人证件号码",
    "债权人地址",
    "我方联系人",
    "我方联系电话",
    "业主姓名",
    "债务人证件号码",
    "送达地址",
    "小区名称",
    "房号",
    "建筑面积",
    "物业服务合同名称",
    "缴费方式",
    "付款期限天数",
    "收款户名",
    "收款开户行",
    "收款账号",
    "违约金标准",
    "收费项目",
    "所属期间",
    "应缴日期",
    "应缴金额",
    "已缴金额",
]
COMPANY = {
    "物业公司": "杭州锦绣家园物业服务有限公司",
    "债权人证件号码": make_uscc("330106", "MA27XB4E"),
    "债权人地址": "浙江省杭州市西湖区锦绣路18号锦绣花园5幢1楼物业服务中心",
    "我方联系人": "许丽娟",
    "我方联系电话": "0571-88123456",
    "小区名称": "锦绣花园",
    "物业服务合同名称": "锦绣花园前期物业服务合同",
    "缴费方式": "1. 到物业服务中心前台缴纳（锦绣花园5幢1楼，工作日9:00—17:30），可使用银行卡或扫码支付；\n"
    "2. 通过“锦绣生活”微信公众号“在线缴费”栏目缴纳；\n3. 银行转账。",
    "收款户名": "杭州锦绣家园物业服务有限公司",
    "收款开户行": "杭州银行西湖支行",
    "收款账号": "3301 0401 6000 5678 9",
}
pf_cases = [
    (
        {
            "案件编号": "PF-03-2-1102",
            "发函日期": datetime(2026, 11, 16),
            "业主姓名": "周建平",
            "债务人证件号码": make_ric("330106", "19850602", "035"),
            "送达地址": "浙江省杭州市西湖区锦绣路18号锦绣花园3幢2单元1102室",
            "房号": "3幢2单元1102室",
            "建筑面积": "89.56平方米",
            "付款期限天数": 15,
            "违约金标准": "日万分之三",
        },
        [
            ("物业服务费", "2026年1月—6月", datetime(2026, 1, 15), 1680.32, None),
            ("物业服务费", "2026年7月—12月", datetime(2026, 7, 15), "¥1,680.32", None),
            ("公共能耗分摊费", "2026年1月—6月", datetime(2026, 7, 15), 215.4, None),
        ],
    ),
    # A company owns the unit (贵司); partial payment.
    (
        {
            "案件编号": "PF-05-1-0601",
            "发函日期": datetime(2026, 11, 16),
            "业主姓名": "杭州西溪云栖文化传媒有限公司",
            "债务人证件号码": make_uscc("330106", "MA2KD91P"),
            "送达地址": "浙江省杭州市西湖区锦绣路18号锦绣花园5幢1单元601室",
            "房号": "5幢1单元601室",
            "建筑面积": "132.08平方米",
            "付款期限天数": 15,
            "违约金标准": "日万分之三",
        },
        [
            ("物业服务费", "2026年1月—6月", datetime(2026, 1, 15), "¥2,477.82", 1000),
            ("物业服务费", "2026年7月—12月", datetime(2026, 7, 15), 2477.82, 0),
            ("车位管理费", "2026年1月—12月", "2026-01-15", "¥1,200.00", None),
        ],
    ),
    # Owner lives elsewhere: the notice goes to the address on file, by registered mail.
    (
        {
            "案件编号": "PF-07-1-2301",
            "发函日期": "2026-11-16",
            "业主姓名": "林晓燕",
            "送达地址": "北京市海淀区学院路35号世宁大厦1208室",
            "房号": "7幢1单元2301室",
            "建筑面积": "143.25平方米",
            "付款期限天数": 15,
            "违约金标准": "日万分之三",
        },
        [
            ("物业服务费", "2025年7月—12月", datetime(2025, 7, 15), 2687.37, None),
            ("物业服务费", "2026年1月—6月", datetime(2026, 1, 15), 2687.37, None),
            ("物业服务费", "2026年7月—12月", datetime(2026, 7, 15), 2687.37, None),
            ("公共能耗分摊费", "2025年7月—2026年6月", datetime(2026, 7, 15), "344.16", None),
        ],
    ),
    (
        {
            "案件编号": "PF-01-3-0202",
            "发函日期": datetime(2026, 11, 16),
            "业主姓名": "郑浩",
            "送达地址": "浙江省杭州市西湖区锦绣路18号锦绣花园1幢3单元202室",
            "房号": "1幢3单元202室",
            "建筑面积": "67.40平方米",
            "付款期限天数": 15,
            "违约金标准": "日万分之三",
        },
        [
            ("物业服务费", "2026年7月—12月", datetime(2026, 7, 15), 1264.42, 600),
            ("装修垃圾清运费", "2026年9月", datetime(2026, 9, 30), "¥380.00", None),
        ],
    ),
    # No agreed late-fee rate: no 违约金 section at all.
    (
        {
            "案件编号": "PF-12-1-1501",
            "发函日期": datetime(2026, 11, 16),
            "业主姓名": "唐思远",
            "送达地址": "浙江省杭州市西湖区锦绣路18号锦绣花园12幢1单元1501室",
            "房号": "12幢1单元1501室",
            "建筑面积": "98.70平方米",
            "付款期限天数": 15,
        },
        [
            ("物业服务费", "2026年7月—12月", datetime(2026, 7, 15), 1851.61, None),
            ("车位管理费", "2026年7月—12月", datetime(2026, 7, 15), 600, None),
            ("电梯运行维护费", "2026年7月—12月", datetime(2026, 7, 15), "¥148.05", None),
        ],
    ),
]
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.title = "欠费明细"
sheet.append(["锦绣花园物业费欠费明细（导出日期：2026年11月16日）"])
sheet["A1"].font = Font(bold=True, size=14)
sheet.append(PF_HEADERS)
for cell in sheet[2]:
    cell.font = Font(bold=True)
for case, items in pf_cases:
    for name, period, due, amount, paid in items:
        row = dict(COMPANY)
        row.update(case)
        row.update(
            {
                "收费项目": name,
                "所属期间": period,
                "应缴日期": due,
                "应缴金额": amount,
                "已缴金额": paid,
            }
        )
        sheet.append([row.get(h) for h in PF_HEADERS])
for row in sheet.iter_rows(min_row=3):
    for cell in row:
        if isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd"
        elif isinstance(cell.value, float | int) and PF_HEADERS[cell.column - 1] in (
            "应缴金额",
            "已缴金额",
        ):
            cell.number_format = "#,##0.00"
        if PF_HEADERS[cell.column - 1] == "缴费方式":
            cell.alignment = Alignment(wrap_text=True)
widths = {
    "案件编号": 14,
    "业主姓名": 18,
    "送达地址": 40,
    "房号": 16,
    "收费项目": 14,
    "所属期间": 22,
    "应缴日期": 12,
}
for index, header in enumerate(PF_HEADERS, start=1):
    sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = widths.get(header, 12)
workbook.properties.creator = "letters samples"
workbook.properties.created = workbook.properties.modified = datetime(2026, 11, 16)
workbook.save(OUT / "property-fee.xlsx")

# ------------------------------------------------------------------ legal-demand.json
firm_bj = {
    "law_firm_name": "北京市京正律师事务所",
    "law_firm_address": "北京市朝阳区建国门外大街1号国贸大厦A座20层",
    "lawyer_names": "陈思远、刘静",
    "contact_person": "陈思远",
    "contact_phone": "010-65051234",
}
legal_cases = [
    {
        **firm_bj,
        "case_id": "LD-2026-001",
        "issue_date": "2026-11-20",
        "creditor_name": "北京中关村博远软件技术有限公司",
        "creditor_id_no": make_uscc("110108", "MA01B7XK"),
        "debtor_name": "天津滨海海联国际贸易有限公司",
        "debtor_id_no": make_uscc("120116", "MA05R2LH"),
        "debtor_address": "天津市滨海新区第二大街62号泰达MSD-B2座1503室",
        "debtor_attention": "张永利（法定代表人）",
        "contract_name": "跨境贸易管理系统开发合同",
        "contract_no": "BY-KF-2025-087",
        "facts": "2025年8月12日，贵司与委托人签订《跨境贸易管理系统开发合同》（合同编号：BY-KF-2025-087），约定由委托人为贵司开发跨境贸易管理系统，合同总价款为人民币320,000.00元，分三期支付。\n"
        "委托人已按约完成系统开发、部署及培训工作，贵司于2026年4月28日签署《项目验收确认书》，确认系统验收合格。\n"
        "按照合同约定，贵司应于验收合格后分期支付第二期、第三期开发费用，但截至本函发出之日，贵司仅支付部分款项，其余款项经委托人多次催要仍未支付。",
        "dispute_resolution": "向北京市海淀区人民法院提起诉讼",
        "deadline_days": 7,
        "objection_days": 7,
        "payee_name": "北京中关村博远软件技术有限公司",
        "payee_bank": "招商银行北京中关村支行",
        "payee_account": "110 9067 2251 0601",
        "late_fee_rate": "日万分之五",
        "items": [
            {
                "item_name": "第二期开发费",
                "invoice_no": "26112000000004518872",
                "due_date": "2026-05-28",
                "amount_due": 96000.00,
                "amount_paid": 0,
            },
            {
                "item_name": "第三期开发费",
                "invoice_no": "26112000000004518873",
                "due_date": "2026-08-28",
                "amount_due": "128,000.00",
                "amount_paid": "20,000.00",
            },
        ],
    },
    # 民间借贷 between two persons: custom legal basis.
    {
        "case_id": "LD-2026-002",
        "issue_date": "2026-11-18",
        "law_firm_name": "上海市汇诚律师事务所",
        "law_firm_address": "上海市黄浦区延安东路222号外滩中心28层",
        "lawyer_names": "徐卫东",
        "contact_person": "徐卫东",
        "contact_phone": "021-63350018",
        "creditor_name": "顾建明",
        "creditor_id_no": make_ric("310101", "19680211", "013"),
        "debtor_name": "彭晓东",
        "debtor_id_no": make_ric("320102", "19850927", "051"),
        "debtor_address": "江苏省南京市玄武区北京东路71号5幢402室",
        "contract_name": "借款协议",
        "facts": "2025年10月8日，您因经营周转需要向委托人借款，双方签订《借款协议》，约定借款本金人民币107,000.53元，借款期限至2026年4月7日。\n"
        "委托人于2025年10月8日通过银行转账向您支付了全部借款。借款期限届满后，您未归还借款本金，委托人多次通过电话、微信催告，您至今未予归还。",
        "legal_basis": "《中华人民共和国民法典》第六百六十七条规定：“借款合同是借款人向贷款人借款，到期返还借款并支付利息的合同。”\n"
        "《中华人民共和国民法典》第六百七十五条规定：“借款人应当按照约定的期限返还借款。……”\n"
        "《中华人民共和国民法典》第五百七十七条规定：“当事人一方不履行合同义务或者履行合同义务不符合约定的，应当承担继续履行、采取补救措施或者赔偿损失等违约责任。”",
        "dispute_resolution": "向南京市玄武区人民法院提起诉讼",
        "deadline_days": 10,
        "payee_name": "顾建明",
        "payee_bank": "中国建设银行上海外滩支行",
        "payee_account": "6217 0012 1003 4567 890",
        "items": [{"item_name": "借款本金", "due_date": "2026-04-07", "amount_due": 107000.53}],
    },
    # No payee account, no late-fee rate; invoice numbers on the lines.
    {
        "case_id": "LD-2026-003",
        "issue_date": "2026-11-13",
        "law_firm_name": "广东深南律师事务所",
        "law_firm_address": "广东省深圳市福田区深南大道4011号港中旅大厦16楼",
        "lawyer_names": "梁嘉欣、何振宇",
        "contact_person": "梁嘉欣",
        "contact_phone": "0755-83216600",
        "creditor_name": "深圳市速达供应链物流有限公司",
        "creditor_id_no": make_uscc("440300", "MA5DKR2X"),
        "debtor_name": LONG_NAME,
        "debtor_address": "广东省深圳市前海深港合作区南山街道桂湾五路128号前海深港基金小镇B7栋501",
        "contract_name": "仓储物流服务合同",
        "contract_no": "SD-CC-2025-066",
        "facts": "2025年12月1日，贵司与委托人签订《仓储物流服务合同》，约定由委托人为贵司提供仓储、分拣及干线运输服务，服务费按月结算，贵司应于收到对账单及发票后30日内付款。\n"
        "委托人已按约提供服务，并按月向贵司发送对账单和增值税发票，贵司对账单金额均已盖章确认，但至今未支付2026年6月至8月的服务费。",
        "deadline_days": 7,
        "items": [
            {
                "item_name": "仓储物流服务费",
                "period": "2026年6月",
                "invoice_no": "26442000000010230601",
                "due_date": "2026-08-05",
                "amount_due": "16409.02",
            },
            {
                "item_name": "仓储物流服务费",
                "period": "2026年7月",
                "invoice_no": "26442000000010230702",
                "due_date": "2026-09-04",
                "amount_due": "18230.00",
            },
            {
                "item_name": "仓储物流服务费",
                "period": "2026年8月",
                "invoice_no": "26442000000010230815",
                "due_date": "2026-10-05",
                "amount_due": "1680.32",
            },
        ],
    },
    # The addressee is neither a company nor a person (贵单位).
    {
        "case_id": "LD-2026-004",
        "issue_date": "2026-11-23",
        "law_firm_name": "浙江钱塘律师事务所",
        "law_firm_address": "浙江省杭州市上城区钱江路1366号华润大厦B座11层",
        "lawyer_names": "沈立群",
        "contact_person": "沈立群",
        "contact_phone": "0571-87009800",
        "creditor_name": "杭州康维医疗设备维修有限公司",
        "creditor_id_no": make_uscc("330104", "MA2B0E3U"),
        "debtor_name": "杭州临平康宁医院",
        "debtor_address": "浙江省杭州市临平区迎宾路508号",
        "debtor_attention": "院办",
        "contract_name": "医疗设备维保服务合同",
        "contract_no": "KW-WB-2025-031",
        "facts": "2025年3月1日，贵单位与委托人签订《医疗设备维保服务合同》，约定由委托人为贵单位的CT、DR等医疗设备提供2025年度及2026年度维保服务，维保费按半年支付。\n"
        "委托人已按约提供维保服务，贵单位于2026年1月支付了2025年度全部维保费，但2026年上半年维保费至今未付。",
        "objection_days": 10,
        "payee_name": "杭州康维医疗设备维修有限公司",
        "payee_bank": "中国农业银行杭州凯旋支行",
        "payee_account": "1903 0201 0400 2231 8",
        "late_fee_rate": "年利率4.65%",
        "items": [
            {
                "item_name": "维保服务费",
                "period": "2026年1月至6月",
                "due_date": "2026-07-10",
                "amount_due": 68500.00,
            }
        ],
    },
    {
        "case_id": "LD-2026-005",
        "issue_date": "2026-11-09",
        "law_firm_name": "广东羊城律师事务所",
        "law_firm_address": "广东省广州市天河区珠江新城华夏路10号富力中心31楼",
        "lawyer_names": "邓文博、陈雅琪",
        "contact_person": "陈雅琪",
        "contact_phone": "020-38251199",
        "creditor_name": "广州番禺华南建材贸易有限公司",
        "creditor_id_no": make_uscc("440113", "MA59TQ8L"),
        "debtor_name": "佛山顺德誉城建筑工程有限公司",
        "debtor_id_no": make_uscc("440606", "MA4W1Y7F"),
        "debtor_address": "广东省佛山市顺德区大良街道新桂中路10号誉城大厦8楼",
        "contract_name": "建筑材料买卖合同",
        "contract_no": "HN-JC-2026-008",
        "facts": "2026年2月20日，贵司与委托人签订《建筑材料买卖合同》，约定委托人向贵司供应螺纹钢、商品混凝土等建筑材料，货款按批次结算。\n"
        "委托人已按约供货，贵司项目部已签收全部送货单，但第三、四批次货款至今未付。",
        "dispute_resolution": "向广州仲裁委员会申请仲裁",
        "deadline_days": 7,
        "objection_days": 5,
        "payee_name": "广州番禺华南建材贸易有限公司",
        "payee_bank": "中国工商银行广州番禺支行",
        "payee_account": "3602 0088 0920 0123 456",
        "late_fee_rate": "日万分之五",
        "items": [
            {
                "item_name": "货款",
                "period": "第三批次",
                "due_date": "2026-06-30",
                "amount_due": "238,450.00",
                "amount_paid": "100,000.00",
            },
            {
                "item_name": "货款",
                "period": "第四批次",
                "due_date": "2026-08-31",
                "amount_due": "175,320.80",
            },
        ],
    },
]
(OUT / "legal-demand.json").write_text(
    json.dumps({"cases": legal_cases}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
)

# ------------------------------------------------------------------ overdue-notice.json
bank = {
    "creditor_name": "浙江临平农村商业银行股份有限公司南苑支行",
    "creditor_id_no": make_uscc("330113", "MA2J8CE1"),
    "creditor_address": "浙江省杭州市临平区南苑街道人民大道288号",
    "contact_person": "方志伟",
    "contact_phone": "0571-86209988",
}
overdue_cases = [
    {
        **bank,
        "case_id": "ON-2026-0001",
        "issue_date": "2026-11-20",
        "debtor_name": "杭州临平顺达五金制品有限公司",
        "debtor_id_no": make_uscc("330113", "MA2H77DQ"),
        "debtor_address": "浙江省杭州市临平区东湖街道兴中路99号",
        "debtor_attention": "周立新（法定代表人）",
        "contract_name": "流动资金借款合同",
        "contract_no": "LPNS-LD-2024-0620-018",
        "contract_date": "2024-06-20",
        "loan_amount": "300,000.00",
        "loan_date": "2024-06-20",
        "loan_maturity_date": "2026-06-19",
        "overdue_since": "2026-06-20",
        "amounts_as_of": "2026-11-20",
        "overdue_principal": 107000.53,
        "overdue_interest": 3856.20,
        "penalty_interest": 1203.45,
        "compound_interest": 86.12,
        "deadline_days": 10,
        "guarantors": [
            {
                "guarantor_name": "周立新",
                "guarantor_id_no": make_ric("330125", "19800315", "015"),
                "guarantor_address": "浙江省杭州市临平区南苑街道藕花洲大街228号6幢1单元801室",
                "guarantee_type": "连带责任保证",
                "guarantee_contract_no": "LPNS-BZ-2024-0620-018-01",
            },
            {
                "guarantor_name": "杭州临平恒通融资担保有限公司",
                "guarantor_id_no": make_uscc("330113", "MA2HQ5NA"),
                "guarantor_address": "浙江省杭州市临平区临平街道邱山大街12号恒通大厦5楼",
                "guarantee_type": "连带",
                "guarantee_contract_no": "LPNS-BZ-2024-0620-018-02",
                # 主债务履行期限届满之日起三年 (民法典 Art. 692).
                "guarantee_period_months": 36,
            },
            {
                "guarantor_name": "陈美华",
                "guarantor_id_no": make_ric("330125", "19820921", "024"),
                "guarantor_address": "浙江省杭州市临平区南苑街道藕花洲大街228号6幢1单元801室",
                "guarantee_type": "一般保证",
                "guarantee_contract_no": "LPNS-BZ-2024-0620-018-03",
            },
        ],
    },
    # A consumer loan from a 小额贷款公司 (我司) to a person; 一般保证 by the spouse; no compound interest.
    {
        "case_id": "ON-2026-0002",
        "issue_date": "2026-11-17",
        "creditor_name": "上海浦江小额贷款股份有限公司",
        "creditor_id_no": make_uscc("310115", "MA1K4WB2"),
        "creditor_address": "上海市浦东新区世纪大道1168号东方金融广场A座9楼",
        "contact_person": "蒋文",
        "contact_phone": "021-50138866",
        "debtor_name": "张伟",
        "debtor_id_no": make_ric("310225", "19870605", "033"),
        "debtor_address": "上海市浦东新区锦绣路1500弄22号1102室",
        "contract_name": "个人经营性借款合同",
        "contract_no": "PJXD-2025-03-0417",
        "contract_date": "2025-03-17",
        "loan_amount": 50000,
        "loan_date": "2025-03-18",
        "loan_maturity_date": "2026-03-17",
        "overdue_since": "2026-03-18",
        "amounts_as_of": "2026-11-15",
        "overdue_principal": "16,409.02",
        "overdue_interest": "820.45",
        "penalty_interest": "310.20",
        "deadline_days": 7,
        "payee_name": "上海浦江小额贷款股份有限公司",
        "payee_bank": "上海银行浦东分行",
        "payee_account": "3166 0300 0012 3456 7",
        "guarantors": [
            {
                "guarantor_name": "王丽",
                "guarantor_id_no": make_ric("310225", "19890112", "046"),
                "guarantor_address": "上海市浦东新区锦绣路1500弄22号1102室",
                "guarantee_type": "一般保证",
            }
        ],
    },
    # No guarantor: the notice has no guarantor section and one receipt slip.
    {
        **bank,
        "case_id": "ON-2026-0003",
        "issue_date": "2026-11-20",
        "debtor_name": "沈建军",
        "debtor_id_no": make_ric("330125", "19760830", "059"),
        "joint_debtors": "沈丽娟",  # co-borrower (共同借款人)
        "debtor_address": "浙江省杭州市临平区星桥街道星光街36号",
        "contract_name": "个人消费借款合同",
        "contract_no": "LPNS-XF-2025-1102-233",
        "contract_date": "2025-11-02",
        "loan_amount": 20000,
        "loan_date": "2025-11-03",
        "overdue_since": "2026-09-04",
        "overdue_principal": 1680.32,
        "overdue_interest": 45.6,
        "penalty_interest": 12.08,
        "compound_interest": 0.35,
    },
    # Company borrower with a company guarantor (连带) and a shareholder (一般保证) without a contract number.
    {
        "case_id": "ON-2026-0004",
        "issue_date": "2026-11-23",
        "creditor_name": "江苏苏州高新农村商业银行股份有限公司狮山支行",
        "creditor_address": "江苏省苏州市高新区狮山路35号",
        "contact_person": "潘晓东",
        "contact_phone": "0512-68098123",
        "debtor_name": "苏州高新区恒瑞精密模具有限公司",
        "debtor_id_no": make_uscc("320505", "MA1MQ7C2"),
        "debtor_address": "江苏省苏州市高新区竹园路209号",
        "contract_name": "固定资产借款合同",
        "contract_no": "SZGX-GD-2023-0915-006",
        "contract_date": "2023-09-15",
        "loan_amount": "1,200,000.00",
        "loan_date": "2023-09-20",
        "loan_maturity_date": "2028-09-19",
        "overdue_since": "2026-09-21",
        # Repaid in instalments: limitation from the last one, the maturity date (Art. 189).
        "debt_type": "分期履行债务",
        "amounts_as_of": "2026-11-21",
        "overdue_principal": "60,000.00",
        "overdue_interest": "12,408.33",
        "penalty_interest": "1,302.87",
        "compound_interest": "93.05",
        "dispute_resolution": "向苏州市虎丘区人民法院提起诉讼",
        "payee_name": "苏州高新区恒瑞精密模具有限公司",
        "payee_bank": "江苏苏州高新农村商业银行股份有限公司狮山支行",
        "payee_account": "0706 6781 2000 0566 8",
        "guarantors": [
            {
                "guarantor_name": "苏州新区华鼎实业投资有限公司",
                "guarantor_id_no": make_uscc("320505", "MA1P2UJ9"),
                "guarantor_address": "江苏省苏州市高新区滨河路1588号广融大厦20楼",
                "guarantee_type": "连带责任保证",
                "guarantee_contract_no": "SZGX-BZ-2023-0915-006",
            },
            {
                "guarantor_name": "沈建国",
                "guarantor_address": "江苏省苏州市姑苏区干将西路1218号5幢302室",
                "guarantee_type": "一般保证",
            },
        ],
    },
    {
        **bank,
        "case_id": "ON-2026-0005",
        "issue_date": "2026-11-06",
        "debtor_name": "杭州余杭绿野农业开发有限公司",
        "debtor_address": "浙江省杭州市余杭区径山镇径山村72号",
        "contract_name": "流动资金借款合同",
        "contract_no": "LPNS-LD-2025-0512-007",
        "contract_date": "2025-05-12",
        "loan_amount": 500000,
        "loan_date": "2025-05-13",
        "loan_maturity_date": "2026-05-12",
        "overdue_since": "2026-05-13",
        "amounts_as_of": "2026-10-31",
        "overdue_principal": 480000,
        "overdue_interest": "9,520.00",
        "penalty_interest": "6,880.00",
        "compound_interest": "142.80",
        "guarantors": [
            {
                "guarantor_name": "吴国平",
                "guarantor_id_no": make_ric("330125", "19700408", "031"),
                "guarantor_address": "浙江省杭州市余杭区径山镇径山村72号",
                "guarantee_type": "连带责任保证",
                "guarantee_contract_no": "LPNS-BZ-2025-0512-007",
                "guarantee_period_end": "2028-05-12",
            }
        ],
    },
]
(OUT / "overdue-notice.json").write_text(
    json.dumps({"cases": overdue_cases}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
)

# ------------------------------------------------------------------ errors/goods-payment-with-mistakes.csv
ERR_HEADERS = [
    "case_id",
    "issue_date",
    "creditor_name",
    "contact_person",
    "contact_phone",
    "debtor_name",
    "debtor_id_no",
    "debtor_address",
    "contract_name",
    "goods_description",
    "late_fee_rate",
    "item_name",
    "due_date",
    "amount_due",
    "amount_paid",
]
base = {
    "issue_date": "2026-11-20",
    "creditor_name": SHENJIANG[0],
    "contact_person": "王晓明",
    "contact_phone": "021-58881234",
    "contract_name": "工业设备买卖合同",
    "goods_description": "数控加工中心",
}
rows = [
    # E-01: "1.2万" is not an amount; the second row names the debtor differently.
    {
        **base,
        "case_id": "E-01",
        "debtor_name": HUAXIN[0],
        "debtor_address": HUAXIN[2],
        "item_name": "货款",
        "due_date": "2026-08-31",
        "amount_due": "1.2万",
    },
    {
        **base,
        "case_id": "E-01",
        "debtor_name": "杭州华信电子科技有限公司",
        "debtor_address": HUAXIN[2],
        "item_name": "货款",
        "due_date": "2026-09-30",
        "amount_due": "16409.02",
    },
    # E-02: "12,34a" as the paid amount.
    {
        **base,
        "case_id": "E-02",
        "debtor_name": "嘉兴南湖明远纺织有限公司",
        "debtor_address": "浙江省嘉兴市南湖区中环南路1001号",
        "item_name": "货款",
        "due_date": "2026-07-31",
        "amount_due": "20000.00",
        "amount_paid": "12,34a",
    },
    # E-03: paid more than due.
    {
        **base,
        "case_id": "E-03",
        "debtor_name": "绍兴柯桥锦程印染有限公司",
        "debtor_address": "浙江省绍兴市柯桥区柯岩街道鉴湖路18号",
        "item_name": "货款",
        "due_date": "2026-07-31",
        "amount_due": "5000.00",
        "amount_paid": "5800.00",
    },
    # E-04: 2026-02-30 does not exist.
    {
        **base,
        "case_id": "E-04",
        "debtor_name": "湖州吴兴恒泰建材有限公司",
        "debtor_address": "浙江省湖州市吴兴区凤凰路66号",
        "item_name": "货款",
        "due_date": "2026-02-30",
        "amount_due": "8800.00",
    },
    # E-05: due after the issue date (not yet due).
    {
        **base,
        "case_id": "E-05",
        "debtor_name": "金华婺城兴旺电器有限公司",
        "debtor_address": "浙江省金华市婺城区八一南街200号",
        "item_name": "货款",
        "due_date": "2026-12-15",
        "amount_due": "6600.00",
    },
    # E-06: the required debtor_address is empty; the rate has no unit.
    {
        **base,
        "case_id": "E-06",
        "debtor_name": "台州路桥顺风汽配有限公司",
        "debtor_address": "",
        "late_fee_rate": "0.05%",
        "item_name": "货款",
        "due_date": "2026-06-30",
        "amount_due": "9300.00",
    },
    # E-07: the 统一社会信用代码's check digit is wrong (last character changed).
    {
        **base,
        "case_id": "E-07",
        "debtor_name": HUAXIN[0],
        "debtor_id_no": HUAXIN[1][:-1] + ("A" if HUAXIN[1][-1] != "A" else "B"),
        "debtor_address": HUAXIN[2],
        "item_name": "货款",
        "due_date": "2026-08-31",
        "amount_due": "7200.00",
    },
    # No case_id: the row belongs to no case.
    {
        **base,
        "case_id": "",
        "debtor_name": "衢州柯城鸿达机械有限公司",
        "debtor_address": "浙江省衢州市柯城区荷花中路9号",
        "item_name": "货款",
        "due_date": "2026-08-31",
        "amount_due": "3100.00",
    },
]
buffer = io.StringIO()
writer = csv.writer(buffer, lineterminator="\r\n")
writer.writerow(ERR_HEADERS)
for row in rows:
    writer.writerow([row.get(h, "") for h in ERR_HEADERS])
(OUT / "errors" / "goods-payment-with-mistakes.csv").write_text(buffer.getvalue(), encoding="utf-8")
print("HUAXIN uscc", HUAXIN[1])
