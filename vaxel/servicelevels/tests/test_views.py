"""The managers' statistics page: figures, met or missed, four charts each with its
table and CSV (C2)."""

import base64
import csv
import io
import re

from django.test import Client

from vaxel.testing import GROUP_NUMBER, PASSWORD

WEEK = {"from": "2026-11-23", "to": "2026-11-29"}


def signed_in(username: str) -> Client:
    client = Client()
    client.login(username=username, password=PASSWORD)
    return client


def test_c2_a_manager_sees_the_figures_and_the_target_missed(tuesday, logins):
    page = signed_in("anna").get("/min-sida/statistik/", WEEK)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Statistik: Bygglov" in html
    figures = html[html.index('id="figures"') : html.index("</table>", html.index('id="figures"'))]
    assert "33,3 %" in figures and "✗ missat" in figures and "40 s" in figures  # p90
    assert html.count('src="data:image/svg+xml;base64,') == 4
    svg = base64.b64decode(re.search(r'data:image/svg\+xml;base64,([^"]+)"', html).group(1)).decode()
    assert svg.lstrip().startswith("<?xml") and "Besvarade inom 20 s, per vecka" in svg  # text kept as text
    assert 'value="unit:' in html and "Bygglovsgruppen (gemensamt nummer)" in html
    assert "Hela organisationen" not in html  # a manager's choices are their own units


def test_c2_every_chart_has_its_csv_and_svg(tuesday, logins):
    client = signed_in("anna")
    query = {**WEEK, "scope": f"number:{GROUP_NUMBER}"}
    waits = client.get("/min-sida/statistik/waits.csv", query)
    assert waits["Content-Type"].startswith("text/csv") and "attachment" in waits["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(waits.content.decode())))
    assert rows[0] == ["Tid till svar", "Besvarade samtal"]
    assert ["30–45 s", "1"] in rows  # the shared number's one call, answered in 40 s
    hours = list(csv.reader(io.StringIO(client.get("/min-sida/statistik/hours.csv", query).content.decode())))
    assert hours[0][:3] == ["Timme", "mån", "tis"] and hours[10][2] == "1"  # 09–10 on Tuesday
    image = client.get("/min-sida/statistik/in-time.svg", query)
    assert image["Content-Type"] == "image/svg+xml" and b"<svg" in image.content
    report = client.get("/min-sida/statistik/rapport.csv", {**query, "by": "day"})
    assert report.content.decode().splitlines()[0].startswith("first,last,offered")
    assert client.get("/min-sida/statistik/nothing.csv", query).status_code == 404


def test_c2_no_calls_is_said_and_bad_input_is_explained(tuesday, logins):
    client = signed_in("anna")
    quiet = client.get("/min-sida/statistik/", {"from": "2026-01-01", "to": "2026-01-31", "by": "month"})
    assert quiet.status_code == 200 and 'id="no-calls"' in quiet.content.decode()
    bad = client.get("/min-sida/statistik/", {"from": "2026-02-30"})
    assert bad.status_code == 400 and "ÅÅÅÅ-MM-DD" in bad.content.decode()
    backwards = client.get("/min-sida/statistik/in-time.csv", {"from": "2026-11-29", "to": "2026-11-01"})
    assert backwards.status_code == 400


def test_c2_others_units_are_refused(tuesday, logins):
    assert signed_in("anna").get("/min-sida/statistik/", {"scope": "switchboard"}).status_code == 403
    other = signed_in("anna").get("/min-sida/statistik/", {"scope": f"unit:{tuesday.other_unit.pk}"})
    assert other.status_code == 403
    assert signed_in("bjorn").get("/min-sida/statistik/").status_code == 403
    operator = signed_in("operator").get("/min-sida/statistik/", WEEK)
    assert operator.status_code == 200 and "Statistik: Testby kommun" in operator.content.decode()
