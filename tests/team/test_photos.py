"""Directory photos: JPEG or PNG, small, redrawn from their pixels so that nothing a phone or an
editor added (EXIF anywhere in the file, text chunks, bytes after the end) is kept, shown to
signed-in staff for active peers only."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from sidebar.team.models import PeerProfile
from sidebar.team.photos import PhotoError, clean_photo
from tests.factories import Cast, make_peer

pytestmark = pytest.mark.django_db

GPS = b"GPS 34.0522 N 118.2437 W"
SERIAL = b"camera serial 0042-7781"
TRAILER = b"appended after the end marker: " + GPS


def picture(mode: str = "RGB", size: tuple[int, int] = (48, 32)) -> Image.Image:
    """A small picture with some structure (two colours), so a redrawing can be compared."""
    image = Image.new(mode, size, (30, 120, 200) if mode == "RGB" else (30, 120, 200, 255))
    image.paste((240, 200, 10) if mode == "RGB" else (240, 200, 10, 128), (0, 0, size[0] // 2, size[1]))
    return image


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg_with_exif() -> bytes:
    """A progressive JPEG as a phone might send it: EXIF with a location and the camera's serial
    number up front, a comment, EXIF again between the first and second scan (where stripping
    the header segments did not look), and bytes after the end marker."""
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0xA431] = SERIAL.decode()  # BodySerialNumber
    exif[0x9286] = GPS.decode()  # UserComment
    out = io.BytesIO()
    picture().save(out, format="JPEG", progressive=True, exif=exif.tobytes(), comment=b"a camera " + GPS)
    data = out.getvalue()
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    hidden = segment(0xE1, b"Exif\x00\x00" + GPS + SERIAL)
    return data[:second_scan] + hidden + data[second_scan:] + TRAILER


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_text() -> bytes:
    """A PNG with text chunks before and after the picture, an eXIf chunk, and trailing bytes."""
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", GPS.decode())
    info.add_itxt("Description", GPS.decode(), zip=True)
    picture("RGBA").save(out, format="PNG", pnginfo=info)
    data = out.getvalue()
    end = data.index(b"IEND") - 4
    extra = png_chunk(b"tEXt", b"Serial\x00" + SERIAL) + png_chunk(b"eXIf", b"MM\x00*" + GPS)
    return data[:end] + extra + data[end:] + TRAILER


def test_a_jpeg_is_redrawn_from_its_pixels_and_nothing_else_survives() -> None:
    original = jpeg_with_exif()
    with Image.open(io.BytesIO(original)) as before:  # the crafted file is a valid, readable photo
        before.load()
    cleaned, kind = clean_photo(original)
    assert kind == "image/jpeg"
    for secret in (GPS, SERIAL, b"Phone maker", b"a camera", TRAILER, b"Exif"):
        assert secret not in cleaned
    with Image.open(io.BytesIO(cleaned)) as after:
        after.load()
        assert after.format == "JPEG" and after.size == (48, 32)
        assert not after.getexif() and "comment" not in after.info and "icc_profile" not in after.info
        assert not after.info.get("progressive")  # encoded afresh, not copied
        left, right = after.getpixel((5, 16)), after.getpixel((40, 16))
    assert all(abs(a - b) < 12 for a, b in zip(left, (240, 200, 10), strict=True))
    assert all(abs(a - b) < 12 for a, b in zip(right, (30, 120, 200), strict=True))
    assert cleaned.endswith(b"\xff\xd9")


def test_a_png_is_redrawn_from_its_pixels_and_nothing_else_survives() -> None:
    cleaned, kind = clean_photo(png_with_text())
    assert kind == "image/png"
    for secret in (GPS, SERIAL, TRAILER, b"tEXt", b"iTXt", b"zTXt", b"eXIf"):
        assert secret not in cleaned
    with Image.open(io.BytesIO(cleaned)) as after:
        after.load()
        assert after.info.keys() <= {"dpi"} and not getattr(after, "text", {})
        assert after.getpixel((5, 16)) == (240, 200, 10, 128) and after.getpixel((40, 16)) == (30, 120, 200, 255)
    assert cleaned.endswith(b"IEND\xaeB`\x82")


def test_a_phone_s_rotation_is_applied_to_the_pixels_and_then_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    picture(size=(40, 20)).save(out, format="JPEG", exif=exif.tobytes())
    cleaned, _ = clean_photo(out.getvalue())
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.size == (20, 40) and not after.getexif()


def test_a_huge_picture_is_scaled_down_and_a_bomb_refused() -> None:
    out = io.BytesIO()
    picture(size=(3000, 1500)).save(out, format="JPEG", quality=20)
    cleaned, _ = clean_photo(out.getvalue())
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.size == (1024, 512)
    for width, height in ((8000, 6000), (20000, 20000)):  # 48 and 400 million pixels, in a few bytes
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 999))
        with pytest.raises(PhotoError, match="too many pixels"):
            clean_photo(bomb + png_chunk(b"IEND", b""))


def test_a_truncated_photo_is_refused() -> None:
    data = jpeg_with_exif()
    with pytest.raises(PhotoError, match="damaged"):
        clean_photo(data[: len(data) // 3])


@pytest.mark.parametrize("data", [b"GIF89a....", b"<svg onload=alert(1)>", b"\xff\xd8\xff" + b"\x00" * 10])
def test_other_files_are_refused(data: bytes) -> None:
    with pytest.raises(PhotoError):
        clean_photo(data)


def test_a_peer_uploads_a_photo_staff_see_it_and_it_goes_when_they_leave(cast: Cast, signed_in) -> None:
    peer = make_peer(cast.peer)
    form = {"introduction": "Hello", "capacity": "3", "photo": SimpleUploadedFile("me.jpg", jpeg_with_exif())}
    response = signed_in(cast.peer).post(reverse("team:me"), form)
    assert response.status_code == 302
    peer.refresh_from_db()
    assert peer.photo_type == "image/jpeg" and GPS not in bytes(peer.photo)

    staff = signed_in(cast.staff)
    assert f'src="{reverse("team:photo", args=[peer.pk])}"' in staff.get(reverse("team:directory")).content.decode()
    photo = staff.get(reverse("team:photo", args=[peer.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo.content == bytes(peer.photo)

    PeerProfile.objects.filter(pk=peer.pk).update(status=PeerProfile.Status.STEPPED_DOWN)
    assert staff.get(reverse("team:photo", args=[peer.pk])).status_code == 404


def test_a_wrong_file_is_refused_and_the_rest_of_the_form_kept(cast: Cast, signed_in) -> None:
    make_peer(cast.peer)
    form = {
        "introduction": "Ten years in juvenile court",
        "capacity": "3",
        "photo": SimpleUploadedFile("x.gif", b"GIF89a"),
    }
    response = signed_in(cast.peer).post(reverse("team:me"), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a JPEG or PNG photo." in page and "Ten years in juvenile court" in page
