"""G.711 A-law audio and its WAV files: what the media endpoint plays and records.
Plain Python, no audio libraries: the prompts come from sox already as A-law."""

import struct

FRAME = 160  # bytes of A-law in 20 ms at 8 kHz: one RTP packet


def _alaw_to_linear(value: int) -> int:
    value ^= 0x55
    exponent, mantissa = (value & 0x70) >> 4, value & 0x0F
    sample = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return sample if value & 0x80 else -sample


ALAW_TO_LINEAR = [_alaw_to_linear(v) for v in range(256)]


def wav_audio(data: bytes) -> tuple[int, bytes]:
    """(format tag, sample bytes) of a WAV file: 6 is A-law, 1 is PCM."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    position, tag, audio = 12, None, None
    while position + 8 <= len(data):
        name, size = data[position : position + 4], struct.unpack("<I", data[position + 4 : position + 8])[0]
        body = data[position + 8 : position + 8 + size]
        if name == b"fmt ":
            tag = struct.unpack("<H", body[:2])[0]
        elif name == b"data":
            audio = body
        position += 8 + size + (size % 2)
    if tag is None or audio is None:
        raise ValueError("a WAV file without fmt or data")
    return tag, audio


def frames(alaw: bytes) -> list[bytes]:
    """20 ms packets; the last one padded with A-law silence (0xD5)."""
    return [alaw[i : i + FRAME].ljust(FRAME, b"\xd5") for i in range(0, len(alaw), FRAME)]


def pcm16_wav(alaw: bytes) -> bytes:
    """A recording as an ordinary 16-bit PCM WAV, which every mail program plays."""
    samples = struct.pack(f"<{len(alaw)}h", *(ALAW_TO_LINEAR[b] for b in alaw))
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(samples),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        8000,
        16000,
        2,
        16,
        b"data",
        len(samples),
    )
    return header + samples
