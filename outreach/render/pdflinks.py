"""Links in the print PDFs: one annotation per <a>, described for screen readers (PDF/UA).

WeasyPrint writes the link annotations and tags them; ``describe_links`` is its finisher,
run on the PDF objects just before they are written.
"""

from __future__ import annotations

import pydyf


def describe_links(document, pdf) -> None:
    """Give each <a> one link annotation, described by its title (PDF/UA /Contents)."""
    # WeasyPrint tags every link as a /Link structure element holding its annotation, but
    # describes it by its bare URI, and gives every element inside an <a> (the verb, the
    # number, an image) an annotation of its own, tagged under that element instead of
    # the Link. Screen readers should hear "Call …: 1-888-…" once, in the document's
    # language (the templates put that in the title, from the labels).
    for page, pdf_page in zip(document.pages, _objects(pdf, pdf.page_references)):
        for _, _, _, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is None:
                continue
            element = box.element
            if element is None or element.tag != "a":
                _unlink(pdf, pdf_page, annotation)
            elif element.get("title"):
                annotation["Contents"] = pydyf.String(element.get("title"))


def _objects(pdf, references) -> list:
    """The pydyf objects behind "N 0 R" references."""
    return [pdf.objects[int(ref.split()[0])] for ref in references]


def _unlink(pdf, page, annotation) -> None:
    """Take an annotation off its page and out of the structure tree."""
    page["Annots"].remove(annotation.reference)
    root = _objects(pdf, [pdf.catalog["StructTreeRoot"]])[0]
    nums = _objects(pdf, [root["ParentTree"]])[0]["Nums"]
    key = annotation.get("StructParent")
    for i in range(0, len(nums), 2):
        if nums[i] == key:
            element = _objects(pdf, [nums[i + 1]])[0]
            element["K"][:] = [k for k in element["K"] if not (
                isinstance(k, bytes) and pdf.objects[int(k.split()[0])].get("Obj")
                == annotation.reference)]
            del nums[i:i + 2]
            return
