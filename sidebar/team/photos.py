"""Directory photos: JPEG or PNG only, small, and stripped of metadata before they are stored.

A phone photo's EXIF block can hold where it was taken (often the peer's home) and the camera's
serial number; a PNG can carry text chunks. Sidebar keeps only what draws the picture. No image
library is needed for that: both formats are a list of tagged segments, and the metadata ones
are simply left out."""

from __future__ import annotations

import struct

MAX_BYTES = 400 * 1024
JPEG, PNG = "image/jpeg", "image/png"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG chunks that draw the picture (and the colour information some viewers need); all else goes.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs"}


class PhotoError(ValueError):
    """The upload is not a photo Sidebar can keep; the message is fit to show."""


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """The photo without metadata, and its content type."""
    if len(data) > MAX_BYTES:
        raise PhotoError(f"The photo is larger than {MAX_BYTES // 1024} KB. Choose a smaller one.")
    if data.startswith(b"\xff\xd8\xff"):
        return _strip_jpeg(data), JPEG
    if data.startswith(_PNG_SIGNATURE):
        return _strip_png(data), PNG
    raise PhotoError("Choose a JPEG or PNG photo.")


def _strip_jpeg(data: bytes) -> bytes:
    """Keep every segment but APP1–APP15 (EXIF, XMP, maker notes…) and comments, up to the start
    of the image data, which is kept as it is."""
    out, position = bytearray(b"\xff\xd8"), 2
    while position < len(data):
        if data[position] != 0xFF:
            raise PhotoError("This JPEG file is damaged. Choose another photo.")
        marker = data[position + 1] if position + 1 < len(data) else 0
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the picture itself, to the end
            out += data[position:]
            return bytes(out)
        if position + 4 > len(data):
            raise PhotoError("This JPEG file is damaged. Choose another photo.")
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position : position + 2 + length]
        if len(segment) < 2 + length:
            raise PhotoError("This JPEG file is damaged. Choose another photo.")
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            out += segment
        position += 2 + length
    raise PhotoError("This JPEG file holds no picture. Choose another photo.")


def _strip_png(data: bytes) -> bytes:
    out, position = bytearray(_PNG_SIGNATURE), len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunk = data[position : position + 12 + length]
        if len(chunk) < 12 + length:
            break
        if kind in _PNG_KEEP:
            out += chunk
        position += 12 + length
        if kind == b"IEND":
            return bytes(out)
    raise PhotoError("This PNG file is damaged. Choose another photo.")
