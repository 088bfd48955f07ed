"""briefing.images.check_image: no kind uses images yet, so the check is tested on its own."""

from __future__ import annotations

import pytest

from briefing.images import check_image

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "project"
    (root / "images").mkdir(parents=True)
    (root / "images" / "map.png").write_bytes(PNG)
    (root / "images" / "photo.jpg").write_bytes(JPEG)
    (root / "images" / "fake.png").write_bytes(JPEG)
    (root / "images" / "notes.png").write_text("<svg onload=alert(1)>")
    (tmp_path / "secret.png").write_bytes(PNG)
    (root / "images" / "link.png").symlink_to(tmp_path / "secret.png")
    return root


def test_a_real_image_inside_the_project_is_accepted(root):
    assert check_image("images/map.png", root) == ((root / "images" / "map.png").resolve(), None)
    assert check_image("images/photo.jpg", root)[1] is None


@pytest.mark.parametrize(
    "name, message",
    [
        ("images/fake.png", "is not a PNG file (its first bytes are ff d8 ff e0"),
        ("images/notes.png", "is not a PNG file"),
        ("../secret.png", "resolves outside project/"),
        ("images/link.png", "resolves outside project/"),
        ("/etc/passwd", "must be a relative path"),
        ("file:///etc/passwd", "must be a relative path"),
        ("https://example.org/x.png", "must be a relative path"),
        ("images/map.bmp", "extension .bmp is not one of"),
        ("images/missing.png", "not found"),
    ],
)
def test_everything_else_is_refused_with_a_reason(root, name, message):
    path, why = check_image(name, root)
    assert path is None and message in why, why
