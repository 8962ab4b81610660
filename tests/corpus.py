"""A seeded, realistic journal for tests and benchmarks.

``generate_tables(n_entries, n_contacts, seed)`` returns the whole data-file structure (see
docs/data-format.md) with lean documents and deterministic 26-char ULIDs, so the same seed gives
the same bytes on every machine. The data looks like a bank / account manager's diary: Chinese,
English and mixed names and events, clients (organisations) with contacts and projects, entries
over months or years with statuses, times, tags, expenses and day notes.

Fixed landmarks tests rely on (always present, whatever the seed):

* contacts ``张伟`` at 工商银行 and ``张伟`` at 建设银行 (namesakes), ``赵文`` (same initials ``zw``),
  ``欧阳娜娜`` and ``诸葛亮`` (unique pinyin), ``Alice Johnson`` (English); no other contact is
  named like them;
* organisations ``工商银行`` and ``建设银行`` (first two), ``Acme Corp``;
* ``ANCHOR`` (2026-11-23, a Monday) is the corpus' "today": entries after it are planned (or
  cancelled), most before it are done.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

ANCHOR = date(2026, 11, 23)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

FIXED_CONTACTS = ("张伟", "张伟", "赵文", "欧阳娜娜", "诸葛亮", "Alice Johnson")
_SURNAMES = "王李刘陈杨黄吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢"
_GIVEN = ["芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
          "秀英", "华", "慧", "建华", "志强", "晓东", "斌", "婷", "雪", "鹏", "海燕", "玉兰", "俊", "琳"]
_FIRST = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Irene", "Jack",
          "Karen", "Leo", "Mia", "Nathan", "Olivia", "Peter", "Quinn", "Rachel", "Sam", "Tina"]
_LAST = ["Smith", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "Wright",
         "Green", "Hall", "Wood", "Clarke", "Jackson", "Hughes", "Lewis", "Young", "King", "Chan", "Wong"]
_CITIES = ["北京", "上海", "深圳", "广州", "杭州", "成都", "武汉", "南京", "苏州", "天津", "重庆", "西安",
           "厦门", "青岛", "宁波", "长沙"]
_CORES = ["恒通", "华信", "远大", "鼎盛", "宏图", "金桥", "瑞丰", "新元", "博达", "天成", "安泰", "永昌",
          "隆基", "中联", "嘉禾", "东方", "振华", "富康", "海川", "盛世", "星辰", "汇丰达", "锦程", "万象"]
_SUFFIXES = ["科技有限公司", "贸易有限公司", "实业集团", "投资控股", "制造有限公司", "物流有限公司"]
_EN_CORES = ["Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
             "Tyrell", "Cyberdyne", "Wonka", "Oscorp", "Massive", "Dynamic", "Northwind", "Contoso"]
_EN_SUFFIXES = ["Industries", "Holdings", "Trading", "Logistics", "Capital", "Foods", "Systems", "Ltd"]
_EVENTS = ["Client visit", "Call with {c}", "Lunch with {c}", "Quarterly review", "Site visit at {o}",
           "Loan renewal meeting", "Follow-up email", "Proposal sent to {o}", "Credit committee",
           "Team stand-up", "KYC document check", "拜访{o}", "和{c}电话沟通", "与{c}午餐", "季度回顾会议",
           "贷款续期洽谈", "授信审批会", "跟进{p}进度", "发送报价", "客户答谢晚宴", "开户资料审核",
           "QBR 季度业务回顾", "KYC 复核", "FX 报价 for {o}", "Demo 演示 {p}"]
_SENTENCES = ["Discussed pricing and next steps.", "客户对利率比较敏感。", "Need to send the term sheet.",
              "对方希望下周再约。", "Agreed on a pilot.", "资料已经齐全，等待审批。", "Follow up with legal.",
              "提到明年有扩产计划。", "Asked about FX hedging.", "需要补充财务报表。"]
_TAGS = ["visit", "call", "loan", "fx", "vip", "kyc", "拜访", "跟进", "授信", "expense", "internal"]
_TITLES = ["客户经理", "财务总监", "CFO", "Treasurer", "采购经理", "Head of Operations", "总经理"]
_PROJECT_KINDS = ["授信项目", "ERP rollout", "Loan renewal", "现金管理", "FX hedging", "代发工资",
                  "Trade finance", "供应链金融"]


def _lean(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not None and v != "" and v != []}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ulid(rng: random.Random, moment: datetime) -> str:
    """A ULID (48-bit ms time + 80 seeded random bits) in Crockford base32."""
    value = (int(moment.timestamp() * 1000) << 80) | rng.getrandbits(80)
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1))


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59),
                    rng.randint(0, 59), rng.randint(0, 999_999), tzinfo=UTC)


def _org_names(rng: random.Random, n: int) -> list[str]:
    names = ["工商银行", "建设银行", "Acme Corp"]
    seen = set(names)
    attempts = 0
    while len(names) < n:
        attempts += 1
        if rng.random() < 0.7:
            name = rng.choice(_CITIES) + rng.choice(_CORES) + rng.choice(_SUFFIXES)
        else:
            name = f"{rng.choice(_EN_CORES)} {rng.choice(_EN_SUFFIXES)}"
        if name in seen:
            if attempts < 20 * n:
                continue
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names[:n]


def _person(rng: random.Random) -> str:
    while True:
        r = rng.random()
        if r < 0.6:
            name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        elif r < 0.95:
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        else:
            name = f"{rng.choice(_FIRST)} {rng.choice(_SURNAMES)}"
        if name not in FIXED_CONTACTS:
            return name


def generate_tables(n_entries: int, n_contacts: int, seed: int = 1) -> dict[str, Any]:
    """The full data-file structure: entries, contacts, projects, organisations, days, meta."""
    rng = random.Random(seed)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    n_contacts = max(n_contacts, len(FIXED_CONTACTS))
    orgs: dict[str, dict[str, Any]] = {}
    for name in _org_names(rng, max(8, n_contacts // 8)):
        moment = base + timedelta(seconds=rng.randint(0, 10**8))
        orgs[_ulid(rng, moment)] = _lean({
            "name": name, "industry": rng.choice(["银行", "Manufacturing", "Retail", "物流", ""]),
            "created_at": _stamp(moment), "updated_at": _stamp(moment)})
    org_ids = list(orgs)

    contacts: dict[str, dict[str, Any]] = {}
    for i in range(n_contacts):
        name = FIXED_CONTACTS[i] if i < len(FIXED_CONTACTS) else _person(rng)
        org = org_ids[i] if i < 2 else (rng.choice(org_ids) if rng.random() < 0.85 else None)
        moment = base + timedelta(seconds=rng.randint(0, 10**8))
        birthday = None
        if rng.random() < 0.3:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            birthday = (f"{rng.randint(1960, 1998)}-{month:02d}-{day:02d}" if rng.random() < 0.7
                        else f"--{month:02d}-{day:02d}")
        contacts[_ulid(rng, moment)] = _lean({
            "name": name, "organisation_id": org, "title": rng.choice(_TITLES + [""] * 3),
            "phones": [f"+86 13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"] if rng.random() < 0.7 else [],
            "emails": [f"c{i}@example.com"] if rng.random() < 0.5 else [],
            "birthday": birthday, "tier": rng.choice(["VIP", "A", "B", "C"]) if rng.random() < 0.4 else None,
            "cadence_days": rng.choice([7, 14, 30, 60, 90]) if rng.random() < 0.2 else None,
            "tags": sorted(set(rng.sample(_TAGS, rng.randint(1, 2)))) if rng.random() < 0.2 else [],
            "notes": "喜欢喝茶" if rng.random() < 0.1 else "",
            "created_at": _stamp(moment), "updated_at": _stamp(moment)})
    contact_ids = list(contacts)
    key_accounts = contact_ids[: max(6, n_contacts // 20)]

    projects: dict[str, dict[str, Any]] = {}
    for _ in range(max(5, n_contacts // 5)):
        org = rng.choice(org_ids) if rng.random() < 0.85 else None
        prefix = orgs[org]["name"][:4] if org else rng.choice(["Internal", "内部"])
        moment = base + timedelta(seconds=rng.randint(0, 10**8))
        projects[_ulid(rng, moment)] = _lean({
            "name": f"{prefix} {rng.choice(_PROJECT_KINDS)} {rng.randint(2024, 2027)}",
            "organisation_id": org,
            "status": rng.choice(["active"] * 6 + ["paused", "done", "cancelled"]),
            "created_at": _stamp(moment), "updated_at": _stamp(moment)})
    project_ids = list(projects)

    span = max(90, n_entries // 7)
    entries: dict[str, dict[str, Any]] = {}
    for _ in range(n_entries):
        day = ANCHOR + timedelta(days=rng.randint(-span, 30))
        r = rng.random()
        if day > ANCHOR:
            status = "planned" if r < 0.95 else "cancelled"
        else:
            status = "done" if r < 0.85 else ("planned" if r < 0.93 else "cancelled")
        k = rng.random()
        n_links = 0 if k < 0.25 else (1 if k < 0.75 else rng.randint(2, 3))
        cids = sorted({rng.choice(key_accounts) if rng.random() < 0.2 else rng.choice(contact_ids)
                       for _ in range(n_links)})
        pids = [rng.choice(project_ids)] if rng.random() < 0.35 else []
        oids = [rng.choice(org_ids)] if rng.random() < 0.25 else []
        c_name = contacts[cids[0]]["name"] if cids else "客户"
        o_name = orgs[oids[0]]["name"] if oids else rng.choice(["客户", "the client"])
        p_name = projects[pids[0]]["name"] if pids else "项目"
        event = rng.choice(_EVENTS).format(c=c_name, o=o_name, p=p_name)
        time = end = None
        if rng.random() < 0.85:
            start = rng.randint(7 * 4, 20 * 4) * 15
            time = f"{start // 60:02d}:{start % 60:02d}"
            if rng.random() < 0.5:
                stop = min(start + rng.choice([30, 45, 60, 90, 120, 180]), 23 * 60 + 59)
                end = f"{stop // 60:02d}:{stop % 60:02d}"
        summary = ""
        if rng.random() < 0.6:
            summary = (" " if rng.random() < 0.5 else "\n").join(
                rng.sample(_SENTENCES, rng.randint(1, 3)))
        expenses = []
        if rng.random() < 0.06:
            expenses = [{"amount": round(rng.uniform(20, 2000), 2),
                         "currency": rng.choice(["CNY", "CNY", "CNY", "USD", "HKD", "EUR"]),
                         "note": rng.choice(["taxi", "午餐", "hotel", "礼品"])}]
        moment = _moment(rng, min(day, ANCHOR) - timedelta(days=rng.randint(0, 3)))
        entries[_ulid(rng, moment)] = _lean({
            "date": day.isoformat(), "time": time, "end_time": end, "event": event,
            "summary": summary, "contact_ids": cids, "project_ids": pids, "organisation_ids": oids,
            "tags": sorted(set(rng.sample(_TAGS, rng.randint(0, 3)))), "status": status,
            "expenses": expenses, "created_at": _stamp(moment), "updated_at": _stamp(moment)})

    days: dict[str, dict[str, Any]] = {}
    for offset in range(-span, 31, 9):
        day = ANCHOR + timedelta(days=offset)
        moment = _moment(rng, min(day, ANCHOR))
        days[day.isoformat()] = {"note": rng.choice(["Busy day.", "今天在外面跑客户。", "WFH"]),
                                 "created_at": _stamp(moment), "updated_at": _stamp(moment)}

    return {"contacts": contacts, "days": days, "entries": entries,
            "meta": {"schema": {"schema_version": 1}}, "organisations": orgs, "projects": projects}
