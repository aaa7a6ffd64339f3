from vaxel.demo.municipality import demo_load
from vaxel.directory.models import Keyword, NumberGroup, Organisation, Person, PhoneNumber, Unit
from vaxel.servicelevels.models import CallRecord


def snapshot_of_directory():
    return list(Person.objects.order_by("email").values_list("name", "email", "title", "unit__name"))


def test_demo_is_a_realistic_deterministic_municipality(db):
    summary = demo_load(seed=7, people=150)
    assert "60 units" in summary
    assert Organisation.objects.get().name == "Gnosjö kommun"
    assert Unit.objects.count() == 60
    assert Unit.objects.filter(parent__isnull=True).count() == 6
    assert 140 <= Person.objects.count() <= 170
    words = set(Keyword.objects.values_list("word", flat=True))
    assert {"bygglov", "skolskjuts", "färdtjänst", "hemtjänst", "ekonomiskt bistånd"} <= words
    names = "".join(Person.objects.values_list("name", flat=True))
    assert {"å", "ä", "ö"} <= set(names.lower())
    assert NumberGroup.objects.count() > 5
    assert PhoneNumber.objects.filter(kind="mobile", disclosure_consent=False).exists()
    # Eight weeks of calls for the statistics page, on working days only (C2).
    assert CallRecord.objects.count() == 40 * 45 and "1800 calls" in summary
    assert not CallRecord.objects.filter(day__iso_week_day__gte=6).exists()
    first = snapshot_of_directory()
    assert "already" in demo_load(seed=7, people=150)  # never loaded twice

    Person.objects.all().delete()
    NumberGroup.objects.all().delete()
    Keyword.objects.all().delete()
    Unit.objects.filter(parent__isnull=False).delete()
    Unit.objects.all().delete()
    demo_load(seed=7, people=150)
    assert snapshot_of_directory() == first
