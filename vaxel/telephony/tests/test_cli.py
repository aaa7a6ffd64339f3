"""`vaxel phone-credentials`: a desk or soft phone registers at Kamailio as a number of
the directory, with credentials Kamailio checks by the secret it shares with Växel."""

import base64
import hashlib
import hmac

import pytest
from django.contrib.auth import get_user_model

from vaxel.directory.models import PhoneNumber
from vaxel.testing import vaxel_cli as run


def test_a_desk_phone_gets_credentials_for_its_directory_number(town, capsys, settings):
    code, out, _err = run(capsys, "phone-credentials", "0370-331002", "--days", "30")
    lines = dict(line.split(":", 1) for line in out.splitlines())
    user, password = lines["User name"].strip(), lines["Password"].strip()
    assert code == 0 and lines["SIP address"].strip() == f"sip:+46370331002@{settings.VAXEL_SIP_DOMAIN}"
    assert user.endswith(":+46370331002")
    digest = hmac.new(settings.VAXEL_SIP_SECRET.encode(), user.encode(), hashlib.sha1).digest()
    assert password == base64.b64encode(digest).decode()


def test_credentials_only_for_a_directory_number_and_a_sane_lifetime(town, capsys):
    code, out, err = run(capsys, "phone-credentials", "0370-999999")
    assert code != 0 and out == "" and "0370-999999 är inget nummer i katalogen" in err
    code, out, err = run(capsys, "phone-credentials", "0370-331002", "--days", "0")
    assert code != 0 and out == "" and "Ange --days mellan 1 och 3650" in err
    assert PhoneNumber.objects.count() > 0  # nothing was touched


def test_s1_an_operators_desk_phone_gets_credentials_for_that_operators_calls(town, logins, capsys, settings):
    operator = get_user_model().objects.get(username="operator")
    code, out, _err = run(capsys, "phone-credentials", "--operator", "operator", "--days", "30")
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert (
        code == 0 and lines["SIP address"].strip() == f"sip:operator{operator.pk}@{settings.VAXEL_SIP_DOMAIN}"
    )
    code, out, err = run(capsys, "phone-credentials", "--operator", "ingen")
    assert code != 0 and out == "" and "ingen aktiv inloggning ingen" in err
    code, out, err = run(capsys, "phone-credentials", "--operator", "anna")  # a manager
    assert code != 0 and out == "" and "telefonister" in err
    with pytest.raises(SystemExit):  # one or the other, as argparse says
        run(capsys, "phone-credentials", "0370-331002", "--operator", "operator")
    assert "not allowed with" in capsys.readouterr().err
