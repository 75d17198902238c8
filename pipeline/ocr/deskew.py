"""Straighten a scanned page: the skew angle that makes text lines horizontal.

A page scanned 1–2° askew puts the cells of one table row at different heights, so they no
longer group into one row. The angle is found by the projection profile: rotate a small,
binarized copy of the page by each candidate angle and keep the one whose row sums vary most
(text lines sharp against the gaps between them). ~0.1 s a page.
"""
from __future__ import annotations

MAX_ANGLE = 3.0  # degrees either way; larger skews are left to the engine
STEP = 0.25
WIDTH = 800  # pixels of the copy the angle is measured on


def skew_angle(image) -> float:
    """The angle (degrees, counter-clockwise) by which ``image`` should be rotated to be straight.

    >>> from PIL import Image, ImageDraw
    >>> page = Image.new("L", (800, 600), 255)
    >>> draw = ImageDraw.Draw(page)
    >>> for y in range(50, 550, 40):
    ...     draw.rectangle((60, y, 740, y + 12), fill=0)
    >>> skew_angle(page)
    0.0
    >>> round(skew_angle(page.rotate(1.5, fillcolor=255)), 2)
    -1.5
    """
    import numpy
    from PIL import Image

    gray = image.convert("L")
    scale = WIDTH / max(gray.width, 1)
    small = gray.resize((WIDTH, max(1, int(gray.height * scale))), Image.Resampling.BILINEAR) if scale < 1 else gray
    ink = small.point(lambda v: 255 if v < 160 else 0)
    best, best_score = 0.0, -1.0
    steps = int(MAX_ANGLE / STEP)
    for k in range(-steps, steps + 1):
        angle = k * STEP
        rows = numpy.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=numpy.float64).sum(axis=1)
        score = float(numpy.var(rows))
        if score > best_score + 1e-9:
            best, best_score = angle, score
    return best


def straighten(image):
    """``image`` rotated so its text lines are horizontal (the same image when already straight)."""
    from PIL import Image

    angle = skew_angle(image)
    if not angle:
        return image
    return image.convert("RGB").rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
