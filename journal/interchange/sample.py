"""A realistic fortnight of a bank customer manager, offered on first run.

An empty journal teaches nothing; this sample shows what the app is for: clients (organisations)
with their people and projects, visits, calls, lunches and internal meetings in Chinese and English,
two contacts both called 张伟 at different firms, planned entries in the coming days and one
cancelled dinner. The daily routine shows too: visits and meetings planned ahead with their time
slots and ticked off, calls that came up, expenses, a few priorities, a plan carried over to today
and one left unfinished yesterday, 小结 notes, and last week's written review. It is written
through :class:`~journal.service.Journal`, exactly like typed entries, so it is ordinary data
afterwards. Dates are business days around ``today``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from journal.service import LinkRequest

if TYPE_CHECKING:
    from journal.service import Journal

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "huachen": {"name": "华辰精密机械有限公司", "industry": "制造业",
                "address": "苏州工业园区星湖街 88 号"},
    "lvyuan": {"name": "绿源食品集团", "industry": "食品", "address": "杭州市余杭区文一西路 1000 号"},
    "northwind": {"name": "Northwind Trading Ltd", "industry": "Import / export",
                  "address": "18 Harbour Road, Wan Chai, Hong Kong"},
    "xinghai": {"name": "上海星海物流有限公司", "industry": "物流"},
    "acme": {"name": "Acme Robotics", "industry": "Technology", "address": "深圳南山区科技园"},
}
CONTACTS: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    "zw_hc": ("张伟", "huachen", {"title": "财务总监", "tier": "VIP", "cadence_days": 14,
                                  "phones": ["+86 138 1234 5678"]}),
    "lina": ("李娜", "huachen", {"title": "总经理", "tier": "VIP", "birthday": "--03-15"}),
    "zw_xh": ("张伟", "xinghai", {"title": "采购经理", "tier": "B",
                                  "notes": "和华辰的张伟不是同一个人。"}),
    "wangfang": ("王芳", "lvyuan", {"title": "CFO", "tier": "A", "cadence_days": 30,
                                    "emails": ["wang.fang@lvyuan.example"]}),
    "emily": ("Emily Chen", "northwind", {"title": "Treasurer", "tier": "A",
                                          "emails": ["emily.chen@northwind.example"]}),
    "david": ("David Wong", "northwind", {"title": "Head of Operations", "tier": "B"}),
    "chenjing": ("陈静", "acme", {"title": "财务经理", "tier": "A"}),
    "tom": ("Tom Baker", "acme", {"title": "CEO", "tier": "VIP", "cadence_days": 30}),
    "liuyang": ("刘洋", None, {"title": "团队主管 (my team lead)", "tags": ["internal"]}),
}
PROJECTS: dict[str, tuple[str, str, str]] = {
    "loan": ("华辰 流动资金贷款 2000万", "huachen", "active"),
    "payroll": ("绿源 代发工资 payroll", "lvyuan", "active"),
    "tf": ("Northwind trade finance line", "northwind", "active"),
    "scf": ("星海 供应链金融", "xinghai", "paused"),
    "fx": ("Acme FX hedging", "acme", "active"),
}

# (business-day offset, time or time range, event, summary, contacts, projects, organisations,
#  tags, status)
_Row = tuple[int, str | None, str, str, list[str], list[str], list[str], list[str], str]
ENTRIES: list[_Row] = [
    (-8, "09:30-11:00", "拜访华辰精密机械", "和财务总监张伟、总经理李娜见面，讨论明年流动资金需求。\n"
     "- 预计需要 2000 万授信\n- 希望利率低于 3.5%\n下一步：准备授信方案。",
     ["zw_hc", "lina"], ["loan"], [], ["visit", "loan"], "done"),
    (-8, "14:00", "Call with Emily Chen", "Discussed LC volume for Q1. She will send last "
     "year's statements by Friday.", ["emily"], ["tf"], [], ["call"], "done"),
    (-8, "17:00-18:00", "团队周会", "本周目标：完成华辰授信材料；跟进绿源代发。", ["liuyang"], [], [],
     ["internal"], "done"),
    (-7, "10:00-11:30", "绿源食品 代发工资方案演示", "Presented the payroll package to 王芳 and HR: "
     "1,200 employees. 他们在和招商银行比较费率。", ["wangfang"], ["payroll"], [],
     ["visit", "payroll"], "done"),
    (-7, "15:00", "KYC document check", "Beneficial owner forms complete; passport copy of one "
     "director still missing.", ["david"], [], ["northwind"], ["kyc"], "done"),
    (-6, "09:00-10:00", "授信审批预审会", "Credit committee pre-review. 需要华辰近三年审计报告。",
     ["liuyang"], ["loan"], [], ["internal", "loan"], "done"),
    (-6, "12:00-13:30", "Lunch with Tom Baker", "Tom worries about USD/CNY volatility and wants a "
     "6-month forward. 💡 Offer a collar as well.", ["tom", "chenjing"], ["fx"], [], ["fx"],
     "done"),
    (-5, "10:30", "电话：张伟（星海物流）", "对方说项目暂停到明年一季度，等新仓库落地。",
     ["zw_xh"], ["scf"], [], ["call"], "done"),
    (-5, "16:00", "Review [draft] term sheet for 华辰", "Pricing 3.45%, 12 months, "
     "guarantee by the parent.", ["zw_hc"], ["loan"], [], ["loan"], "done"),
    (-4, "09:30-12:00", "Site visit at Acme Robotics factory", "新产线已经投产，产能提升 40%。\n"
     "Inventory looked healthy.", ["chenjing"], [], ["acme"], ["visit"], "done"),
    (-4, "14:00", "王芳 电话跟进", "She needs the fee schedule in Chinese and English.",
     ["wangfang"], ["payroll"], [], ["call"], "done"),
    (-3, "10:00-11:30", "Northwind quarterly review", "Volumes up 12% QoQ. Asked for a higher "
     "LC limit (USD 5m).", ["emily", "david"], ["tf"], [], ["visit", "qbr"], "done"),
    (-3, None, "整理客户拜访记录", "", [], [], [], ["admin"], "done"),
    (-2, "11:00", "华辰授信材料补充", "收到 2023–2025 审计报告，已转交审批。", ["zw_hc"],
     ["loan"], [], ["loan"], "done"),
    (-2, "15:30", "FX forward quote sent to Acme", "6M forward at 7.08; collar 7.02–7.15.",
     ["tom"], ["fx"], [], ["fx"], "done"),
    (-1, "09:00-10:00", "客户答谢晚宴筹备会", "定在下月 12 日，预计 40 位客户。", ["liuyang"], [], [],
     ["internal"], "done"),
    (-1, "14:00", "Call with 李娜 about the 2000万 facility", "She agrees with the covenant "
     "package; signing next week.", ["lina"], ["loan"], [], ["call", "loan"], "done"),
    (-1, "19:00", "绿源食品 dinner", "Postponed by the client.", ["wangfang"], [], [],
     ["dinner"], "cancelled"),
    (0, "09:00-09:30", "晨会 Morning stand-up", "", ["liuyang"], [], [], ["internal"], "done"),
    (0, "10:30-12:00", "拜访绿源食品 签署代发协议", "带两份协议原件和公章授权书。", ["wangfang"],
     ["payroll"], [], ["visit", "payroll"], "planned"),
    (0, "15:00", "Call with Emily Chen — LC documents", "", ["emily"], ["tf"], [], ["call"],
     "planned"),
    (1, "10:00-11:00", "授信审批会 Credit committee", "华辰 2000 万流动资金贷款上会。", ["liuyang"],
     ["loan"], [], ["loan", "internal"], "planned"),
    (1, "14:30-16:00", "Acme Robotics FX hedging 方案讲解", "", ["tom", "chenjing"], ["fx"], [],
     ["fx", "visit"], "planned"),
    (2, "09:30-11:00", "拜访星海物流", "Check whether the warehouse project is back on.", ["zw_xh"],
     [], ["xinghai"], ["visit"], "planned"),
    (3, "11:00-12:00", "华辰精密 签约", "Signing of the facility agreement.", ["zw_hc", "lina"],
     ["loan"], [], ["loan", "visit"], "planned"),
    (-2, "16:00-17:00", "准备 Northwind 授信额度申请材料", "USD 5m LC limit: financials, KYC "
     "refresh.", ["emily"], ["tf"], [], ["loan"], "planned"),
    (-1, None, "给王芳发中英文费率表", "", ["wangfang"], ["payroll"], [], ["follow-up"], "planned"),
]
#: Entries (by event) that were planned ahead: ticked off afterwards, they stay "done as planned";
#: the others came up on the day.
PLANNED_AHEAD = {"拜访华辰精密机械", "团队周会", "绿源食品 代发工资方案演示", "授信审批预审会",
                 "Lunch with Tom Baker", "Site visit at Acme Robotics factory",
                 "Northwind quarterly review", "客户答谢晚宴筹备会", "绿源食品 dinner",
                 "晨会 Morning stand-up"}
#: Expenses, priorities, and a plan carried over to today (by event).
EXPENSES = {"拜访华辰精密机械": ["45 CNY 打车"], "Lunch with Tom Baker": ["680 CNY 午餐"],
            "Site visit at Acme Robotics factory": ["348 CNY 高铁", "35 CNY 打车"],
            "Northwind quarterly review": ["120 HKD taxi"]}
PRIORITY = {"华辰精密 签约": "high", "授信审批会 Credit committee": "high",
            "整理客户拜访记录": "low"}
CARRIED_TO_TODAY = ("准备 Northwind 授信额度申请材料",)
DAY_NOTES = {-8: "季度末冲刺：存款目标还差 800 万。",
             -1: "小结：李娜同意契约条款，下周签约。\n问题：绿源晚宴改期，要重新约时间。\n"
                 "还没做：给王芳发中英文费率表。",
             0: "Focus: 绿源 signing, Emily's LC documents."}
LAST_WEEK_REVIEW = """## 本周工作
- 拜访华辰精密，确认 2000 万流动资金需求；授信预审通过，补充审计报告。
- 绿源代发工资方案演示，对方在和招商银行比较费率。

## 问题与风险
- 星海物流供应链金融项目暂停到明年一季度。

## 下周计划
- 华辰授信上会、签约；绿源代发协议签署。"""


def business_day(today: date, offset: int) -> date:
    """The ``offset``-th working day from ``today`` (0 is today itself, even on a weekend)."""
    day, step = today, (1 if offset > 0 else -1)
    for _ in range(abs(offset)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return day


def load_sample(journal: Journal, today: date) -> int:
    """Write the sample fortnight into ``journal``; returns the number of entries added."""
    orgs = {key: journal.add_document("organisation", fields.pop("name"), fields)[0].id
            for key, fields in ((k, dict(v)) for k, v in ORGANISATIONS.items())}
    contacts = {key: journal.add_document("contact", name, fields,
                                          organisation=orgs[org] if org else None)[0].id
                for key, (name, org, fields) in CONTACTS.items()}
    projects = {key: journal.add_document("project", name, {"status": status},
                                          organisation=orgs[org])[0].id
                for key, (name, org, status) in PROJECTS.items()}
    from journal.dates import parse_time_range
    from journal.routine.expenses import parse_expense
    from journal.routine.reviews import review_id

    carried = []
    for offset, time, event, summary, cs, ps, os_, tags, status in ENTRIES:
        start, end = parse_time_range(time) if time else (None, None)
        entry, _ = journal.add_entry(
            event=event, date=business_day(today, offset).isoformat(), time=start, end_time=end,
            summary=summary, status=status, tags=tags,
            links=LinkRequest(contacts=[contacts[c] for c in cs],
                              projects=[projects[p] for p in ps],
                              organisations=[orgs[o] for o in os_]),
            origin="planned" if event in PLANNED_AHEAD or status == "planned" else "",
            priority=PRIORITY.get(event, ""),
            expenses=[parse_expense(text, "CNY") for text in EXPENSES.get(event, ())])
        if event in CARRIED_TO_TODAY:
            carried.append(entry.id)
    journal.carry_entries(carried, today)
    for offset, note in DAY_NOTES.items():
        journal.set_day_note(business_day(today, offset).isoformat(), note)
    journal.set_review(review_id("week", today - timedelta(days=7)), LAST_WEEK_REVIEW)
    return len(ENTRIES)
