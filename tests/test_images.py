"""Logos are checked before rendering (#13): real PNG/JPEG within a pixel cap, or a
self-contained SVG; a bad one is a located problem, and a chapter's only skips its row.

Decompression bombs are generated here (a few KB each), never committed.
"""

from __future__ import annotations

import base64
import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from outreach import BuildOptions, ContentError, build, load_content
from outreach.chapters import load_chapters
from outreach.images import MAX_PIXELS

from .conftest import edit, run_cli

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
ORGANIZATION = "    name: Outreach Parent Safety Project\n"
WHERE = "meta.organization.logo"


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height black pixels: kilobytes on disk, huge decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def png(size=(300, 100), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#0B4F6C").save(out, fmt)
    return out.getvalue()


def use_logo(content: Path, name: str, data: bytes) -> Path:
    """Put an image in content/images and name it as the organization's logo."""
    (content / "images").mkdir(exist_ok=True)
    (content / "images" / name).write_bytes(data)
    edit(content / "campaign.yaml", ORGANIZATION, f"{ORGANIZATION}    logo: images/{name}\n")
    return content / "images" / name


def logo_problem(content: Path) -> str:
    """The one problem load_content reports, without the file:line:column."""
    with pytest.raises(ContentError) as caught:
        load_content(content)
    (problem,) = caught.value.problems
    assert (problem.file, problem.path) == (str(content / "campaign.yaml"), WHERE)
    return problem.message


CAP = f"the limit is {MAX_PIXELS // 1_000_000} megapixels"
SAVE = f"save it as a PNG or JPEG of at most {MAX_PIXELS // 1_000_000} megapixels"
SELF_CONTAINED = ("an SVG logo must be self-contained (embed an image as a PNG or JPEG data: "
                  "URI, or remove the reference)")


@pytest.mark.parametrize(("fixture", "expected"), [
    ("text-named.png", f"it is not a PNG image (Pillow cannot read it); {SAVE}"),
    ("passwd.svg", f"it refers to 'file:///etc/passwd'; {SELF_CONTAINED}"),
    ("network.svg", f"it refers to 'http://127.0.0.1:9/tracker.png'; {SELF_CONTAINED}"),
    ("css-url.svg", f"it refers to 'http://127.0.0.1:9/a.png'; {SELF_CONTAINED}"),
    ("entities.svg", "it has a DOCTYPE or entity declarations"),
    ("stylesheet.svg", "it refers to a stylesheet (<?xml-stylesheet"),
    ("not-svg.svg", "its root element is <html>, not <svg>"),
])
def test_a_hostile_logo_file_is_a_located_problem(content_copy, fixture, expected):
    use_logo(content_copy, fixture, (HOSTILE / fixture).read_bytes())
    assert logo_problem(content_copy).startswith(f"'images/{fixture}' cannot be used: {expected}")


@pytest.mark.parametrize(("size", "expected"), [
    ((12000, 12000), f"it is 12000x12000 pixels (144 megapixels); {CAP}, so scale it down"),
    ((20000, 20000), f"it has far more than {MAX_PIXELS // 1_000_000} megapixels; {SAVE}"),
])
def test_a_decompression_bomb_is_refused_from_its_header(content_copy, size, expected):
    use_logo(content_copy, "bomb.png", bomb_png(*size))
    assert logo_problem(content_copy) == f"'images/bomb.png' cannot be used: {expected}"


def test_an_image_in_the_wrong_format_or_damaged_is_refused(content_copy):
    use_logo(content_copy, "logo.png", png(fmt="JPEG"))
    assert logo_problem(content_copy) == f"'images/logo.png' cannot be used: it is a JPEG image named as a PNG; {SAVE}"
    (content_copy / "images" / "logo.png").write_bytes(png()[:200])
    assert logo_problem(content_copy).startswith("'images/logo.png' cannot be used: it is a damaged PNG image (")


def test_an_svg_may_embed_only_small_usable_images(content_copy):
    svg = (HOSTILE / "self-contained.svg").read_text(encoding="utf-8")
    bomb = base64.b64encode(bomb_png(12000, 12000)).decode()
    head, _, tail = svg.partition("data:image/png;base64,")
    use_logo(content_copy, "logo.svg", (head + "data:image/png;base64," + bomb
                                        + tail[tail.index('"'):]).encode())
    assert logo_problem(content_copy) == ("'images/logo.svg' cannot be used: the image it embeds "
                                          "is unusable: it is 12000x12000 pixels (144 megapixels); "
                                          f"{CAP}, so scale it down")
    (content_copy / "images" / "logo.svg").write_text(
        svg.replace("data:image/png;base64,", "data:image/svg+xml;base64,"), encoding="utf-8")
    assert "only base64 PNG or JPEG data may be embedded" in logo_problem(content_copy)


def test_a_self_contained_svg_logo_is_printed(content_copy, tmp_path):
    use_logo(content_copy, "logo.svg", (HOSTILE / "self-contained.svg").read_bytes())
    build(BuildOptions(content_dir=content_copy, out_dir=tmp_path, locales=("en",),
                       products=("flyer",), papers=("a4",), no_chapters=True))
    assert (tmp_path / "en" / "flyer-a4.pdf").is_file()


def test_a_bad_region_logo_is_a_content_error(content_copy):
    region = content_copy / "regions" / "GB.yaml"
    shutil.copy(HOSTILE / "passwd.svg", content_copy / "passwd.svg")
    edit(region, "paper: a4\n", "paper: a4\norganization:\n  name: UK chapter\n  logo: passwd.svg\n")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    (problem,) = caught.value.problems
    line = region.read_text(encoding="utf-8").splitlines().index("  logo: passwd.svg") + 1
    assert (problem.file, problem.line, problem.path) == (str(region), line, "organization.logo")
    assert problem.message.startswith("'passwd.svg' cannot be used: it refers to 'file:///etc/passwd'")


def test_a_bad_chapter_logo_skips_only_that_row(content_copy):
    (content_copy / "images").mkdir()
    (content_copy / "images" / "ok.png").write_bytes(png())
    (content_copy / "images" / "bomb.png").write_bytes(bomb_png(20000, 20000))
    path = content_copy / "schools.csv"
    path.write_text("name,logo\nAlpha,images/ok.png\nBeta,images/bomb.png\n", encoding="utf-8")
    chapters, (problem,) = load_chapters(path, content_copy, ["en"])
    assert [c.name for c in chapters] == ["Alpha"]
    assert (problem.line, problem.column, problem.path) == (3, 2, "logo")
    assert problem.message.startswith("'images/bomb.png' cannot be used: it has far more than")


def test_a_build_with_a_bomb_chapter_logo_builds_the_rest(content_copy, tmp_path):
    (content_copy / "images").mkdir()
    (content_copy / "images" / "bomb.png").write_bytes(bomb_png(12000, 12000))
    table = tmp_path / "schools.csv"
    table.write_text("name,locales,logo\nLincoln,en,\nBroken,en,images/bomb.png\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("--content", str(content_copy), "--chapters", str(table), "--product",
                     "flyer", "--locale", "en", "--paper", "letter", "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "schools.csv:3:3: logo: 'images/bomb.png' cannot be used: it is 12000x12000" \
        in result.stderr, result.stderr
    assert (out / "chapters" / "lincoln" / "en" / "flyer-letter.pdf").is_file()
    assert (out / "en" / "flyer-letter.pdf").is_file()
    assert not (out / "chapters" / "broken").exists()
