"""The authorization matrix: every page route × every role × own and other objects.

Signed out, pages send to /signin (303) and JSON answers 401. A role the route is not for gets
403. An object outside the user's scope answers 404, exactly like one that does not exist; a
scope parameter (reports) not wholly inside the user's answers 403. `da-region` is the admin
of the other county on the same server (大县: r-far, c-far, a-far); lessons only partly in an
admin's scope are in test_lesson_scope.py, every route tried across counties in test_tenancy.py.
"""

from __future__ import annotations

from coordinator.services.feeds.subscriptions import ensure_feed_tokens
from coordinator.store import Store
from tests.web.pages.support import NOW, SECRET, Client, csrf_of, sign_in

LESSON = "/lessons/wang-music-mon@2026-11-30"  # 王丽's Monday music lesson, a week ahead
SHARED = "/lessons/p-open-music@2026-12-01"  # the open music lesson: c-east-3 and c-west-3
ROLES = ("anonymous", "admin", "pair-admin", "da-region", "wang", "li", "zhao", "sun")
# (method, path, form) -> expected status per role, in ROLES order.
MATRIX: dict[tuple[str, str, str], tuple[int, ...]] = {
    ("GET", "/today", ""): (303, 200, 200, 200, 403, 403, 403, 403),
    ("GET", "/today.json", ""): (401, 200, 200, 200, 403, 403, 403, 403),
    ("GET", "/timetables", ""): (303, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/timetables/school/r-east", ""): (303, 200, 200, 404, 404, 200, 404, 404),
    ("GET", "/timetables/school/r-far", ""): (303, 404, 404, 200, 404, 404, 404, 200),
    ("GET", "/timetables/school/no-such", ""): (303, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/timetables/classroom/c-east-3", ""): (303, 200, 200, 404, 404, 200, 404, 404),
    ("GET", "/timetables/classroom/c-west-3", ""): (303, 200, 200, 404, 404, 404, 200, 404),
    ("GET", "/timetables/classroom/c-far", ""): (303, 404, 404, 200, 404, 404, 404, 200),
    ("GET", "/timetables/teacher/t-wang", ""): (303, 200, 200, 404, 200, 404, 404, 404),
    ("GET", "/timetables/teacher/t-chen", ""): (303, 200, 200, 404, 404, 404, 404, 404),
    ("GET", "/timetables/assistant/a-li", ""): (303, 200, 200, 404, 404, 200, 404, 404),
    ("GET", "/timetables/assistant/a-far", ""): (303, 404, 404, 200, 404, 404, 404, 200),
    ("GET", "/timetables/region/xiao", ""): (303, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/teachers/t-wang", ""): (303, 200, 200, 404, 200, 403, 403, 403),
    ("GET", "/teachers/t-chen", ""): (303, 200, 200, 404, 404, 403, 403, 403),
    ("GET", "/calendars", ""): (303, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/data", ""): (303, 200, 403, 200, 403, 403, 403, 403),
    ("GET", "/data/export.xlsx", ""): (303, 200, 403, 200, 403, 403, 403, 403),
    ("GET", "/audit", ""): (303, 200, 200, 200, 403, 403, 403, 403),
    ("POST", "/calendars/rotate", "teacher:t-wang"): (303, 303, 303, 404, 303, 404, 404, 404),
    ("POST", "/calendars/rotate", "classroom:c-east-3"): (303, 303, 303, 404, 404, 303, 404, 404),
    ("POST", "/calendars/rotate", "classroom:c-far"): (303, 404, 404, 303, 404, 404, 404, 303),
    ("POST", "/calendars/rotate", "region:xiao"): (303, 303, 404, 404, 404, 404, 404, 404),
    ("POST", "/calendars/revoke", "assistant:a-zhao"): (303, 303, 303, 404, 403, 403, 403, 403),
    ("POST", "/calendars/revoke", "assistant:a-far"): (303, 404, 404, 303, 403, 403, 403, 403),
    ("POST", "/data/import", "nothing"): (303, 400, 403, 400, 403, 403, 403, 403),
    ("GET", "/data/jobs/999999", ""): (303, 404, 403, 404, 403, 403, 403, 403),
    ("GET", "/data/jobs/999999.json", ""): (401, 404, 403, 404, 403, 403, 403, 403),
    # Rebalance: any admin; a teacher or classroom named outside the scope answers 404. A
    # form naming no change is a 400 that names the field; discarding nothing is harmless.
    ("GET", "/rebalance", ""): (303, 200, 200, 200, 403, 403, 403, 403),
    ("GET", "/rebalance?teacher=t-chen", ""): (303, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "/rebalance?classroom=c-far", ""): (303, 404, 404, 200, 403, 403, 403, 403),
    ("POST", "/rebalance/preview", "nothing"): (303, 400, 400, 400, 403, 403, 403, 403),
    ("POST", "/rebalance/apply", "nothing"): (303, 400, 400, 400, 403, 403, 403, 403),
    # Discarding names a preview job; one that is not this admin's is not found.
    ("POST", "/rebalance/discard", "nothing"): (303, 404, 404, 404, 403, 403, 403, 403),
    ("GET", "/rebalance/jobs/999999", ""): (303, 404, 404, 404, 403, 403, 403, 403),
    ("GET", "/rebalance/jobs/999999.json", ""): (401, 404, 404, 404, 403, 403, 403, 403),
    # Reports: a scope parameter not wholly inside the admin's own is refused with 403.
    # pair-1 holds every school of region xiao, so its admin may report on the region.
    ("GET", "/reports", ""): (303, 200, 200, 200, 403, 403, 403, 403),
    ("GET", "/reports?scope=school:r-east", ""): (303, 200, 200, 403, 403, 403, 403, 403),
    ("GET", "/reports?scope=region:xiao", ""): (303, 200, 200, 403, 403, 403, 403, 403),
    ("GET", "/reports?scope=school:r-far", ""): (303, 403, 403, 200, 403, 403, 403, 403),
    ("GET", "/reports?scope=region:da", ""): (303, 403, 403, 200, 403, 403, 403, 403),
    ("GET", "/reports/export.csv", ""): (303, 200, 200, 200, 403, 403, 403, 403),
    ("GET", "/reports/export.xlsx?table=kaiqi", ""): (303, 200, 200, 200, 403, 403, 403, 403),
    ("GET", "/reports/export.csv?scope=school:r-far", ""): (303, 403, 403, 200, 403, 403, 403, 403),
    # One lesson by hand: admins whose scope holds its teacher or a classroom. The matrix's
    # forms lack the date, teacher or reason (400); restoring an unedited lesson is a 400 too.
    ("GET", LESSON, ""): (303, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "/lessons/no-such@2026-11-30", ""): (303, 404, 404, 404, 403, 403, 403, 403),
    ("POST", f"{LESSON}/move", "x"): (303, 400, 400, 404, 403, 403, 403, 403),
    ("POST", f"{LESSON}/reassign", "x"): (303, 400, 400, 404, 403, 403, 403, 403),
    ("POST", f"{LESSON}/cancel", "x"): (303, 400, 400, 404, 403, 403, 403, 403),
    ("POST", f"{LESSON}/restore", "x"): (303, 400, 400, 404, 403, 403, 403, 403),
    ("POST", "/lessons/no-such@2026-11-30/cancel", "x"): (303, 404, 404, 404, 403, 403, 403, 403),
    # A lesson shared by two classrooms: each admin of the whole of it may see and change it;
    # the other county's admin finds nothing (narrower scopes: test_lesson_scope.py).
    ("GET", SHARED, ""): (303, 200, 200, 404, 403, 403, 403, 403),
    ("POST", f"{SHARED}/cancel", "x"): (303, 400, 400, 404, 403, 403, 403, 403),
    # The assistant's phone page and its device token: assistants only.
    ("GET", "/assistant", ""): (303, 403, 403, 403, 403, 200, 200, 200),
    ("POST", "/assistant/token.json", "x"): (401, 403, 403, 403, 403, 201, 201, 201),
    # A rebalance step opened by address goes back to the form; the audit filtered.
    ("GET", "/rebalance/preview", ""): (303, 303, 303, 303, 403, 403, 403, 403),
    ("GET", "/audit?actor=admin", ""): (303, 200, 200, 200, 403, 403, 403, 403),
    # The other county's report export, and a school of this county, seen from there.
    ("GET", "/reports/export.xlsx?scope=region:da&table=kaiqi", ""): (
        303,
        403,
        403,
        200,
        403,
        403,
        403,
        403,
    ),
    ("GET", "/timetables/school/u-one", ""): (303, 200, 200, 404, 404, 404, 404, 404),
    # Uploads: region admins only; a form without a file is a 400.
    ("POST", "/data/upload", "nothing"): (303, 400, 403, 400, 403, 403, 403, 403),
}


async def status_of(
    client: Client, store: Store, token: str, method: str, path: str, owner: str
) -> int:
    if method == "GET":
        return (await client.get(path, allow_redirects=False)).status
    if path == "/calendars/revoke":  # from a live token, whatever the cells before revoked
        await ensure_feed_tokens(store, secret=SECRET.encode(), language="zh", now=NOW)
    data = {"_csrf": token, "owner": owner, "upload": owner}
    return (await client.post(path, data=data, allow_redirects=False)).status


async def test_every_route_role_and_object_answers_as_the_matrix_says(
    client: Client, arranged: Store
) -> None:
    found: dict[tuple[str, str, str], list[int]] = {key: [] for key in MATRIX}
    for role in ROLES:
        client.session.cookie_jar.clear()
        if role != "anonymous":
            assert await sign_in(client, role) == 303
        token = await csrf_of(client)  # one per session
        for key in MATRIX:
            found[key].append(await status_of(client, arranged, token, *key))
    assert {key: tuple(statuses) for key, statuses in found.items()} == MATRIX
