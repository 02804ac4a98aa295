"""Check the images content names (logos) before anything renders them.

An image is untrusted input like the YAML: a text file named .png, a decompression bomb
that is a few KB on disk and gigabytes in memory, or an SVG that asks for
``file:///etc/passwd`` or a web address. Each is found here, at load time, from the file's
header where possible (the pixel count is known before any pixel is decoded), so a bad logo
is a located problem and never an "internal error" in a renderer.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from pathlib import Path
from urllib.parse import unquote
from xml.parsers import expat

from PIL import Image


MAX_DATA_URI = 512 * 1024
"""The largest data: URI a document may carry (the PDF engine's fetcher refuses larger ones)."""
MAX_PIXELS = 40_000_000
"""40 megapixels: more than twice a full A3 or tabloid page at 300 dpi (about 17.4 megapixels),
far more than any logo needs, and small enough to decode in a fraction of a second."""
RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
"""The format each raster extension a logo may have stands for."""
_FORMATS = {"PNG": {"PNG"}, "JPEG": {"JPEG", "MPO"}}
"""Pillow's names for each format (a phone's JPEG with a depth map reads as MPO)."""
_SAVE = f"save it as a PNG or JPEG of at most {MAX_PIXELS // 1_000_000} megapixels"
_SVG_NS = "http://www.w3.org/2000/svg"
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_DATA = re.compile(r"^data:(image/(?:png|jpeg));base64,(.*)$", re.IGNORECASE | re.DOTALL)


def image_problem(path: Path) -> str | None:
    """Say what makes the image at ``path`` unusable, or None if it is a usable logo."""
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        return _svg_problem(data)
    return _raster_problem(data, RASTER[path.suffix.lower()])


def _raster_problem(data: bytes, expected: str) -> str | None:
    """Check a PNG or JPEG: the right format, at most MAX_PIXELS, and every byte decodable."""
    with warnings.catch_warnings():
        # Pillow only warns between 89 and 179 megapixels; the cap below refuses those.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                found, (width, height) = image.format, image.size
        except Image.DecompressionBombError:
            return f"it has far more than {MAX_PIXELS // 1_000_000} megapixels; {_SAVE}"
        except Exception:  # noqa: BLE001 - any failure to read untrusted bytes means "not an image"
            return f"it is not a {expected} image (Pillow cannot read it); {_SAVE}"
    if found not in _FORMATS[expected]:
        return f"it is a {found} image named as a {expected}; {_SAVE}"
    if width * height > MAX_PIXELS:
        return (f"it is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); "
                f"the limit is {MAX_PIXELS // 1_000_000} megapixels, so scale it down")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # checksums, without decoding
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # every pixel decodes: a truncated file fails here, not in a renderer
    except Exception as exc:  # noqa: BLE001 - same as above: the bytes are not a usable image
        return f"it is a damaged {expected} image ({exc}); {_SAVE}"
    return None


class _Refused(Exception):
    """Raised while parsing an SVG at the first thing a logo may not contain."""


def _svg_problem(data: bytes) -> str | None:
    """Check an SVG: well-formed XML without a DTD, an <svg> root, no outside references."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    walk = _SvgWalk()
    parser.StartDoctypeDeclHandler = walk.doctype
    parser.EntityDeclHandler = walk.doctype
    parser.ProcessingInstructionHandler = walk.instruction
    parser.StartElementHandler = walk.start
    parser.EndElementHandler = walk.end
    parser.CharacterDataHandler = walk.text
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        return str(refused)
    except expat.ExpatError as exc:
        return f"it is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno}); " \
               "export it again as plain SVG"
    if not walk.root_seen:
        return "it has no <svg> element; export it again as plain SVG"
    return None


class _SvgWalk:
    """Expat handlers that refuse a DTD and any reference outside the file."""

    def __init__(self):
        self.root_seen = False
        self.open: list[str] = []
        self.style = ""
        """The text of the <style> element being read (expat may hand it over in pieces)."""

    def doctype(self, *_args) -> None:
        raise _Refused("it has a DOCTYPE or entity declarations, which a logo never needs "
                       "(and which can pull in other files); export it again as plain SVG")

    def instruction(self, target: str, content: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _Refused(f"it refers to a stylesheet (<?{target} {content[:80]}?>); an SVG "
                           "logo must be self-contained")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if not self.open:
            if local != "svg" or namespace not in ("", _SVG_NS):
                raise _Refused(f"its root element is <{local}>, not <svg>; export it again as "
                               "plain SVG")
            self.root_seen = True
        self.open.append(local)
        for key, value in attributes.items():
            if key.rpartition(" ")[2] in ("href", "src"):
                _check_reference(value.strip())
            _check_css(value)

    def end(self, _name: str) -> None:
        if self.open.pop() == "style":
            _check_css(self.style)
            self.style = ""

    def text(self, content: str) -> None:
        if "style" in self.open:
            self.style += content


def _check_css(text: str) -> None:
    """Refuse @import, CSS escapes (which could spell url) and any url() that leaves the file."""
    if "@import" in text.lower():
        raise _Refused("its style imports another stylesheet (@import); an SVG logo must be "
                       "self-contained")
    if "url(" in text.lower() and "\\" in text:
        raise _Refused("its style uses CSS escapes beside url(); remove them")
    for match in _URL.finditer(text):
        _check_reference(match[2].strip())


def _check_reference(target: str) -> None:
    """Allow "#id" in the same file and small PNG or JPEG data: URIs that pass the checks."""
    if target.startswith("#"):
        return
    shown = target if len(target) <= 80 else target[:77] + "..."
    if not target.lower().startswith("data:"):
        raise _Refused(f"it refers to {shown!r}; an SVG logo must be self-contained (embed an "
                       "image as a PNG or JPEG data: URI, or remove the reference)")
    if len(target) > MAX_DATA_URI:
        raise _Refused(f"it embeds a data: URI of {len(target)} bytes; the limit is "
                       f"{MAX_DATA_URI}")
    match = _DATA.match(target)
    if match is None:
        raise _Refused(f"it embeds {shown!r}; only base64 PNG or JPEG data may be embedded")
    try:
        payload = base64.b64decode(unquote(match[2]), validate=False)
    except (binascii.Error, ValueError):
        raise _Refused("it embeds a data: URI that is not valid base64") from None
    problem = _raster_problem(payload, "PNG" if match[1].lower() == "image/png" else "JPEG")
    if problem:
        raise _Refused(f"the image it embeds is unusable: {problem}")
