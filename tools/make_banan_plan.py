#!/usr/bin/env python3
"""Builds src/main/resources/plans/banan-2025.yaml from ../shared/seed-data/plan-2025.csv.

Run from the repository root: python3 tools/make_banan_plan.py ../shared/seed-data/plan-2025.csv
The 125 key projects are synthetic (names from seed-data/NOTES.md), deterministic, and sum exactly to
124亿 (70 government-funded) and 123亿 (55 socially funded).
"""
import csv, json, random, sys

BACK_LOADED = [0.03, 0.07, 0.13, 0.20, 0.28, 0.37, 0.46, 0.55, 0.65, 0.76, 0.88, 1.0]
OWNERS = {
    "macro_economy": "区发展改革委", "industry": "区经济信息委", "innovation": "区科技局",
    "investment_projects": "区发展改革委", "consumption": "区商务委", "livelihood": "区人力社保局",
    "logistics_trade": "区商务委", "environment": "区生态环境局", "agriculture": "区农业农村委",
    "infrastructure": "区住房城乡建委", "reform": "区发展改革委", "other": "区政府办公室",
}
STREAM_SOURCES = {
    "cross_border_truck_departures": ("truck_departures:count", 1, "区商务委"),
    "cross_border_truck_cargo_value": ("truck_departures:cargo_value", 1e8, "区商务委"),
    "hub_throughput": ("hub_throughput:tonnes", 1e4, "区物流办"),
    "hub_foreign_trade_value": ("trade_declarations:value", 1e8, "区商务委"),
}
ROLLUPS = {
    "key_projects_annual_planned_investment": None,
    "gov_key_projects_annual_investment": "key_projects_annual_planned_investment",
    "social_key_projects_annual_investment": "key_projects_annual_planned_investment",
}
GOV_NAMES = [
    ("渝湘高铁巴南段配套工程", "Yu-Xiang high-speed rail, Banan section works"),
    ("新燕尾山隧道一期", "New Yanweishan tunnel, phase 1"),
    ("渝黔复线高速连接道", "Yu-Qian second expressway link road"),
    ("李家沱复线桥南引道马王坪立交", "Lijiatuo bridge south approach, Mawangping interchange"),
    ("茶惠大道", "Chahui Avenue"),
    ("鹿角隧道", "Lujiao tunnel"),
    ("鹿角隧道东延伸段", "Lujiao tunnel eastern extension"),
    ("黄桷坪长江大桥", "Huangjueping Yangtze bridge"),
    ("鱼洞长江大桥南桥头立交", "Yudong Yangtze bridge south interchange"),
    ("藻渡水库", "Zaodu reservoir"),
    ("春龙水库", "Chunlong reservoir"),
    ("公路物流基地建筑垃圾资源化利用项目", "Road logistics base construction-waste recycling"),
    ("区疾控中心整体迁建", "District CDC relocation"),
    ("滨江路学校", "Binjiang Road school"),
    ("鹿角学校", "Lujiao school"),
    ("界石S分区小学", "Jieshi zone S primary school"),
    ("佛耳岩码头滚装泊位改造", "Foeryan port ro-ro berth retrofit"),
    ("佛耳岩海关监管作业场所", "Foeryan customs supervision site"),
    ("南彭站国际班列配套", "Nanpeng station international train facilities"),
    ("轨道交通24号线配套工程", "Metro line 24 supporting works"),
    ("轨道交通27号线配套工程", "Metro line 27 supporting works"),
    ("轨道交通3号线适老化改造", "Metro line 3 age-friendly retrofit"),
    ("云篆山峡谷健身步道", "Yunzhuanshan canyon fitness trail"),
    ("城市更新片区综合改造", "Urban renewal area redevelopment"),
    ("老旧小区改造", "Old residential compound renovation"),
]
SOC_NAMES = [
    ("新发地东盟国际食品产业园", "Xinfadi ASEAN international food industrial park"),
    ("新发地东盟国际农产品集散交易中心", "Xinfadi ASEAN agricultural produce trading centre"),
    ("巴南粮食仓储", "Banan grain storage"),
    ("德佑物流园", "Deyou logistics park"),
    ("安信物流园", "Anxin logistics park"),
    ("火锅食材加工产业园", "Hotpot ingredients processing park"),
    ("东盟大宗商品交易中心", "ASEAN bulk commodity trading centre"),
    ("长安新能源交付中心", "Changan new-energy delivery centre"),
    ("西部国际汽摩城", "Western international auto & motorcycle city"),
    ("智翔金泰二期", "Genrix Bio phase 2"),
    ("仲恩药业", "Zhong'en pharmaceuticals"),
    ("华智创新疫苗中试平台", "Huazhi vaccine pilot platform"),
    ("重庆国际免疫研究院", "Chongqing International Institute of Immunology"),
    ("铃耀整车项目", "Lingyao complete-vehicle plant"),
    ("智能网联新能源汽车智慧工厂", "Intelligent connected NEV smart factory"),
    ("凯凌科技项目", "Kailing technology project"),
    ("宗申航发产业化扩建", "Zongshen aero-engine expansion"),
    ("美利信科技项目", "Millison technology project"),
    ("宏美科技项目", "Hongmei technology project"),
    ("惠科金渝面板扩能", "HKC Jinyu panel capacity expansion"),
    ("惠科显示模组生产线", "HKC display module line"),
    ("重庆先进显示功能材料创新基地", "Chongqing advanced display materials base"),
    ("中天寰宇低空飞行项目", "Zhongtian Huanyu low-altitude flight project"),
    ("奇芯光电项目", "Qixin optoelectronics project"),
    ("腾龙5G公园", "Tenglong 5G park"),
    ("云篆山国际冰雪度假区", "Yunzhuanshan international ice & snow resort"),
    ("华熙夜间文旅消费聚集区", "Huaxi night-time culture & tourism cluster"),
    ("中通快递货运公司", "ZTO Express freight company"),
]
GENERIC_GOV = [("巴南区{}片区道路工程", "{} area road works"), ("巴南区{}镇污水管网工程", "{} town sewer network"),
               ("巴南区{}街道城市更新", "{} subdistrict urban renewal"), ("巴南区{}片区学校建设", "{} area school construction")]
GENERIC_SOC = [("{}智能制造项目", "{} smart manufacturing project"), ("{}物流仓储项目", "{} logistics warehousing project"),
               ("{}生物医药项目", "{} biomedicine project")]
PLACES = [("鱼洞", "Yudong"), ("龙洲湾", "Longzhouwan"), ("李家沱", "Lijiatuo"), ("界石", "Jieshi"), ("南彭", "Nanpeng"),
          ("花溪", "Huaxi"), ("一品", "Yipin"), ("木洞", "Mudong"), ("惠民", "Huimin"), ("南泉", "Nanquan"),
          ("东温泉", "Dongwenquan"), ("麻柳嘴", "Maliuzui"), ("接龙", "Jielong"), ("石龙", "Shilong"), ("二圣", "Ersheng"),
          ("圣灯山", "Shengdengshan"), ("丰盛", "Fengsheng"), ("姜家", "Jiangjia"), ("天星寺", "Tianxingsi"), ("石滩", "Shitan")]


def projects(prefix, count, total_yi, named, generic, parent, rng):
    names = list(named)
    i = 0
    while len(names) < count:
        z, e = generic[i % len(generic)]
        pz, pe = PLACES[(i // len(generic)) % len(PLACES)]
        names.append((z.format(pz), e.format(pe)))
        i += 1
    # amounts in units of 0.01亿 (100万元), summing exactly to the total
    total = round(total_yi * 100)
    weights = [rng.lognormvariate(0, 0.8) for _ in range(count)]
    s = sum(weights)
    parts = [max(5, round(total * w / s)) for w in weights]
    parts[parts.index(max(parts))] += total - sum(parts)
    out = []
    for k, ((zh, en), cents) in enumerate(zip(names[:count], parts), start=1):
        out.append({
            "id": f"{prefix}_{k:03d}", "name_zh": zh, "name_en": en, "category": "investment_projects",
            "unit": "CNY_100M", "kind": "cumulative_flow", "comparator": "at_least", "target": cents / 100,
            "scale": 1e8, "schedule": BACK_LOADED, "parent": parent, "source": "project_progress",
            "owner": "区发展改革委" if prefix == "kp_gov" else "区投资促进中心",
        })
    return out


def num(s):
    v = float(s)
    return int(v) if v == int(v) else v


def main(csv_path, out_path):
    rng = random.Random(2025)
    targets, qualitative = [], []
    for r in csv.DictReader(open(csv_path, encoding="utf-8")):
        if r["kind"] == "qualitative":
            qualitative.append({"id": r["id"], "name_zh": r["name_zh"], "name_en": r["name_en"], "category": r["category"],
                                "unit": r["unit"], "note": r["quote"]})
            continue
        t = {"id": r["id"], "name_zh": r["name_zh"], "name_en": r["name_en"], "category": r["category"], "unit": r["unit"],
             "kind": r["kind"], "comparator": r["comparator"], "target": num(r["target"])}
        if r["baseline_2024"]:
            t["baseline"] = num(r["baseline_2024"])
        if r["id"] in STREAM_SOURCES:
            src, scale, owner = STREAM_SOURCES[r["id"]]
            t.update(source=src, scale=scale, owner=owner)
        elif r["id"] in ROLLUPS:
            t.update(source="children", comparator="at_least", schedule=BACK_LOADED, parent=ROLLUPS[r["id"]])
        else:
            t["source"] = "indicator_report"
        t.setdefault("owner", OWNERS.get(r["category"], "区发展改革委"))
        if r["binding"] == "true":
            t["binding"] = True
        targets.append(t)
    targets += projects("kp_gov", 70, 124, GOV_NAMES, GENERIC_GOV, "gov_key_projects_annual_investment", rng)
    targets += projects("kp_soc", 55, 123, SOC_NAMES, GENERIC_SOC, "social_key_projects_annual_investment", rng)

    lines = ["# The 2025 plan of Banan District, Chongqing (seed 004, 附件2 and sections 二/三).",
             "# Generated by tools/make_banan_plan.py from shared/seed-data/plan-2025.csv; the kp_* projects are synthetic.",
             "year: 2025", "district: \"500113\"", "district_name: 巴南区", "timezone: Asia/Shanghai", "report_deadline_day: 10",
             "thresholds: {ahead: 0.10, lagging: -0.05, severely_lagging: -0.15}", "targets:"]
    keys = ["id", "name_zh", "name_en", "category", "unit", "kind", "comparator", "target", "scale", "baseline",
            "schedule", "parent", "source", "filter", "owner", "binding"]
    for t in targets:
        first = True
        for k in keys:
            if k not in t or t[k] is None:
                continue
            v = t[k]
            if isinstance(v, float) and v >= 1e4 and v == int(v):
                val = f"{v:.0e}".replace("e+0", "e").replace("+", "")
            else:
                val = json.dumps(v, ensure_ascii=False)
            lines.append(("  - " if first else "    ") + f"{k}: {val}")
            first = False
    lines.append("# Qualitative targets: shown on boards, never evaluated.")
    lines.append("qualitative_targets:")
    for q in qualitative:
        lines.append("  - " + json.dumps(q, ensure_ascii=False))
    open(out_path, "w", encoding="utf-8").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/seed-data/plan-2025.csv",
         sys.argv[2] if len(sys.argv) > 2 else "src/main/resources/plans/banan-2025.yaml")
