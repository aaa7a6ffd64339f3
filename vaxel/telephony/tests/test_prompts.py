"""Spoken prompts: text that looks like a program's option is spoken as words (security)."""

import shutil

import pytest

from vaxel.telephony.g711 import wav_audio
from vaxel.telephony.prompts import prompt_file

pytestmark = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")),
    reason="espeak-ng and sox (scripts/ensure-telephony)",
)


def seconds(path) -> float:
    return len(wav_audio(path.read_bytes())[1]) / 8000


@pytest.mark.parametrize("option", ["-f", "--path=", "-w", "--stdout"])
def test_security_a_greeting_that_looks_like_an_option_is_spoken_not_obeyed(settings, tmp_path, option):
    settings.DATA_DIR = tmp_path
    secret = tmp_path / "secret.txt"
    secret.write_text("hemligt lösenord " * 150)  # some two and a half minutes, were it read out
    written = tmp_path / "written.wav"
    target = written if option == "-w" else secret
    text = f"{option}{target}"

    spoken = prompt_file(text)

    # The text itself, a long temporary path spelt out (up to some 20 s), not the file.
    assert seconds(spoken) < 45
    assert not written.exists()  # nor a file written where the text pointed
    assert prompt_file(text) == spoken  # and cached by its text like any prompt
