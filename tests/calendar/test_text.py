"""Event titles and descriptions for teachers, classrooms and events, in Chinese and English."""

from __future__ import annotations

import pytest

from coordinator.calendar import (
    EventText,
    Room,
    classroom_lesson_text,
    event_text,
    grade_name,
    grades_name,
    teacher_lesson_text,
)
from coordinator.enums import EventKind

HEXI = Room("河西村小学", "三年级（1）班", "李明", "13800000011")
SHANKOU = Room("山口教学点", "三年级复式班", "张华")
PUSH = "rtmp://live.example.cn/push/S1"
PULL = "https://live.example.cn/pull/S1/c-hexi-3"


@pytest.mark.parametrize(
    ("grade", "zh", "en"),
    [
        (1, "一年级", "Grade 1"),
        (7, "七年级", "Grade 7"),
        (9, "九年级", "Grade 9"),
        (12, "高三", "Grade 12"),
    ],
)
def test_grade_name(grade: int, zh: str, en: str) -> None:
    assert (grade_name(grade), grade_name(grade, "en")) == (zh, en)


@pytest.mark.parametrize(
    ("grades", "zh", "en"),
    [
        ((3, 4), "三、四年级", "Grades 3–4"),
        ((4, 3, 4), "三、四年级", "Grades 3–4"),
        ((3, 4, 5), "三、四、五年级", "Grades 3–5"),
        ((3, 5), "三、五年级", "Grades 3, 5"),
        ((10, 11), "高一、高二", "Grades 10–11"),
        ((9, 10), "九年级、高一", "Grades 9–10"),
        ((6,), "六年级", "Grade 6"),
    ],
)
def test_grades_name_names_every_grade_of_a_broadcast(
    grades: tuple[int, ...], zh: str, en: str
) -> None:
    assert (grades_name(grades), grades_name(grades, "en")) == (zh, en)


def test_teacher_lesson_text_of_several_grades_names_them_all() -> None:
    text = teacher_lesson_text(subject="Music", grade=[4, 3], rooms=[HEXI], link="", language="en")

    assert text.summary.startswith("Live: Music, Grades 3–4 →")
    assert "Grade: Grades 3–4" in text.description


def test_teacher_lesson_text_zh_lists_rooms_assistants_and_link() -> None:
    text = teacher_lesson_text(subject="音乐", grade=3, rooms=[HEXI, SHANKOU], link=PUSH)

    assert text == EventText(
        "音乐·三年级 直播 → 2个教室",
        "科目：音乐\n年级：三年级\n接收教室（2个）：\n"
        "1. 河西村小学 三年级（1）班｜助教 李明 13800000011\n"
        "2. 山口教学点 三年级复式班｜助教 张华\n"
        f"直播链接：{PUSH}",
        "直播链接",
    )


def test_teacher_lesson_text_en_names_the_single_room() -> None:
    text = teacher_lesson_text(
        subject="Music", grade=3, rooms=[HEXI], link=PUSH, language="en", note="bring drums"
    )

    assert text.summary == "Live: Music, Grade 3 → 河西村小学, 三年级（1）班"
    assert text.description.splitlines() == [
        "Subject: Music",
        "Grade: Grade 3",
        "Receiving classrooms (1):",
        "1. 河西村小学, 三年级（1）班 — assistant 李明 13800000011",
        f"Stream link: {PUSH}",
        "Note: bring drums",
    ]


def test_classroom_lesson_text_zh_has_teacher_room_assistant_and_pull_link() -> None:
    text = classroom_lesson_text(
        subject="音乐", grade=3, teacher="王丽", teacher_phone="13800000001", room=HEXI, link=PULL
    )

    assert text.summary == "三年级（1）班：音乐直播课（王丽）"
    assert text.description.splitlines() == [
        "科目：音乐",
        "年级：三年级",
        "主讲教师：王丽 13800000001",
        "教室：河西村小学 三年级（1）班",
        "助教：李明 13800000011",
        f"观看链接：{PULL}",
    ]
    assert text.link_label == "观看链接"


def test_classroom_lesson_text_en() -> None:
    text = classroom_lesson_text(
        subject="Music", grade=3, teacher="Wang Li", room=SHANKOU, link="", language="en"
    )

    assert text == EventText(
        "三年级复式班: Music live lesson (Wang Li)",
        "Subject: Music\nGrade: Grade 3\nTeacher: Wang Li\n"
        "Classroom: 山口教学点, 三年级复式班\nAssistant: 张华",
        "Watch link",
    )


@pytest.mark.parametrize(
    ("language", "summary", "first_line"),
    [
        ("zh", "【教研】联合教研", "类型：教研"),
        ("en", "[Teaching research] 联合教研", "Type: Teaching research"),
    ],
)
def test_event_text(language: str, summary: str, first_line: str) -> None:
    text = event_text(
        kind=EventKind.RESEARCH,
        title="联合教研",
        host="陈老师",
        link="https://meet.example.cn/j/1",
        language="en" if language == "en" else "zh",
    )

    assert text.summary == summary
    assert text.description.splitlines()[0] == first_line
    assert text.description.endswith("https://meet.example.cn/j/1")


def test_teacher_lesson_text_marks_weak_and_sound_only_rooms() -> None:
    weak = Room("河西村小学", "三年级（1）班", "李明", network="weak")
    sound = Room("山湾教学点", "复式班", "王芳", network="audio_only")
    zh = teacher_lesson_text(subject="音乐", grade=3, rooms=[weak, sound, SHANKOU], link="")
    en = teacher_lesson_text(subject="Music", grade=3, rooms=[weak, sound], link="", language="en")
    assert "1. 河西村小学 三年级（1）班（网络差）｜助教 李明" in zh.description
    assert "2. 山湾教学点 复式班（只能听声音）｜助教 王芳" in zh.description
    assert "3. 山口教学点 三年级复式班｜助教 张华" in zh.description
    assert "河西村小学, 三年级（1）班 (weak network)" in en.description
    assert "山湾教学点, 复式班 (sound only)" in en.description
