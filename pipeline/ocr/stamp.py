"""Red seals (公章) off a scanned page before OCR.

A signed report is stamped in red across its text; an OCR engine reading the page in grey sees
the seal as dark strokes over the characters (Tesseract lost 30 % of the figures under one,
bench/RESULTS.md "OCR"). In the red channel red ink is nearly white and black print stays black,
so a page that holds red ink is read through its red channel. A page without red is left as it is.
"""
from __future__ import annotations

RED_SHARE = 0.001  # pixels of red ink (of the page) above which the page is read in its red channel


def red_share(image) -> float:
    """The share of pixels that are clearly red (R high, G and B low), on a small copy.

    >>> from PIL import Image, ImageDraw
    >>> page = Image.new("RGB", (200, 200), "white")
    >>> red_share(page)
    0.0
    >>> ImageDraw.Draw(page).ellipse((50, 50, 150, 150), outline=(220, 30, 30), width=6)
    >>> red_share(page) > RED_SHARE
    True
    """
    import numpy

    small = image.convert("RGB")
    small.thumbnail((600, 600))
    rgb = numpy.asarray(small, dtype=numpy.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = (r > 150) & (r - g > 80) & (r - b > 80)
    return float(red.mean())


def without_seal(image):
    """The page in its red channel when it holds red ink (a seal), else unchanged.

    >>> from PIL import Image, ImageDraw
    >>> page = Image.new("RGB", (200, 200), "white")
    >>> draw = ImageDraw.Draw(page)
    >>> draw.rectangle((20, 90, 180, 110), fill="black")
    >>> draw.ellipse((50, 50, 150, 150), outline=(220, 30, 30), width=6)
    >>> clean = without_seal(page)
    >>> clean.mode, clean.getpixel((100, 100)), min(clean.getpixel((100, 52))) > 200
    ('RGB', (0, 0, 0), True)
    """
    if image.mode not in ("RGB", "RGBA", "P", "CMYK") or red_share(image) <= RED_SHARE:
        return image
    red = image.convert("RGB").getchannel("R")
    return red.convert("RGB")
