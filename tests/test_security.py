"""Nothing fetched, nothing leaked: content is data, and a template can only
load the project's own fonts and templates; anything else is refused and reported."""

from __future__ import annotations

import base64
import os
import shutil
import socket

import lxml.html
import pytest

from briefing import cli, files, outputs, render, write_pdf
from briefing.errors import ContentError

from .conftest import ROOT, docx_xml, normalise, pdf_text

BRIEF = str(ROOT / "briefs" / "country-profiles.yaml")
PASSWD = '<img src="file:///etc/passwd">'


@pytest.fixture
def requested(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for, refused or not."""
    seen: list[str] = []
    original = write_pdf.ProjectFetcher.fetch
    # A fresh writer: one a test before left in this process keeps the images it has parsed.
    monkeypatch.setattr(outputs, "_pdf_writer", None)

    def spy(self, url, headers=None):
        seen.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(write_pdf.ProjectFetcher, "fetch", spy)
    return seen


@pytest.fixture
def listener():
    """A local TCP port: a test can prove nothing ever connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server.getsockname()[1], server
    server.close()


def nothing_connected(server: socket.socket) -> bool:
    try:
        server.accept()
    except BlockingIOError:
        return True
    return False


def test_markup_and_urls_in_content_show_literally_and_load_nothing(
    minimal, tmp_path, requested, listener, capsys
):
    port, server = listener
    hostile = (
        f'{PASSWD} <span style="background: url(file:///etc/hostname)">x</span> '
        f'url(http://127.0.0.1:{port}/leak) <link rel=stylesheet href="http://127.0.0.1:{port}/x.css">'
    )
    kz = minimal / "countries" / "kz.yaml"
    text = kz.read_text(encoding="utf-8")
    old = 'en: "First EU–Central Asia summit in Samarkand <script>alert(1)</script>."'
    assert old in text
    # In both languages: the parity check rightly refuses numbers (the port) in one only.
    ar = 'ar: "قمة سمرقند الأولى بين الاتحاد الأوروبي وآسيا الوسطى <b>test</b>."'
    assert ar in text
    quoted = "'" + hostile.replace("'", "''") + "'"
    kz.write_text(text.replace(old, "en: " + quoted).replace(ar, "ar: " + quoted), encoding="utf-8")
    out = tmp_path / "out"
    assert (
        cli.main(["--content", str(minimal), "--out", str(out), "--edition", "en", "-j", "1", BRIEF]) == 0
    ), capsys.readouterr().err
    pdf = normalise(pdf_text(out / "country-profiles" / "kz.en.pdf"))
    docx = docx_xml(out / "country-profiles" / "kz.en.docx")
    for shown in (PASSWD, "url(file:///etc/hostname)", f"url(http://127.0.0.1:{port}/leak)"):
        assert shown in pdf, shown
    assert '&lt;img src="file:///etc/passwd"&gt;' in docx
    # The HTML edition shows the same text, as text: no element, attribute or style came from content.
    html = (out / "country-profiles" / "kz.en.html").read_text(encoding="utf-8")
    page = lxml.html.document_fromstring(html)
    for shown in (PASSWD, "url(file:///etc/hostname)", f"url(http://127.0.0.1:{port}/leak)"):
        assert shown in normalise(page.text_content()), shown
    assert '&lt;img src="file:///etc/passwd"&gt;' in html
    # (its only image is the map the build drew, a data: URL)
    assert not page.xpath("//script | //link | //*[@src][not(starts-with(@src, 'data:'))] | //*[@onclick]")
    assert not any("/etc/" in (el.get("style") or "") for el in page.iter())
    # The only things the PDF writer asked for are the project's stylesheet and the map the
    # build drew (an SVG data: URL that refers to nothing outside itself).
    drawn = [url for url in requested if url.startswith("data:image/svg+xml;base64,")]
    assert len(drawn) == 1
    svg = base64.b64decode(drawn[0].split(",", 1)[1])
    assert b'href="http' not in svg and b"file:" not in svg and b"<text" not in svg
    assert requested and all(
        url.startswith((ROOT / "templates").as_uri())
        or url.startswith(ROOT.joinpath("templates").resolve().as_uri())
        for url in requested
        if url not in drawn
    ), requested
    assert nothing_connected(server)


def test_a_template_asking_for_anything_else_fails_the_build_and_says_what(
    minimal, tmp_path, listener, capsys
):
    port, server = listener
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    big = "data:image/png;base64," + "A" * (write_pdf.DATA_URL_LIMIT + 10)
    small = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    asks = {
        "file:///etc/passwd": "only project fonts and templates may be loaded",
        "../../content/sources.yaml": "only project fonts and templates may be loaded",
        f"http://127.0.0.1:{port}/x.png": "nothing is fetched from the network",
        f"https://127.0.0.1:{port}/y.css": "nothing is fetched from the network",
    }
    tags = "".join(f'<p><img src="{url}" alt=""></p>' for url in asks if not url.endswith(".css"))
    tags += f'<p><img src="{big}" alt=""></p><p><img src="{small}" alt=""></p>'
    css = f"@import url(https://127.0.0.1:{port}/y.css);\n"
    template = templates / "country-profile.html.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace("<h1>", tags + "<h1>", 1), encoding="utf-8"
    )
    (templates / "style.css").write_text(
        css + (templates / "style.css").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out"
    code = cli.main(
        [
            "--content",
            str(minimal),
            "--templates",
            str(templates),
            "--out",
            str(out),
            "--edition",
            "en",
            "--format",
            "pdf",
            "-j",
            "1",
            BRIEF,
        ]
    )
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    refused = [line for line in err if "(fetch)" in line]
    for url, reason in asks.items():
        assert any(
            "country-profiles/kz.en: refused " in line and reason in line and (url.split("/")[-1] in line)
            for line in refused
        ), (url, refused)
    assert any("data: URL of" in line and "over the limit" in line for line in refused), refused
    assert not any(small[:40] in line for line in refused)  # a small data: URL is served, not refused
    assert len(refused) == len(asks) + 1, refused
    # Each refusal is reported where the URL is written: the stylesheet's @import, the template's <img>s.
    css_line = next(line for line in refused if "y.css" in line)
    assert css_line.endswith(
        f"templates/style.css:1:13: (fetch): country-profiles/kz.en: refused "
        f"'https://127.0.0.1:{port}/y.css': only project fonts and templates may be loaded; "
        "nothing is fetched from the network"
    ), css_line
    img_lines = [line for line in refused if "y.css" not in line and "sources.yaml" not in line]
    h1 = next(
        n for n, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1) if "<h1>" in line
    )
    assert len(img_lines) == 3 and all(
        f"templates/country-profile.html.j2:{h1}:" in line for line in img_lines
    ), img_lines
    assert nothing_connected(server)
    assert not out.exists() or not any(out.rglob("*.pdf"))


@pytest.mark.parametrize(
    "url, served",
    [
        ((write_pdf.FONTS / "OFL.txt").as_uri(), True),
        ((ROOT / "templates" / "style.css").as_uri(), True),
        ((ROOT / "templates" / ".." / "content" / "sources.yaml").as_uri(), False),
        ((ROOT / "README.md").as_uri(), False),
        ("file:///etc/passwd", False),
        ("http://example.invalid/", False),
        ("ftp://example.invalid/x", False),
        ("data:text/plain,hello", True),
        ("data:text/plain," + "x" * (write_pdf.DATA_URL_LIMIT + 1), False),
    ],
)
def test_the_fetcher_serves_only_the_project_and_small_data_urls(url, served):
    fetcher = write_pdf.ProjectFetcher()
    if served:
        response = fetcher.fetch(url)
        assert response is not None and not fetcher.refused
    else:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
        assert len(fetcher.refused) == 1


# -- files the build reads: regular files inside their folder, never their text otherwise --
def refused_lines(capsys, code: int) -> list[str]:
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    return err.splitlines()[:-1]


def test_fonts_are_regular_files_inside_fonts(tmp_path, monkeypatch, capsys):
    """fontconfig reads the whole of fonts/: a FIFO there would block it, a symlink would
    bring in a file from elsewhere. Both are refused before any font is read."""
    fonts = tmp_path / "fonts"
    shutil.copytree(ROOT / "fonts", fonts)
    (tmp_path / "elsewhere.ttf").write_bytes((ROOT / "fonts" / "NotoSerif-Italic.ttf").read_bytes())
    (fonts / "NotoSerif-Italic.ttf").unlink()
    (fonts / "NotoSerif-Italic.ttf").symlink_to(tmp_path / "elsewhere.ttf")
    os.mkfifo(fonts / "Extra.ttf")
    monkeypatch.setattr(files, "FONTS", fonts)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["--check", "--only", "kz", BRIEF])
    assert sorted(refused_lines(capsys, code)) == [
        "fonts/Extra.ttf:1:1: (file): is a FIFO (named pipe), not a regular file",
        (
            "fonts/NotoSerif-Italic.ttf:1:1: (file): leads outside fonts/ through a symbolic link: "
            "only files inside it are read"
        ),
    ]


def test_a_yml_brief_is_refused_by_name_not_passed_over(tmp_path, monkeypatch, capsys):
    briefs = tmp_path / "briefs"
    briefs.mkdir()
    shutil.copy(BRIEF, briefs / "country-profiles.yaml")
    shutil.copy(BRIEF, briefs / "extra.yml")
    monkeypatch.setattr(files, "BRIEFS", briefs)
    monkeypatch.chdir(tmp_path)
    assert refused_lines(capsys, cli.main(["--check"])) == [
        "briefs/extra.yml:1:1: (file): brief files end in .yaml; this one would not be read: rename it to extra.yaml"
    ]


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p, out: p.symlink_to(out), "leads outside templates/ through a symbolic link"),
        (lambda p, _: os.mkfifo(p), "is a FIFO (named pipe), not a regular file"),
        (lambda p, _: p.symlink_to("/dev/zero"), "is a device (/dev/zero), not a regular file"),
    ],
    ids=["symlink-out", "fifo", "device"],
)
def test_templates_and_their_includes_come_from_templates_only(make, reason, tmp_path, monkeypatch):
    """The template loader itself, whatever the folder check before it: an include of a file
    that is not a regular file inside templates/ is refused, unread, with one line."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html.j2").write_text('<p>{% include "part.html.j2" %}</p>', encoding="utf-8")
    secret = tmp_path / "secret.html"
    secret.write_text("text from elsewhere", encoding="utf-8")
    make(templates / "part.html.j2", secret)
    monkeypatch.chdir(tmp_path)
    env = render.environment(templates)
    with pytest.raises(ContentError) as refused:
        env.get_template("page.html.j2").render()
    assert str(refused.value).startswith(f"templates/part.html.j2:1:1: (file): {reason}")
    assert "text from elsewhere" not in str(refused.value)


def test_a_file_is_inside_its_folder_by_where_it_leads_whatever_path_names_it(tmp_path):
    """files.why_refused: a plain path below the folder is inside it (checked without resolving
    both, files._plainly_inside); a symbolic link on the way, or `..`, is judged by where it leads."""
    root, outside = tmp_path / "content", tmp_path / "elsewhere"
    (root / "countries").mkdir(parents=True)
    outside.mkdir()
    for folder in (root / "countries", outside):
        (folder / "x.yaml").write_text("id: x\n", "utf-8")
    (root / "linked").symlink_to(outside, target_is_directory=True)  # a folder leading outside
    (root / "sibling").symlink_to(root / "countries", target_is_directory=True)  # one leading inside
    (root / "countries" / "out.yaml").symlink_to(outside / "x.yaml")
    (tmp_path / "alias").symlink_to(root, target_is_directory=True)  # the folder itself named by a link
    leads_outside = "leads outside content/ through a symbolic link: only files inside it are read"
    for path, why in [
        (root / "countries" / "x.yaml", None),
        (root / "sibling" / "x.yaml", None),
        (root / "countries" / ".." / "countries" / "x.yaml", None),
        (root / "linked" / "x.yaml", leads_outside),
        (root / "countries" / "out.yaml", leads_outside),
        (root / ".." / "elsewhere" / "x.yaml", leads_outside),
        (tmp_path / "alias" / "countries" / "x.yaml", None),  # inside wherever the folder leads
    ]:
        assert files.why_refused(path, root) == why, path
    alias = tmp_path / "alias"
    assert files.why_refused(alias / "countries" / "x.yaml", alias) is None
    assert files.why_refused(alias / "linked" / "x.yaml", alias) == leads_outside.replace(
        "content/", "alias/"
    )
    assert files.why_refused(root / "countries" / "x.yaml", root / "countries") is None
    assert files.why_refused(root / "sibling" / "x.yaml", root / "countries") is None  # same file
