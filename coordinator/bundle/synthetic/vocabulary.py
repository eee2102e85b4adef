"""What synthetic bundles are drawn from: the term, names, subjects, bells, rural school kinds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coordinator.domain import (
    Subject,
    Term,
)

TERM = Term("2026-autumn", "2026年秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22))
ANCHOR_DATE = dt.date(2026, 11, 23)
SCHOOLS_PER_REGION = 100
TEACHERS_PER_URBAN_SCHOOL = (6, 8)
DEMAND_SHARE = (0.72, 0.88)  # needs as a share of the teachers' weekly capacity, per subject
PRIMARY, MIDDLE = range(1, 7), range(7, 10)
GRADE_ZH = "零一二三四五六七八九"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力丹燕海鹏宇浩凯雪琳晨欣怡佳婷思志国"  # noqa: E501
PLACE_FIRST = "青白石柳松桃杏黄红龙凤马东西南大小新古双梅竹兰金银清长安永太和丰庆福宁沙枫茶桂杨"
PLACE_SECOND = "山河湾桥坪岭溪沟坝寨庄塘岗店林冲铺洞源湖田坡滩垭"

SUBJECTS = (
    Subject("music", "音乐", "Music"),
    Subject("art", "美术", "Art"),
    Subject("english", "英语", "English"),
    Subject("science", "科学", "Science"),
    Subject("pe-health", "体育与健康", "PE and Health"),
    Subject("it", "信息科技", "Information Technology"),
    Subject("calligraphy", "书法", "Calligraphy"),
    Subject("mental", "心理健康", "Mental Health"),
)
SUBJECT_GRADES = {
    "music": range(1, 10),
    "art": range(1, 10),
    "english": range(3, 10),
    "science": range(1, 7),
    "pe-health": range(7, 10),
    "it": range(3, 9),
    "calligraphy": range(3, 7),
    "mental": range(1, 10),
}
# How often an urban school of a band has a network teacher of a subject.
SUBJECT_WEIGHTS = {
    PRIMARY: {
        "english": 24,
        "music": 20,
        "art": 18,
        "science": 16,
        "it": 8,
        "calligraphy": 7,
        "mental": 7,
    },
    MIDDLE: {"english": 24, "music": 16, "art": 16, "it": 18, "pe-health": 14, "mental": 12},
}


@dataclass(frozen=True, slots=True)
class BellShape:
    """How a bell schedule runs: first bell, period length, periods before and after lunch."""

    id: str
    name: str
    start: int  # minutes after midnight
    length: int
    morning: int
    afternoon: int
    afternoon_start: int
    short_friday: bool = False  # the last period runs Monday–Thursday only (boarders go home)


BELL_SHAPES = {
    shape.id: shape
    for shape in (
        BellShape("urban-primary", "城区小学作息（40分钟）", 480, 40, 4, 3, 840),
        BellShape("urban-middle", "城区中学作息（45分钟）", 470, 45, 4, 4, 840, True),
        BellShape("rural-primary", "乡村小学作息（40分钟）", 500, 40, 4, 3, 850),
        BellShape("rural-middle", "乡镇中学作息（45分钟，寄宿制）", 480, 45, 4, 4, 870, True),
        BellShape("teaching-point", "教学点作息（40分钟）", 520, 40, 3, 3, 860),
        BellShape("nine-year", "九年一贯制学校作息（45分钟）", 490, 45, 4, 3, 860),
    )
}


@dataclass(frozen=True, slots=True)
class RuralKind:
    """A kind of receiving school: its name, bell schedule, grades, size and class sizes."""

    suffix: str
    bell: str
    grades: range
    sizes: tuple[int, int]
    students: tuple[int, int]
    weight: int


RURAL_KINDS = (
    RuralKind("教学点", "teaching-point", range(1, 5), (1, 2), (4, 15), 25),
    RuralKind("村小学", "rural-primary", PRIMARY, (3, 6), (12, 38), 35),
    RuralKind("镇中心小学", "rural-primary", PRIMARY, (4, 8), (30, 48), 15),
    RuralKind("镇初级中学", "rural-middle", MIDDLE, (3, 6), (30, 50), 15),
    RuralKind("九年一贯制学校", "nine-year", range(1, 10), (4, 8), (15, 40), 10),
)
