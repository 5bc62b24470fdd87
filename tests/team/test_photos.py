"""Directory photos: JPEG or PNG, small, with the metadata a phone adds removed, shown to
signed-in staff for active peers only."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sidebar.team.models import PeerProfile
from sidebar.team.photos import PhotoError, clean_photo
from tests.factories import Cast, make_peer

pytestmark = pytest.mark.django_db

GPS = b"GPS 34.0522 N 118.2437 W"


def jpeg_with_exif() -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    exif = b"Exif\x00\x00" + GPS
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    comment = b"\xff\xfe" + struct.pack(">H", 10) + b"a camera"
    scan = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00" + b"\x12\x34\x56" + b"\xff\xd9"
    return b"\xff\xd8" + app0 + app1 + comment + scan


def png_with_text() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Location\x00" + GPS)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_metadata_is_stripped_and_the_picture_kept() -> None:
    jpeg, kind = clean_photo(jpeg_with_exif())
    assert kind == "image/jpeg" and GPS not in jpeg and b"a camera" not in jpeg
    assert jpeg.startswith(b"\xff\xd8\xff\xe0") and jpeg.endswith(b"\x12\x34\x56\xff\xd9")
    png, kind = clean_photo(png_with_text())
    assert kind == "image/png" and GPS not in png and b"IDAT" in png and png.endswith(b"IEND\xaeB`\x82")


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
