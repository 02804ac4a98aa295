"""Untrusted content: no markup injection, no local files, no network, safe YAML."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pikepdf
import pytest
from pptx import Presentation

from outreach import (
    BuildOptions,
    ContentError,
    FetchRefused,
    build,
    load_content,
    localize,
)
from outreach.render import PRODUCTS, Job, pdf
from outreach.output import LOCK
from outreach.safefetch import MAX_DATA_URI, ProjectFetcher, Refused
from outreach.yamlsafe import MAX_BYTES, MAX_DEPTH

from .conftest import ROOT, edit

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"

EN_FLYER = {"products": ("flyer",), "papers": ("a4",), "locales": ("en",)}


def flyer_html(content_dir: Path) -> str:
    edition = localize(load_content(content_dir), "en")
    return pdf.html(edition, Job("en", PRODUCTS["flyer"], "a4"), ROOT / "templates")


def test_only_the_safe_formatting_subset_becomes_markup(content_copy, tmp_path):
    edit(content_copy / "campaign.yaml", "text: Talk early and often about online friendships.",
         'text: "Talk **early** and *often* <script>alert(1)</script> '
         '[hotline](https://humantraffickinghotline.org) [x](javascript:alert(1))"')
    html = flyer_html(content_copy)
    assert ("Talk <strong>early</strong> and <em>often</em> &lt;script&gt;alert(1)&lt;/script&gt; "
            '<a href="https://humantraffickinghotline.org" title="hotline">hotline</a> '
            "[x](javascript:alert(1))") in html
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",), products=("deck",)))
    slide = Presentation(str(tmp_path / "en" / "deck.pptx")).slides[10]
    runs = [r for p in slide.placeholders[1].text_frame.paragraphs for r in p.runs]
    assert any(r.text == "early" and r.font.bold for r in runs)
    assert any(r.text == "hotline" and r.hyperlink.address == "https://humantraffickinghotline.org"
               for r in runs)


def test_content_cannot_embed_a_local_file(content_copy, tmp_path):
    edit(content_copy / "campaign.yaml", "headline: Trafficking often starts with a friend online",
         "headline: '<link rel=\"attachment\" href=\"file:///etc/passwd\"> Hello'")
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, **EN_FLYER))
    data = (tmp_path / "en" / "flyer-a4.pdf").read_bytes()
    with pikepdf.open(tmp_path / "en" / "flyer-a4.pdf") as doc:
        assert "/EmbeddedFiles" not in doc.Root.get("/Names", {})
    assert b"root:x:0:0" not in data


@pytest.mark.parametrize("reference", [
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="file:///etc/passwd">',
    '<img src="../../../../../etc/passwd">',
    '<img src="http://127.0.0.1:9/tracker.png">',
    '<link rel="stylesheet" href="https://example.org/x.css">',
    '<img src="ftp://example.org/x.png">',
])
def test_a_template_cannot_reach_outside_the_project(tmp_path, monkeypatch, reference):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    edit(templates / "print" / "_layout.html.j2", "<body", f"{reference}\n<body")
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: connections.append(addr))
    with pytest.raises(FetchRefused) as caught:
        build(BuildOptions(templates_dir=templates, out_dir=tmp_path / "out", **EN_FLYER))
    assert "refused to load" in str(caught.value)
    assert connections == [], "no network connection may ever be opened"
    assert [p.name for p in (tmp_path / "out").rglob("*")] == [LOCK], "nothing but the lock"


def test_fetcher_serves_project_files_and_small_data_only(tmp_path):
    fetcher = ProjectFetcher([ROOT / "templates"])
    assert b"@page" in fetcher.fetch((ROOT / "templates" / "print" / "flyer.css").as_uri()).read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in ("file:///etc/passwd", (ROOT / "templates" / ".." / "README.md").as_uri(),
                "https://example.org/", "http://localhost/", "ftp://example.org/x",
                "file://server/share/x.css", "data:text/plain," + "x" * MAX_DATA_URI):
        with pytest.raises(Refused):
            fetcher.fetch(url)


def test_logo_paths_stay_inside_the_content_folder(content_copy, tmp_path):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG not really")
    edit(content_copy / "campaign.yaml", "    name: Outreach Parent Safety Project\n",
         "    name: Outreach Parent Safety Project\n    logo: ../secret.png\n")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert "meta.organization.logo: '../secret.png' points outside the content folder" in str(caught.value)
    (content_copy / "images").mkdir()
    (content_copy / "images" / "link.png").symlink_to(tmp_path / "secret.png")
    edit(content_copy / "campaign.yaml", "logo: ../secret.png", "logo: images/link.png")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert "points outside the content folder" in str(caught.value)


def test_a_real_logo_appears_on_flyer_and_cover(content_copy, tmp_path):
    from PIL import Image

    (content_copy / "images").mkdir()
    Image.new("RGB", (300, 100), "#0B4F6C").save(content_copy / "images" / "logo.png")
    edit(content_copy / "campaign.yaml", "    name: Outreach Parent Safety Project\n",
         "    name: Outreach Parent Safety Project\n    logo: images/logo.png\n")
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",), papers=("a4",)))
    with pikepdf.open(tmp_path / "en" / "flyer-a4.pdf") as doc:
        images = [k for k, v in doc.pages[0].Resources.XObject.items() if v.get("/Subtype") == "/Image"]
    assert len(images) == 1
    cover = Presentation(str(tmp_path / "en" / "deck.pptx")).slides[0]
    pictures = [s for s in cover.shapes if s.shape_type == 13]
    assert pictures and pictures[0]._element.nvPicPr.cNvPr.get("descr") == "Outreach Parent Safety Project"


def test_oversized_and_deeply_nested_yaml_is_refused(content_copy):
    (content_copy / "deck.yaml").write_text("x: " + "a" * (MAX_BYTES + 1))
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert f"the limit is {MAX_BYTES}" in str(caught.value)
    (content_copy / "deck.yaml").write_text("x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert f"nesting is deeper than {MAX_DEPTH} levels" in str(caught.value)


@pytest.mark.parametrize(("fixture", "refused"), [
    ("passwd.svg", "file:///etc/passwd (outside the project's templates, fonts and content)"),
    ("network.svg", "http://127.0.0.1:{port}/tracker.png (only the project's own files can be "
                    "used; no network access)"),
])
def test_a_refused_fetch_inside_an_svg_fails_that_output(content_copy, fixture, refused):
    """The load-time SVG check is bypassed (the file changes after it): the renderer's own
    guard must fail the output, naming what was refused, and never open a connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    (content_copy / "images").mkdir()
    logo = content_copy / "images" / "logo.svg"
    shutil.copy(HOSTILE / "self-contained.svg", logo)
    edit(content_copy / "campaign.yaml", "    name: Outreach Parent Safety Project\n",
         "    name: Outreach Parent Safety Project\n    logo: images/logo.svg\n")
    edition = localize(load_content(content_copy), "en")
    logo.write_text((HOSTILE / fixture).read_text().replace("127.0.0.1:9", f"127.0.0.1:{port}"))
    job = Job("en", PRODUCTS["flyer"], "a4")
    with pytest.raises(FetchRefused) as caught:
        pdf.render(edition, job, ROOT / "templates", content_copy)
    assert str(caught.value).startswith(f"{job.relpath}: refused to load "
                                        f"{refused.format(port=port)}. An image or template")
    with listener, pytest.raises(TimeoutError):
        listener.accept()  # nothing ever connected
