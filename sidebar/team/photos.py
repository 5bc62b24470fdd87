"""Directory photos: JPEG or PNG only, small, and redrawn from their pixels before they are stored.

A phone photo's EXIF block can hold where it was taken (often the peer's home) and the camera's
serial number; a PNG can carry text chunks; anything can follow a file's end marker. Leaving
out the metadata segments one knows about is not enough: EXIF placed between the scans of a
progressive JPEG, or bytes after the end marker, survived that. So the picture is decoded, its
pixels are copied into a new image, and that is encoded afresh with nothing else: only what the
decoder drew can reach the stored file.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 400 * 1024
MAX_PIXELS = 40_000_000  # a small file can still claim a huge picture (a "decompression bomb")
LARGEST_SIDE = 1024  # a directory photo is shown small; larger ones are scaled down
JPEG, PNG = "image/jpeg", "image/png"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PhotoError(ValueError):
    """The upload is not a photo Sidebar can keep; the message is fit to show."""


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """The photo redrawn without metadata, and its content type."""
    if len(data) > MAX_BYTES:
        raise PhotoError(f"The photo is larger than {MAX_BYTES // 1024} KB. Choose a smaller one.")
    if data.startswith(b"\xff\xd8\xff"):
        kind, format_name = JPEG, "JPEG"
    elif data.startswith(_PNG_SIGNATURE):
        kind, format_name = PNG, "PNG"
    else:
        raise PhotoError("Choose a JPEG or PNG photo.")
    pixels = _decode(data, format_name)
    out = io.BytesIO()
    if kind == JPEG:
        pixels.save(out, format="JPEG", quality=85, optimize=True)
    else:
        pixels.save(out, format="PNG", optimize=True)
    return out.getvalue(), kind


def _decode(data: bytes, format_name: str) -> Image.Image:
    """Decode the picture and copy its pixels into a fresh image that has no metadata at all."""
    too_large = PhotoError("This photo has too many pixels. Choose a smaller one.")
    try:
        with Image.open(io.BytesIO(data), formats=[format_name]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_large
            image.load()  # decodes every byte of the picture: a truncated file fails here
            upright = ImageOps.exif_transpose(image)  # a phone's rotation, applied to the pixels
    except PhotoError:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(f"This {format_name} file is damaged. Choose another photo.") from None
    mode = _target_mode(upright, format_name)
    source = upright.convert(mode)
    fresh = Image.new(mode, source.size)
    fresh.paste(source)  # pixels only: no info, no EXIF, no ICC profile, no text, no palette tricks
    fresh.thumbnail((LARGEST_SIDE, LARGEST_SIDE))
    return fresh


def _target_mode(image: Image.Image, format_name: str) -> str:
    if format_name == "JPEG":
        return "L" if image.mode in ("1", "L") else "RGB"
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode in ("1", "L", "I", "I;16") and not has_alpha:
        return "L"
    return "RGBA" if has_alpha else "RGB"
