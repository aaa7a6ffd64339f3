"""What callers hear, spoken: each announcement text synthesised in Swedish with
espeak-ng and converted with sox to 8 kHz mono G.711 (A-law) WAV, cached by its text,
so a changed text (a new next-opening time) is a new prompt. A prompt's address carries
its text signed, so only texts Växel said can be synthesised.

Both programs get only paths Växel made itself as arguments; the text reaches espeak-ng
on its standard input."""

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import signing

SALT = "vaxel.prompt"


def prompt_path_for(text: str) -> str:
    return "/pbx/prompts/" + signing.dumps(text, salt=SALT, compress=True) + ".wav"


def prompt_text(token: str) -> str | None:
    try:
        return signing.loads(token.removesuffix(".wav"), salt=SALT)
    except signing.BadSignature:
        return None


def prompt_file(text: str) -> Path:
    """The WAV for `text`, made the first time it is asked for."""
    folder = Path(settings.DATA_DIR) / "prompts"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (hashlib.sha256(text.encode()).hexdigest() + ".wav")
    if target.exists():
        return target
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if espeak is None or sox is None:
        raise FileNotFoundError(
            "espeak-ng and sox are needed for spoken prompts (apt-get install espeak-ng sox)"
        )
    with tempfile.TemporaryDirectory() as work:
        spoken = Path(work) / "spoken.wav"
        # The text goes on stdin, never on the command line: it may be an employee's own
        # greeting (W4), and "-f/etc/passwd" must be heard as words, not read as an option.
        subprocess.run(  # noqa: S603
            [espeak, "-v", "sv", "-s", "150", "-b", "1", "-w", str(spoken), "--stdin"],
            input=text.encode(),
            check=True,
            timeout=30,
        )
        made = Path(work) / "prompt.wav"
        subprocess.run(  # noqa: S603
            [sox, str(spoken), "-r", "8000", "-c", "1", "-e", "a-law", "-b", "8", str(made)],
            check=True,
            timeout=30,
        )
        made.replace(target)
    return target


# A calm phrase of plucked notes, a few seconds long, looped while a caller waits.
_MELODY = ("E4", "G4", "C5", "G4", "A4", "C5", "E5", "C5", "D5", "B4", "G4", "B4", "C5", "G4", "E4", "G4")


def music_file() -> Path:
    """The waiting music: made once with sox from the melody above (nothing is
    downloaded), 8 kHz mono A-law like every prompt."""
    folder = Path(settings.DATA_DIR) / "prompts"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ("music-" + hashlib.sha256(" ".join(_MELODY).encode()).hexdigest()[:16] + ".wav")
    if target.exists():
        return target
    sox = shutil.which("sox")
    if sox is None:
        raise FileNotFoundError("sox is needed for the waiting music (apt-get install sox)")
    with tempfile.TemporaryDirectory() as work:
        notes = []
        for index, note in enumerate(_MELODY):
            path = Path(work) / f"{index:02d}.wav"
            subprocess.run(  # noqa: S603 (arguments are Växel's own)
                [
                    sox,
                    "-n",
                    "-r",
                    "8000",
                    "-c",
                    "1",
                    str(path),
                    "synth",
                    "0.45",
                    "pluck",
                    note,
                    "vol",
                    "0.35",
                ],
                check=True,
                timeout=30,
            )
            notes.append(str(path))
        made = Path(work) / "music.wav"
        subprocess.run(  # noqa: S603
            [sox, *notes, "-r", "8000", "-c", "1", "-e", "a-law", "-b", "8", str(made)],
            check=True,
            timeout=30,
        )
        made.replace(target)
    return target
