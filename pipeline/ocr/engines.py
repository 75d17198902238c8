"""OCR engines behind one call: ``engine.recognize(image) → list[Piece]``.

Two engines, both installed from package registries with their models (no download at run
time): RapidOCR (``rapidocr-onnxruntime``: PaddleOCR's PP-OCRv4 detection and recognition
models in ONNX, shipped inside the wheel) and Tesseract 5 (Debian ``tesseract-ocr`` +
``tesseract-ocr-chi-sim``, called through ``pytesseract``). ``ENGINES`` is the order
``--ocr auto`` tries them in; bench/ocr_compare.py measured why (bench/RESULTS.md, "OCR").

A ``Piece`` is what the engine recognized as one unit — a text line or a line segment for
RapidOCR, a word (often one to a few characters in Chinese) for Tesseract — with its box in
page pixels and a confidence in [0, 1].
"""
from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Piece:
    """One recognized piece of text: its box (pixels, top-down) and confidence (0–1)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


class RapidOcr:
    """RapidOCR (ONNX Runtime), one thread: the workers are the parallelism."""

    name = "rapidocr"
    # the resolution scanned PDF pages are rendered at for it: RapidOCR scales a page to 2000 pixels
    # at most (≈ 170 dpi on A4) before it detects text, so more costs time and memory and gains nothing
    dpi = 200

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False)

    def recognize(self, image) -> list[Piece]:
        """The text boxes RapidOCR finds on a page (PIL image)."""
        import numpy

        result, _ = self._engine(numpy.asarray(image.convert("RGB")), use_cls=False)
        pieces = []
        for box, text, score in result or ():
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            if text.strip():
                pieces.append(Piece(text.strip(), min(xs), min(ys), max(xs), max(ys), float(score)))
        return pieces


class Tesseract:
    """Tesseract 5 with the simplified-Chinese model, one thread (``OMP_THREAD_LIMIT=1``)."""

    name = "tesseract"
    dpi = 300  # Tesseract reads small Chinese characters better at 300 dpi than at 150–200

    def __init__(self) -> None:
        import pytesseract

        self._tess = pytesseract
        if "chi_sim" not in pytesseract.get_languages(config=""):
            raise RuntimeError("tesseract-ocr-chi-sim is not installed")

    def recognize(self, image) -> list[Piece]:
        """The words Tesseract finds on a page (PIL image)."""
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        data = self._tess.image_to_data(image, lang="chi_sim", config="--psm 3",
                                        output_type=self._tess.Output.DICT)
        pieces = []
        for text, conf, x, y, w, h in zip(data["text"], data["conf"], data["left"], data["top"],
                                          data["width"], data["height"], strict=True):
            if text.strip() and float(conf) >= 0:
                pieces.append(Piece(text.strip(), x, y, x + w, y + h, float(conf) / 100))
        return pieces


ENGINES = {"rapidocr": RapidOcr, "tesseract": Tesseract}


def installed(name: str) -> bool:
    """Whether an engine's Python package (and, for Tesseract, its program) is installed."""
    if name == "rapidocr":
        return importlib.util.find_spec("rapidocr_onnxruntime") is not None
    if name == "tesseract":
        return importlib.util.find_spec("pytesseract") is not None and shutil.which("tesseract") is not None
    return False


ENGINE_ENV = "JIXIAO_OCR_ENGINE"  # rapidocr | tesseract: use this one although the other is installed


@lru_cache(maxsize=None)
def get_engine(name: str | None = None):
    """The named engine (default: ``$JIXIAO_OCR_ENGINE``), or the first installed one of
    ``ENGINES``; None when none is.

    Loaded once per process (RapidOCR's models take ~1 s to load)."""
    name = name or os.environ.get(ENGINE_ENV) or None
    for candidate in ([name] if name else list(ENGINES)):
        if installed(candidate):
            try:
                return ENGINES[candidate]()
            except Exception:  # noqa: BLE001 - a broken install counts as not installed
                continue
    return None
