"""`vaxel calendar`: connect, import, list and sync."""

from pathlib import Path

from vaxel.testing import vaxel_cli as run


def test_calendar_verbs_connect_import_list_and_sync(db, capsys, tmp_path):
    from vaxel.calendars.models import Calendar
    from vaxel.testing import small_municipality

    small_municipality()
    ics = Path(__file__).parent / "ics" / "outlook.ics"
    code, out, _ = run(capsys, "calendar", "add", "anna.sjoberg@example.se", "--file", str(ics))
    assert code == 0 and "connected and read" in out
    listing = tmp_path / "feeds.csv"
    listing.write_text(
        "email,url\nbjorn.aberg@example.se,ftp://fel\nnobody@example.se,https://x.example/k.ics\n"
    )
    code, _, err = run(capsys, "calendar", "import", str(listing))
    assert code == 1 and "line 2" in err and "line 3" in err
    assert Calendar.objects.count() == 1  # the bad lines wrote nothing
    code, out, _ = run(capsys, "calendar", "list")
    assert "anna.sjoberg@example.se  upload  (file)  read" in out
    assert run(capsys, "calendar", "sync", "--all")[1].strip() == "1 calendars read"
