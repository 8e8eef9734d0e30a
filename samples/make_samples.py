"""Regenerate the bundled sample workbooks (deterministic): python samples/make_samples.py

The data are invented but shaped like real returns: a title above the header, amounts in 万元,
a few suspended projects (暂缓实施 / 不适用), inspection deductions, and a 社情民意 sheet whose
satisfaction is typed partly as numbers and partly as "93.5%". Needs xlsxwriter.

The cells are the same on every run, but xlsxwriter stamps the zip entries with the time of
writing, so the files' bytes (and the SHA-256 in the golden report) change: commit only the
samples you meant to change.
"""

from __future__ import annotations

import random
from pathlib import Path

import xlsxwriter
import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE.parent / "rules"

ANHUI_CITIES_2010 = [
    "合肥市", "芜湖市", "蚌埠市", "淮南市", "马鞍山市", "淮北市", "铜陵市", "安庆市", "黄山市",
    "滁州市", "阜阳市", "宿州市", "巢湖市", "六安市", "亳州市", "池州市", "宣城市",
]  # fmt: skip

# The 105 county-level units of 2010 under their cities (巢湖市 until 2011, with 庐江 and 无为).
ANHUI_COUNTIES_2010 = {
    "合肥市": ["瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县", "肥东县", "肥西县"],
    "芜湖市": ["镜湖区", "弋江区", "鸠江区", "三山区", "芜湖县", "繁昌县", "南陵县"],
    "蚌埠市": ["龙子湖区", "蚌山区", "禹会区", "淮上区", "怀远县", "五河县", "固镇县"],
    "淮南市": ["大通区", "田家庵区", "谢家集区", "八公山区", "潘集区", "凤台县"],
    "马鞍山市": ["金家庄区", "花山区", "雨山区", "当涂县"],
    "淮北市": ["杜集区", "相山区", "烈山区", "濉溪县"],
    "铜陵市": ["铜官山区", "狮子山区", "郊区", "铜陵县"],
    "安庆市": ["迎江区", "大观区", "宜秀区", "怀宁县", "枞阳县", "潜山县", "太湖县", "宿松县",
               "望江县", "岳西县", "桐城市"],
    "黄山市": ["屯溪区", "黄山区", "徽州区", "歙县", "休宁县", "黟县", "祁门县"],
    "滁州市": ["琅琊区", "南谯区", "来安县", "全椒县", "定远县", "凤阳县", "天长市", "明光市"],
    "阜阳市": ["颍州区", "颍东区", "颍泉区", "临泉县", "太和县", "阜南县", "颍上县", "界首市"],
    "宿州市": ["埇桥区", "砀山县", "萧县", "灵璧县", "泗县"],
    "巢湖市": ["居巢区", "庐江县", "无为县", "含山县", "和县"],
    "六安市": ["金安区", "裕安区", "寿县", "霍邱县", "舒城县", "金寨县", "霍山县"],
    "亳州市": ["谯城区", "涡阳县", "蒙城县", "利辛县"],
    "池州市": ["贵池区", "东至县", "石台县", "青阳县"],
    "宣城市": ["宣州区", "郎溪县", "广德县", "泾县", "绩溪县", "旌德县", "宁国市"],
}  # fmt: skip
# Set pace for a few counties, so the sample shows the award rules at work: in 阜阳市 (2
# places) 界首市 leads and 临泉县 and 太和县 tie on the quota line with the same figures, one
# 3-point deduction each on different 100-point projects; 资金保障 cannot part them, the survey
# does. 淮北市's counties all fall short of 良好, so its place stays empty.
COUNTY_PACE_2010 = {"界首市": 0.09, "临泉县": 0.03, "太和县": 0.03}
SLOW_CITY_2010 = "淮北市"
TWINS_2010 = {"临泉县": "农村五保供养", "太和县": "城乡医疗救助"}  # where each loses 3 points

# Rough size of each city's programme (more counties, more rural population: larger targets).
CITY_SCALE = {
    "合肥市": 1.3, "芜湖市": 0.9, "蚌埠市": 0.9, "淮南市": 0.7, "马鞍山市": 0.5, "淮北市": 0.6,
    "铜陵市": 0.3, "安庆市": 1.5, "黄山市": 0.6, "滁州市": 1.1, "阜阳市": 1.8, "宿州市": 1.4,
    "巢湖市": 1.1, "六安市": 1.6, "亳州市": 1.3, "池州市": 0.5, "宣城市": 0.8,
}  # fmt: skip

# (district, project, status) of projects not carried out in 2010.
SUSPENDED_2010 = {
    ("铜陵市", "光荣院建设"): "暂缓实施",
    ("淮北市", "大中型水库移民后期扶持"): "不适用",
    ("马鞍山市", "病险水库除险加固"): "暂缓实施",
}
DEDUCTIONS_2010 = {
    ("阜阳市", "农村公路“村村通”"): 5,
    ("宿州市", "中小学校舍安全工程"): 3,
    ("淮南市", "廉租住房保障"): 6,
    ("巢湖市", "农村饮水安全工程"): 3,
    ("六安市", "新型农村合作医疗"): 2,
    ("亳州市", "农村沼气建设"): 4,
    ("池州市", "城乡医疗救助"): 2,
}


def _workbook(path: Path):
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": path.stem, "author": "scorer samples", "created": None})
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        ),
        "number": workbook.add_format({"num_format": "#,##0.00"}),
    }
    return workbook, formats


def _sheet(
    workbook, formats, name: str, title: str, unit: str, header: list[str], rows: list[list]
):
    sheet = workbook.add_worksheet(name)
    sheet.write(0, 0, title, formats["title"])
    sheet.write(1, 0, unit)
    sheet.write_row(2, 0, header, formats["header"])
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, float):
                sheet.write_number(r, c, value, formats["number"])
            else:
                sheet.write(r, c, value)
    sheet.freeze_panes(3, 2)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, len(header), 11)
    return sheet


def _figures_2010(rng: random.Random, scale: float, diligence: float) -> list:
    """目标任务, 完成, 计划资金, 到位资金, 拨付资金, 督查评分 of one project of one place."""
    target = round(rng.uniform(80, 1200) * scale)
    rate = min(1.15, max(0.55, rng.gauss(1.0 + diligence, 0.06)))
    completed = round(target * rate)
    planned = round(rng.uniform(800, 12000) * scale, 1)
    in_place = round(planned * min(1.0, max(0.7, rng.gauss(0.97 + diligence / 2, 0.04))), 1)
    disbursed = round(in_place * min(1.0, max(0.6, rng.gauss(0.93 + diligence, 0.06))), 1)
    inspection = round(min(99.0, max(65.0, rng.gauss(88 + diligence * 60, 5))), 1)
    return [target, completed, planned, in_place, disbursed, inspection]


def make_anhui_2010(path: Path, mistakes: bool = False) -> None:
    """The 17 cities of 2010; with ``mistakes``, a return with the slips clerks make."""
    rng = random.Random(2010)
    scheme = yaml.safe_load((RULES / "anhui-2010.yaml").read_text(encoding="utf-8"))
    projects = [p for p in scheme["projects"] if p.get("level") != "district"]
    header = [
        "地区",
        "项目",
        "目标任务",
        "完成",
        "计划资金",
        "到位资金",
        "拨付资金",
        "督查评分",
        "扣分",
        "状态",
    ]
    rows = []
    for city in ANHUI_CITIES_2010:
        scale = CITY_SCALE[city]
        diligence = rng.uniform(-0.06, 0.04)  # some cities run ahead, some behind
        for project in projects:
            name = project["name"]
            status = SUSPENDED_2010.get((city, name))
            if status:
                rows.append([city, name, None, None, None, None, None, None, None, status])
                continue
            figures = _figures_2010(rng, scale, diligence)
            rows.append([city, name, *figures, DEDUCTIONS_2010.get((city, name)), None])
    if mistakes:
        rows[3][3] = "约1000"  # a word where a number belongs
        rows[40][2] = 0  # a zero target on a project carried out
        rows[70][1] = "农村五宝供养"  # a typo
        rows[100][1] = "村村通"  # roads or broadcasting?
        rows[130][6] = None  # a blank amount
    workbook, formats = _workbook(path)
    _sheet(
        workbook,
        formats,
        "2010年度民生工程",
        "安徽省2010年度民生工程实施情况汇总表",
        "资金单位：万元",
        header,
        rows,
    )
    survey = workbook.add_worksheet("社情民意")
    survey.write_row(0, 0, ["地区", "满意度"], formats["header"])
    for r, city in enumerate(ANHUI_CITIES_2010, start=1):
        value = round(rng.uniform(84, 96), 1)
        survey.write(r, 0, city)
        if r % 3 == 0:
            survey.write_string(r, 1, f"{value}%")  # typed as text, as some offices do
        else:
            survey.write_number(r, 1, value)
    workbook.close()


def make_anhui_2010_counties(path: Path) -> None:
    """The 105 county-level units of 2010, each under its city (所属市 merged down the city's
    rows, as offices lay it out); a 社情民意 sheet per county."""
    rng = random.Random(20100)
    scheme = yaml.safe_load((RULES / "anhui-2010.yaml").read_text(encoding="utf-8"))
    projects = [p["name"] for p in scheme["projects"] if p.get("level") != "district"]
    header = ["所属市", "县（市、区）", "项目", "目标任务", "完成", "计划资金", "到位资金",
              "拨付资金", "督查评分", "扣分", "状态"]  # fmt: skip
    rows: list[list] = []
    spans: list[tuple[int, int, str]] = []  # (first row, last row, city) of each city
    twin: list | None = None
    for city, counties in ANHUI_COUNTIES_2010.items():
        first = len(rows)
        scale = CITY_SCALE[city] / len(counties) * 3
        for county in counties:
            if county in TWINS_2010 and twin is not None:
                figures = twin  # the same figures as its twin: a tie to settle
            else:
                pace = COUNTY_PACE_2010.get(county)
                if pace is None:
                    pace = (
                        rng.uniform(-0.14, -0.10)
                        if city == SLOW_CITY_2010
                        else rng.uniform(-0.07, 0.03)
                    )
                figures = [_figures_2010(rng, scale, pace) for _ in projects]
                if county in TWINS_2010:
                    twin = figures
            for name, values in zip(projects, figures):
                deduction = 3 if TWINS_2010.get(county) == name else None
                status = "暂缓实施" if (county, name) == ("郊区", "光荣院建设") else None
                if status:
                    values = [None] * 6
                rows.append([city, county, name, *values, deduction, status])
        spans.append((first, len(rows) - 1, city))
        for row in rows[first + 1 :]:
            row[0] = None  # a merged cell keeps its value in its top-left cell only
    workbook, formats = _workbook(path)
    sheet = _sheet(workbook, formats, "2010年度县级民生工程",
                   "安徽省2010年度县（市、区）民生工程实施情况汇总表", "资金单位：万元",
                   header, rows)  # fmt: skip
    merged = workbook.add_format({"valign": "vcenter", "align": "center"})
    for first, last, city in spans:
        sheet.merge_range(first + 3, 0, last + 3, 0, city, merged)
    survey = workbook.add_worksheet("社情民意")
    survey.write_row(0, 0, ["县（市、区）", "满意度"], formats["header"])
    satisfaction = {"临泉县": 91.0, "太和县": 92.5}
    counties = [c for cs in ANHUI_COUNTIES_2010.values() for c in cs]
    for r, county in enumerate(counties, start=1):
        survey.write(r, 0, county)
        survey.write_number(r, 1, satisfaction.get(county, round(rng.uniform(84, 96), 1)))
    workbook.close()


TONGLING_EXPECTED = {6: 0.50, 7: 0.60, 8: 0.70}  # the scheme's 序时进度 for those months


def make_tongling_2015(path: Path, month: int) -> None:
    """One month's returns of Tongling's four districts: the year's targets and each project's
    pace stay, so months compare; this month's progress, survey and events vary."""
    year = random.Random(2015)  # targets, funds and each project's pace, the same every month
    rng = random.Random(201500 + month)
    scheme = yaml.safe_load((RULES / "tongling-2015.yaml").read_text(encoding="utf-8"))
    projects = [p["name"] for p in scheme["projects"] if p.get("level") != "district"]
    districts = ["铜官山区", "狮子山区", "郊区", "铜陵县"]
    header = [
        "县区",
        "项目",
        "年度目标",
        "累计完成",
        "满意度",
        "督查问题数",
        "表彰次数",
        "计划资金",
        "已拨付资金",
        "状态",
    ]
    expected = TONGLING_EXPECTED[month]
    rows = []
    for district in districts:
        for project in projects:
            target, pace = round(year.uniform(50, 800)), year.uniform(0.8, 1.15)
            planned, paid_pace = round(year.uniform(200, 3000), 1), year.uniform(0.6, 1.1)
            if (district, project) == ("铜官山区", "农村饮水安全工程"):
                rows.append([district, project, None, None, None, None, None, None, None, "不适用"])
                continue
            completed = round(target * min(1.0, expected * pace * rng.uniform(0.93, 1.07)))
            paid = round(planned * min(1.0, expected * paid_pace * rng.uniform(0.9, 1.1)), 1)
            rows.append([district, project, target, completed, round(rng.uniform(86, 97), 1),
                         rng.choice([None, None, None, 1, 2]),
                         rng.choice([None, None, None, None, 1]),
                         planned, paid, None])  # fmt: skip
    workbook, formats = _workbook(path)
    title = f"铜陵市2015年{month}月民生工程进展情况统计表"
    _sheet(workbook, formats, f"{month}月", title, "资金单位：万元；满意度：%", header, rows)
    workbook.close()


def make_mof_2022(path: Path) -> None:
    rng = random.Random(2022)
    counties = ["怀宁县", "潜山市", "太湖县", "宿松县", "望江县", "岳西县", "桐城市"]
    header = [
        "评价对象",
        "一级指标",
        "专家评分",
        "目标值",
        "实际值",
        "质量达标率",
        "预算数",
        "执行数",
        "满意度",
    ]
    rows = []
    for county in counties:
        rows.append(
            [county, "决策", round(rng.uniform(70, 98), 1), None, None, None, None, None, None]
        )
        budget = round(rng.uniform(1500, 6000), 1)
        rows.append(
            [
                county,
                "过程",
                round(rng.uniform(70, 98), 1),
                None,
                None,
                None,
                budget,
                round(budget * rng.uniform(0.78, 1.0), 1),
                None,
            ]
        )
        target = round(rng.uniform(2000, 9000))
        rows.append(
            [
                county,
                "产出",
                None,
                target,
                round(target * rng.uniform(0.85, 1.05)),
                round(rng.uniform(90, 100), 1),
                None,
                None,
                None,
            ]
        )
        rows.append(
            [
                county,
                "效益",
                round(rng.uniform(70, 98), 1),
                None,
                None,
                None,
                None,
                None,
                round(rng.uniform(78, 97), 1),
            ]
        )
    workbook, formats = _workbook(path)
    _sheet(
        workbook,
        formats,
        "评分表",
        "2022年度农村饮水安全工程项目支出绩效评价评分表",
        "资金单位：万元",
        header,
        rows,
    )
    workbook.close()


# The 六安市 2024 sample of the rule shapes (rules/shapes-2024.yaml): figures chosen by hand so
# that each rule shows (whole steps, a capped gain, a veto); tests/test_shapes.py works the same
# figures out from the published wording.
SHAPES_2024_UNITS = ["金安区", "裕安区", "叶集区", "霍邱县", "舒城县", "金寨县", "霍山县"]
SHAPES_2024_ROWS = {
    # project: unit -> (目标任务, 完成, 计划资金, 拨付资金, 结转结余, 整改天数, 覆盖率,
    #                   平均办理天数, 重大事故数)
    "农村道路畅通工程": {
        "金安区": (100, 112, 500, 520), "裕安区": (100, 109, 400, 395),
        "叶集区": (80, 76, 300, 270), "霍邱县": (120, 120, 600, 600, None, None, None, None, 1),
        "舒城县": (90, 99, 450, 470), "金寨县": (110, 99, 500, 450), "霍山县": (100, 104, 350, 365),
    },
    "植树造林": {
        "金安区": (20, 23, 100, 100), "裕安区": (20, 18, 100, 100), "叶集区": (15, 12, 100, 100),
        "霍邱县": (30, 37, 100, 100), "舒城县": (25, 25.5, 100, 100), "金寨县": (30, 26, 100, 100),
        "霍山县": (25, 27, 100, 100),
    },
    "资金结转结余": {
        "金安区": (None, None, 200, 180, 0, 5), "裕安区": (None, None, 200, 180, 18, 10),
        "叶集区": (None, None, 100, 90, 12, 20), "霍邱县": (None, None, 300, 270, 27, 0),
        "舒城县": (None, None, 250, 225, 45, 7), "金寨县": (None, None, 200, 180, 10, 15),
        "霍山县": (None, None, 150, 135, 15, 8),
    },
    "城市社区服务": {
        "金安区": (None, None, 1000, 950, None, None, 96, 5),
        "裕安区": (None, None, 1000, 900, None, None, 90, 7),
        "叶集区": (None, None, 1000, 800, None, None, 84, 9),
    },
    "农村饮水安全工程": {
        "霍邱县": (50, 50, 1000, 980), "舒城县": (60, 57, 1000, 850),
        "金寨县": (40, 38.8, 1000, 700), "霍山县": (45, 45, 1000, 920),
    },
    "高标准农田建设": {
        "霍邱县": (10, 9.5, 200, 180), "舒城县": (8, 8, 200, 180),
        "金寨县": (12, 10.2, 200, 180), "霍山县": (6, 6.3, 200, 180),
    },
}  # fmt: skip
SHAPES_2024_SURVEY = {
    "金安区": 92, "裕安区": 88, "叶集区": 95, "霍邱县": 90, "舒城县": 86, "金寨县": 93,
    "霍山县": 91,
}  # fmt: skip


def make_shapes_2024(path: Path) -> None:
    header = ["县区", "项目", "目标任务", "完成", "计划资金", "拨付资金", "结转结余", "整改天数",
              "覆盖率", "平均办理天数", "重大事故数"]  # fmt: skip
    rows = []
    for unit in SHAPES_2024_UNITS:
        for project, figures in SHAPES_2024_ROWS.items():
            if unit in figures:
                given = list(figures[unit]) + [None] * (9 - len(figures[unit]))
                rows.append([unit, project, *given])
    workbook, formats = _workbook(path)
    _sheet(workbook, formats, "2024年度民生工程", "六安市2024年度民生工程考核数据",
           "资金单位：万元", header, rows)  # fmt: skip
    survey = [[unit, SHAPES_2024_SURVEY[unit]] for unit in SHAPES_2024_UNITS]
    _sheet(workbook, formats, "社情民意", "2024年度社会问卷调查", "", ["县区", "满意度"], survey)
    workbook.close()


# The second sample of the rule shapes (rules/shapes-2025.yaml): yes/no answers, 功效系数法,
# standards interpolated, max()/if(), caps on bonuses, per-event deductions, the highest level
# reached, items by a column's value and a veto; tests/test_shapes_2025.py works the figures out.
SHAPES_MORE_HEADER = [
    "县区", "项目", "地区类型", "目标任务", "完成", "计划资金", "拨付资金", "收入增长率",
    "是否建立台账", "是否发生群体投诉", "应督查次数", "督查次数", "未整改问题数", "省级媒体篇数",
    "市级媒体篇数", "县级媒体篇数", "表彰次数", "推广经验数", "通报批评次数", "审计问题数",
    "重大事故数",
]  # fmt: skip
SHAPES_MORE_AREA = {"金安区": "城区", "裕安区": "城区", "叶集区": "城区", "霍邱县": "县",
                    "舒城县": "县", "金寨县": "县", "霍山县": "县"}  # fmt: skip
SHAPES_MORE_ROWS = {
    # project: unit -> {column: value}
    "便民服务": {
        "金安区": ("是", "否"), "裕安区": ("否", "否"), "叶集区": ("是", "是"),
        "霍邱县": ("是", "否"), "舒城县": ("是", "否"), "金寨县": ("否", "是"),
        "霍山县": ("是", "否"),
    },
    "财政收入与支出": {  # 收入增长率, 计划资金, 拨付资金
        "金安区": (13.5, 1000, 950), "裕安区": (9, 1000, 880), "叶集区": (5, 1000, 700),
        "霍邱县": (12, 1000, 990), "舒城县": (7.5, 1000, 800), "金寨县": (10, 1000, 760),
        "霍山县": (6, 1000, 930),
    },
    "项目绩效评价": {  # 目标任务, 完成, 计划资金, 拨付资金
        "金安区": (100, 100, 200, 150), "裕安区": (100, 95, 200, 196),
        "叶集区": (100, 85, 200, 180), "霍邱县": (100, 70, 200, 120),
        "舒城县": (100, 55, 200, 130), "金寨县": (100, 92, 200, 170),
        "霍山县": (100, 104, 200, 200),
    },
    "督查检查": {  # 应督查次数, 督查次数, 未整改问题数
        "金安区": (4, 4, 0), "裕安区": (4, 3, 1), "叶集区": (4, 1, 2), "霍邱县": (4, 5, 0),
        "舒城县": (4, 2, 3), "金寨县": (4, 0, 0), "霍山县": (4, 4, 1),
    },
    "宣传报道": {  # 省级, 市级, 县级媒体篇数
        "金安区": (1, 0, 0), "裕安区": (0, 3, 2), "叶集区": (0, 1, 3), "霍邱县": (0, 0, 0),
        "舒城县": (2, 2, 5), "金寨县": (0, 2, 0), "霍山县": (0, 1, 0),
    },
    "综合考核": {  # 目标任务, 完成, 表彰次数, 推广经验数, 通报批评次数, 审计问题数, 重大事故数
        "金安区": (100, 100, 2, 2, 0, 0, 0), "裕安区": (100, 90, 1, 0, 2, 3, 0),
        "叶集区": (100, 80, 0, 0, 1, 0, 0), "霍邱县": (100, 100, 1, 0, 0, 0, 1),
        "舒城县": (100, 95, 0, 1, 0, 1, 0), "金寨县": (100, 100, 3, 1, 4, 0, 0),
        "霍山县": (100, 98, 0, 0, 0, 0, 0),
    },
    "专项工作": {  # 目标任务, 完成, 表彰次数
        "金安区": (100, 100, 2), "裕安区": (100, 100, 0), "叶集区": (100, 90, 0),
        "霍邱县": (100, 100, 1), "舒城县": (100, 100, 0), "金寨县": (100, 100, 2),
        "霍山县": (100, 96, 0),
    },
    "城市管理": {"金安区": (100, 98), "裕安区": (100, 100), "叶集区": (100, 90)},
    "农业农村": {"霍邱县": (100, 95), "舒城县": (100, 88), "金寨县": (100, 100),
                 "霍山县": (100, 97)},
}  # fmt: skip
SHAPES_MORE_COLUMNS = {
    "便民服务": ["是否建立台账", "是否发生群体投诉"],
    "财政收入与支出": ["收入增长率", "计划资金", "拨付资金"],
    "项目绩效评价": ["目标任务", "完成", "计划资金", "拨付资金"],
    "督查检查": ["应督查次数", "督查次数", "未整改问题数"],
    "宣传报道": ["省级媒体篇数", "市级媒体篇数", "县级媒体篇数"],
    "综合考核": ["目标任务", "完成", "表彰次数", "推广经验数", "通报批评次数", "审计问题数",
                 "重大事故数"],
    "专项工作": ["目标任务", "完成", "表彰次数"],
    "城市管理": ["目标任务", "完成"],
    "农业农村": ["目标任务", "完成"],
}  # fmt: skip


def make_shapes_2025(path: Path) -> None:
    rows = []
    for unit, area in SHAPES_MORE_AREA.items():
        for project, figures in SHAPES_MORE_ROWS.items():
            if unit not in figures:
                continue
            row: list = [None] * len(SHAPES_MORE_HEADER)
            row[0], row[1], row[2] = unit, project, area
            for label, value in zip(SHAPES_MORE_COLUMNS[project], figures[unit]):
                row[SHAPES_MORE_HEADER.index(label)] = value
            rows.append(row)
    workbook, formats = _workbook(path)
    _sheet(workbook, formats, "2025年度民生工程", "六安市2025年度民生工程考核数据（示例二）",
           "资金单位：万元", SHAPES_MORE_HEADER, rows)  # fmt: skip
    workbook.close()


if __name__ == "__main__":
    make_anhui_2010(HERE / "2010.xlsx")
    make_anhui_2010(HERE / "2010-errors.xlsx", mistakes=True)
    make_anhui_2010_counties(HERE / "2010-counties.xlsx")
    for month in TONGLING_EXPECTED:
        make_tongling_2015(HERE / f"tongling-2015-{month:02d}.xlsx", month)
    make_mof_2022(HERE / "mof-2022.xlsx")
    make_shapes_2024(HERE / "shapes-2024.xlsx")
    make_shapes_2025(HERE / "shapes-2025.xlsx")
    print("wrote", ", ".join(p.name for p in sorted(HERE.glob("*.xlsx"))))
