"""The one place that says which font files each script uses, and where they are found."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import RenderError

PROJECT_FONTS = Path(__file__).resolve().parent.parent / "fonts"
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
)


@dataclass(frozen=True)
class Face:
    """One font family as the documents name it, with its files by style."""

    family: str
    regular: str
    bold: str
    italic: str
    package: str
    """The Debian package that provides the files, named in the error when they are missing."""
    index: int = 0
    """The face inside a font collection (.ttc) file."""


LATIN = Face("Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
             "fonts-noto-core")
ARABIC = Face("Noto Sans Arabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf",
              "NotoSansArabic-Regular.ttf", "fonts-noto-core")
DEVANAGARI = Face("Noto Sans Devanagari", "NotoSansDevanagari-Regular.ttf",
                  "NotoSansDevanagari-Bold.ttf", "NotoSansDevanagari-Regular.ttf",
                  "fonts-noto-core")
CJK_SC = Face("Noto Sans CJK SC", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc",
              "NotoSansCJK-Regular.ttc", "fonts-noto-cjk", index=2)
ALL_FACES = (LATIN, ARABIC, DEVANAGARI, CJK_SC)

# Which face leads for a language; the others follow as per-character fallbacks, so a
# Latin phone number in Arabic text or an English name in Chinese text still has glyphs.
PRIMARY = {"ar": ARABIC, "fa": ARABIC, "ur": ARABIC, "hi": DEVANAGARI, "mr": DEVANAGARI,
           "ne": DEVANAGARI, "zh": CJK_SC, "ja": CJK_SC, "ko": CJK_SC}


def font_dirs() -> tuple[Path, ...]:
    """Return the folders fonts may be read from: the project's own first, then the system's."""
    return (PROJECT_FONTS, *SYSTEM_FONT_DIRS)


def locate(face: Face) -> dict[str, Path]:
    """Find the files of ``face`` by style; raise RenderError naming the package if absent."""
    found = {}
    for weight, name in (("regular", face.regular), ("bold", face.bold), ("italic", face.italic)):
        for folder in font_dirs():
            if (folder / name).is_file():
                found[weight] = folder / name
                break
        else:
            raise RenderError(
                f"font file {name} ({face.family}) was not found in "
                f"{', '.join(str(d) for d in font_dirs())}; install it with "
                f"'apt-get install {face.package}' (the README's setup command does this)")
    return found


def css_families(faces=ALL_FACES) -> str:
    """The CSS font-family list for these faces, in order, ending with sans-serif."""
    return ", ".join(f'"{face.family}"' for face in faces) + ", sans-serif"


def faces_for(lang: str) -> list[Face]:
    """Return the faces a document in ``lang`` uses, the language's own script first."""
    primary = PRIMARY.get(lang.split("-")[0].lower(), LATIN)
    return [primary] + [face for face in ALL_FACES if face is not primary]


def text_width_pt(text: str, face: Face, size_pt: float, *, bold: bool = False) -> float:
    """Measure ``text`` set in ``face`` at ``size_pt`` with the real font, in points."""
    return _length(text, face, bold) * size_pt / 100


@lru_cache(maxsize=65_536)
def _length(text: str, face: Face, bold: bool) -> float:
    """The advance width of ``text`` at 100 pt: a deck fitter measures each word at each
    size it tries, and a width simply scales with the size."""
    return _pil_font(face, bold).getlength(text)


@lru_cache(maxsize=16)
def _pil_font(face: Face, bold: bool):
    from PIL import ImageFont

    path = locate(face)["bold" if bold else "regular"]
    return ImageFont.truetype(str(path), size=100, index=face.index)


def fit_size(text: str, face: Face, width_pt: float, largest: float, smallest: float,
             *, bold: bool = False) -> float:
    """Return the largest size, in 2 pt steps from ``largest``, at which ``text`` fits one line.

    Never goes below ``smallest``; text that still does not fit will wrap.
    """
    size = largest
    while size > smallest and text_width_pt(text, face, size, bold=bold) > width_pt:
        size -= 2
    return max(size, smallest)
